"""Privacy records: erasure requests and the log of what retention or erasure removed.

An erasure request outlives the account it is about (the account row stays as an anonymised
tombstone, so foreign keys elsewhere keep pointing at something). `Redaction` records that a
record was irreversibly anonymised, so the retention job never does the same work twice.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, utcnow


class ErasureStatus(enum.Enum):
    pending = "Waiting for HCPA"
    completed = "Completed"
    cancelled = "Cancelled by the person"
    declined = "Declined by HCPA"


class ErasureRequest(TimestampMixin, db.Model):
    """A person asked for their account to be deleted; HCPA staff confirm it, or decline it with a
    reason (for example, it did not come from the account holder)."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ErasureStatus] = mapped_column(
        Enum(ErasureStatus, name="erasure_status", native_enum=False, length=20, validate_strings=True),
        default=ErasureStatus.pending, index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)  # why HCPA declined it (sent to the person)

    user = relationship("User", foreign_keys=[user_id], lazy="joined", innerjoin=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")


class Redaction(TimestampMixin, db.Model):
    """A record that was irreversibly anonymised, why (retention or erasure) and when."""

    __tablename__ = "privacy_redactions"
    __table_args__ = (UniqueConstraint("record_type", "record_id", name="uq_privacy_redactions_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
