"""Career tiers (CPA): the five tiers, their criteria stored as rows (admins edit them), tier
awards (endorsed by a manager, lapsing if mandatory training stays expired) and CPA membership.

A criterion is one rule of a kind (`CriterionKind`) with an optional number (a level, a count of
months) and an optional set of codes (course codes or job-role codes, separated by ';'). All the
criteria of a tier, and of every tier below it, must hold for a worker to be eligible for it.
"""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db


class CriterionKind(enum.Enum):
    """What a criterion checks on the passport. The value is how admins see the kind."""

    induction_started = "Care Certificate induction started"
    care_certificate_signed_off = "Care Certificate signed off"
    mandatory_training_current = "All mandatory training current"
    qualification_level_at_least = "Relevant social care qualification at a level or above"
    qualification_type_in = "One of these qualifications achieved"
    months_in_care_at_least = "Months working in care"
    specialist_course_in = "Current training in one of these courses"
    job_role_in = "Working in one of these job roles"

    @property
    def needs_number(self) -> bool:
        return self in (CriterionKind.qualification_level_at_least, CriterionKind.months_in_care_at_least)

    @property
    def needs_courses(self) -> bool:
        return self == CriterionKind.specialist_course_in

    @property
    def needs_job_roles(self) -> bool:
        return self == CriterionKind.job_role_in

    @property
    def needs_qualification_types(self) -> bool:
        return self == CriterionKind.qualification_type_in


class Tier(TimestampMixin, db.Model):
    """One of the five career tiers, aligned to a Care Workforce Pathway category."""

    __tablename__ = "tiers"
    __table_args__ = (CheckConstraint("number >= 1 AND number <= 5", name="number_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    cwp_category: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)

    criteria = relationship("TierCriterion", back_populates="tier", order_by="TierCriterion.id",
                            cascade="all, delete-orphan")


class TierCriterion(TimestampMixin, db.Model):
    """One rule a worker must meet for a tier (data, editable by admins)."""

    __tablename__ = "tier_criteria"
    __table_args__ = (CheckConstraint("number IS NULL OR (number >= 0 AND number <= 600)", name="number_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CriterionKind] = mapped_column(
        Enum(CriterionKind, name="tier_criterion_kind", native_enum=False, length=40, validate_strings=True))
    number: Mapped[int | None]
    # Course, job-role or qualification-type codes separated by ';' (for the *_in kinds).
    codes: Mapped[str | None] = mapped_column(String(1000))

    tier = relationship("Tier", back_populates="criteria")

    @property
    def code_list(self) -> list[str]:
        return [code for code in (self.codes or "").split(";") if code]


class TierAward(TimestampMixin, db.Model):
    """A tier awarded to a person on a date, endorsed by their manager; it lapses (after a notice)
    when their mandatory training has been expired for longer than the grace period."""

    __tablename__ = "tier_awards"
    __table_args__ = (
        CheckConstraint("tier_number >= 1 AND tier_number <= 5", name="tier_number_range"),
        CheckConstraint("lapsed_on IS NULL OR lapsed_on >= awarded_on", name="lapses_after_award"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    tier_number: Mapped[int]
    awarded_on: Mapped[date]
    endorsed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id"))
    lapse_notice_sent_on: Mapped[date | None]
    lapsed_on: Mapped[date | None] = mapped_column(index=True)
    lapse_reason: Mapped[str | None] = mapped_column(String(300))

    person = relationship("Person", backref=db.backref("tier_awards", lazy="select"))
    endorsed_by = relationship("User")
    workplace = relationship("Workplace")

    def current_on(self, day: date) -> bool:
        return self.awarded_on <= day and (self.lapsed_on is None or self.lapsed_on > day)


class CpaMembership(TimestampMixin, db.Model):
    """A care worker's Care Professional Academy membership: a stable member number and whether
    their professional profile is visible to employers (hidden unless they choose)."""

    __tablename__ = "cpa_memberships"
    __table_args__ = (UniqueConstraint("member_number", name="uq_cpa_memberships_member_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    member_number: Mapped[str] = mapped_column(String(20))
    profile_visible: Mapped[bool] = mapped_column(default=False, server_default=false())

    person = relationship("Person", backref=db.backref("cpa_membership", uselist=False))


class TierEndorsementRequest(TimestampMixin, db.Model):
    """The worker's managers were asked (emailed) to endorse this tier: at most once per tier."""

    __tablename__ = "tier_endorsement_requests"
    __table_args__ = (UniqueConstraint("person_id", "tier_number", name="uq_tier_endorsement_requests_person_tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    tier_number: Mapped[int]
    requested_on: Mapped[date]
    recipients: Mapped[int] = mapped_column(default=0, server_default="0")
