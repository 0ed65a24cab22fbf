"""Issued credentials: one row per Open Badges credential the service has issued, its place in the
revocation list (the row id: list = id // LIST_SIZE, index = id % LIST_SIZE) and whether it has
been revoked, and why."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class CredentialKind(enum.Enum):
    """What a credential is about (DOMAIN.md's training passport parts)."""

    training_record = "Training"
    qualification = "Qualification"
    care_certificate = "Care Certificate"
    career_tier = "Career tier"


class RevocationReason(enum.Enum):
    withdrawn = "The verification was withdrawn or the record removed"
    corrected = "The record was corrected after the credential was issued"
    expired = "It expired"
    lapsed = "The career tier lapsed"


class IssuedCredential(TimestampMixin, db.Model):
    __tablename__ = "issued_credentials"
    __table_args__ = (
        Index("ix_issued_credentials_source", "kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The credential's id is urn:uuid:<public_id>; the verify link carries it.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[CredentialKind] = mapped_column(stored_enum(CredentialKind, "credential_kind", 20))
    source_id: Mapped[int]
    # SHA-256 of what the credential says about its source: a change to the source is a correction.
    source_fingerprint: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    valid_until: Mapped[date | None]
    key_id: Mapped[str] = mapped_column(String(100))
    # The VC-JWT as last handed to the holder: what the verify link (and the QR code) checks.
    token: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(index=True)
    revoked_reason: Mapped[RevocationReason | None] = mapped_column(
        stored_enum(RevocationReason, "credential_revocation_reason", 20))

    person = relationship("Person")

    @property
    def uri(self) -> str:
        return f"urn:uuid:{self.public_id}"
