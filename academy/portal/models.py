"""Staff-record extras: job-role changes and requests to link a starter to a worker's passport.

A job-role change keeps the person's history without counting as a leaver and a starter.

Turnover counts each Employment that ends (DOMAIN.md), so changing role inside the same workplace
edits the Employment's job role and records the change here: from which role, to which, on what date
and who recorded it.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db


class RoleChange(TimestampMixin, db.Model):
    __tablename__ = "employment_role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id", ondelete="CASCADE"), index=True)
    from_job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    to_job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    # The registered-manager flag before and after (a flag change keeps the job role: from == to).
    from_registered_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    to_registered_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    changed_on: Mapped[date]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    employment = relationship("Employment", backref=db.backref("role_changes", order_by="RoleChange.changed_on",
                                                                cascade="all, delete-orphan"))
    from_job_role = relationship("JobRole", foreign_keys=[from_job_role_id], lazy="joined")
    to_job_role = relationship("JobRole", foreign_keys=[to_job_role_id], lazy="joined")


class LinkState(enum.Enum):
    pending = "Waiting for an answer"
    accepted = "Linked"
    declined = "Declined"
    cancelled = "Cancelled"


class EmployerLinkRequest(TimestampMixin, db.Model):
    """A workplace asked to link the starter it recorded (`employment`, on the workplace's own
    Person) to an existing worker's training passport. Nothing is shared until the worker accepts
    (or HCPA staff link it on their behalf): then the employment moves onto the worker's Person.

    `user_id` is the account asked; it is empty when the email typed belongs to no passport owner,
    and such a request is never answered, so the workplace cannot tell the two cases apart."""

    __tablename__ = "employer_link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[LinkState] = mapped_column(Enum(LinkState, name="link_state", native_enum=False, length=20,
                                                  validate_strings=True), default=LinkState.pending, index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    employment = relationship("Employment", backref=db.backref("link_requests", cascade="all, delete-orphan",
                                                               order_by="EmployerLinkRequest.id"))
    user = relationship("User", foreign_keys=[user_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def on_behalf(self) -> bool:
        """Linked by HCPA staff rather than by the worker themselves."""
        return self.decided_by_id is not None and self.decided_by_id != self.user_id
