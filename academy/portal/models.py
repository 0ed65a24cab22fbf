"""A job-role change keeps the person's history without counting as a leaver and a starter.

Turnover counts each Employment that ends (DOMAIN.md), so changing role inside the same workplace
edits the Employment's job role and records the change here: from which role, to which, on what date
and who recorded it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db


class RoleChange(TimestampMixin, db.Model):
    __tablename__ = "employment_role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id", ondelete="CASCADE"), index=True)
    from_job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    to_job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    changed_on: Mapped[date]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    employment = relationship("Employment", backref=db.backref("role_changes", order_by="RoleChange.changed_on",
                                                                cascade="all, delete-orphan"))
    from_job_role = relationship("JobRole", foreign_keys=[from_job_role_id], lazy="joined")
    to_job_role = relationship("JobRole", foreign_keys=[to_job_role_id], lazy="joined")
