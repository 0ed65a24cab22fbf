"""Member benefits and wellbeing support that HCPA keeps for CPA members (discounts, the Employee
Assistance Programme, the county wellbeing service), who each is for, and members' declared use.

Eligibility is data on the benefit: a minimum career tier (none = every member), job roles (none =
any role) and whether the member must be employed by a workplace that is an HCPA member. The rules
are in academy/benefits/eligibility.py.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class BenefitKind(enum.Enum):
    discount = "Discount"
    employee_assistance = "Employee Assistance Programme"
    wellbeing_service = "Wellbeing service"
    other = "Other support"


benefit_job_roles = Table(
    "benefit_job_roles",
    db.Model.metadata,
    Column("benefit_id", ForeignKey("benefits.id", ondelete="CASCADE"), primary_key=True),
    Column("job_role_id", ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True),
)


class Benefit(TimestampMixin, db.Model):
    """One benefit in the catalogue, live from `opens_on` (or always) to `closes_on` (inclusive, or
    always) unless HCPA withdrew it."""

    __tablename__ = "benefits"
    __table_args__ = (
        CheckConstraint("min_tier IS NULL OR (min_tier >= 1 AND min_tier <= 5)", name="min_tier_range"),
        CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[BenefitKind] = mapped_column(stored_enum(BenefitKind, "benefit_kind", length=30))
    description: Mapped[str] = mapped_column(Text)
    how_to_claim: Mapped[str] = mapped_column(Text)
    claim_url: Mapped[str | None] = mapped_column(String(500))
    min_tier: Mapped[int | None]
    member_provider_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    withdrawn_at: Mapped[datetime | None]

    job_roles = relationship("JobRole", secondary=benefit_job_roles, order_by="JobRole.name")

    def live_on(self, day: date) -> bool:
        return (self.withdrawn_at is None and (self.opens_on is None or self.opens_on <= day)
                and (self.closes_on is None or day <= self.closes_on))

    def status_on(self, day: date) -> str:
        if self.withdrawn_at is not None:
            return "Withdrawn"
        if self.opens_on is not None and day < self.opens_on:
            return "Not open yet"
        if self.closes_on is not None and day > self.closes_on:
            return "Closed"
        return "Live"


class BenefitUse(TimestampMixin, db.Model):
    """A member said they have used a benefit ("I've used this"), with the workplace they worked at
    when they said so: one row per member, benefit and workplace (a member in two jobs gets two; one
    between jobs gets one with no workplace). `first_used_on` is the first time they said so while
    at that workplace and never moves; `used_on` is the latest, shown only to the member.

    A manager's count is of the people who said so while working at their workplace, up to the end
    of last month (academy/benefits/workplace_use.py), so staff joining or leaving, or pressing the
    button today, never changes what the manager sees. Managers see counts, never who."""

    __tablename__ = "benefit_uses"
    __table_args__ = (UniqueConstraint("benefit_id", "person_id", "workplace_id",
                                       name="uq_benefit_uses_benefit_person_workplace"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id"), index=True)
    first_used_on: Mapped[date]
    used_on: Mapped[date]

    benefit = relationship("Benefit")
    person = relationship("Person")
