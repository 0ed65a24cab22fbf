"""Possible duplicate applications: a pair found by the matching keys, and what HCPA decided
(recruitment/duplicates.py; DOMAIN.md, Recruitment)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class DuplicateStatus(enum.Enum):
    open = "Possible duplicate"
    dismissed = "Not a duplicate"
    merged = "Merged"


class PossibleDuplicate(TimestampMixin, db.Model):
    """Two sent applications that look like the same person, with the reasons they matched.

    The lower id is always `application_id`, so a pair is recorded once (the unique constraint).
    A dismissed pair stays, so it is never shown again; a merged one records which was kept.
    """

    __tablename__ = "possible_duplicates"
    __table_args__ = (
        UniqueConstraint("application_id", "other_application_id", name="uq_possible_duplicates_pair"),
        CheckConstraint("application_id < other_application_id", name="pair_in_order"),
        # Merged exactly when it names the application kept (duplicates.merge and _hand_over_pairs set both).
        CheckConstraint("(status = 'merged' AND kept_application_id IS NOT NULL) "
                        "OR (status <> 'merged' AND kept_application_id IS NULL)", name="kept_when_merged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    other_application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    same_email: Mapped[bool] = mapped_column(default=False, server_default=false())
    same_mobile: Mapped[bool] = mapped_column(default=False, server_default=false())
    same_name_postcode: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[DuplicateStatus] = mapped_column(stored_enum(DuplicateStatus, "duplicate_status", length=20),
                                                    default=DuplicateStatus.open, index=True)
    found_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    kept_application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))

    application = relationship("Application", foreign_keys=[application_id], lazy="joined", innerjoin=True)
    other_application = relationship("Application", foreign_keys=[other_application_id], lazy="joined",
                                     innerjoin=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def reasons(self) -> list[str]:
        """Why the two matched, in words."""
        return [text for matched, text in ((self.same_email, "Same email address"),
                                           (self.same_mobile, "Same mobile number"),
                                           (self.same_name_postcode, "Same name and postcode")) if matched]

    def partner_of(self, application_id: int):
        return self.other_application if application_id == self.application_id else self.application
