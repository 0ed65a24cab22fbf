"""People who sign in, their roles, invitations and the audit log."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, Text, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from academy.auth.passwords import hash_password, needs_rehash, verify_password
from academy.extensions import TimestampMixin, db, utcnow


class Role(enum.Enum):
    """The five roles of DOMAIN.md; a user has exactly one."""

    applicant = "applicant"
    care_worker = "care_worker"
    manager = "manager"
    hcpa_staff = "hcpa_staff"
    admin = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.applicant: "Applicant",
    Role.care_worker: "Care worker",
    Role.manager: "Registered manager",
    Role.hcpa_staff: "HCPA staff",
    Role.admin: "Administrator",
}
SELF_SERVICE_ROLES = (Role.applicant, Role.care_worker)
INVITED_ROLES = (Role.manager, Role.hcpa_staff, Role.admin)


def role_enum(name: str) -> Enum:
    return Enum(Role, name=name, native_enum=False, length=20, validate_strings=True)


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(role_enum("user_role"))
    email_confirmed_at: Mapped[datetime | None]
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Rotated on sign-out and password change, so an old session cookie stops working.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    last_sign_in_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Two-step sign-in: the authenticator app's shared secret (base32; never logged or shown
    # again after set-up) and when it was turned on (None: two-step is off).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_step_enabled_at: Mapped[datetime | None]
    # The time step (30 s) of the last app code accepted at sign-in: a code works once (RFC 6238, 5.2).
    totp_last_step: Mapped[int | None]

    workplaces = relationship(
        "Workplace", secondary="workplace_managers", back_populates="managers", lazy="selectin"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @property
    def password_needs_rehash(self) -> bool:
        """An older scrypt hash, or argon2 with outdated parameters: re-hash at the next sign-in."""
        return needs_rehash(self.password_hash)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def two_step_enabled(self) -> bool:
        return self.two_step_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Invitation(TimestampMixin, db.Model):
    """A one-time emailed link that lets a manager, HCPA officer or admin create an account."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(role_enum("invitation_role"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]

    workplace = relationship("Workplace")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_expired(self) -> bool:
        return utcnow() >= self.expires_at


class RecoveryCode(TimestampMixin, db.Model):
    """One of the ten one-time codes that sign someone in when their authenticator app is lost.

    Only a hash is kept; the code itself is shown once, when two-step sign-in is set up.
    """

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class AuditEvent(db.Model):
    """Who did what to which record, when and from where. Written, never edited."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[str | None] = mapped_column(String(60))
    # The person the record is about, when there is one (for "everything about this person").
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    subject = relationship("User", foreign_keys=[subject_user_id], lazy="joined")
