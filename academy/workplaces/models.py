"""Providers, workplaces and the workforce spine every feature shares: Person, Employment, Vacancy."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class CqcRating(enum.Enum):
    outstanding = "Outstanding"
    good = "Good"
    requires_improvement = "Requires improvement"
    inadequate = "Inadequate"
    not_yet_rated = "Not yet rated"


class ContractType(enum.Enum):
    """Directly employed (permanent, temporary) count in the outcomes; bank and agency do not."""

    permanent = "Permanent"
    temporary = "Temporary"
    bank = "Bank or pool"
    agency = "Agency"

    @property
    def directly_employed(self) -> bool:
        return self in (ContractType.permanent, ContractType.temporary)


class District(TimestampMixin, db.Model):
    """One of Hertfordshire's ten districts."""

    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class ServiceType(TimestampMixin, db.Model):
    """One of the five service types the strategy plans by."""

    __tablename__ = "service_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class JobRole(TimestampMixin, db.Model):
    """A job role from the list kept in academy/workplaces/data/job_roles.csv."""

    __tablename__ = "job_roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    asc_wds_code: Mapped[int | None]
    care_providing: Mapped[bool] = mapped_column(default=False, server_default=false())
    registered_manager: Mapped[bool] = mapped_column(default=False, server_default=false())


workplace_managers = Table(
    "workplace_managers",
    db.Model.metadata,
    Column("workplace_id", ForeignKey("workplaces.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Provider(TimestampMixin, db.Model):
    """An organisation that employs care staff and runs one or more workplaces."""

    __tablename__ = "providers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    cqc_provider_id: Mapped[str | None] = mapped_column(String(20))

    workplaces = relationship("Workplace", back_populates="provider")


class Workplace(TimestampMixin, db.Model):
    """One place a provider runs (a CQC location or a non-regulated service)."""

    __tablename__ = "workplaces"
    __table_args__ = (
        CheckConstraint("beds IS NULL OR beds >= 0", name="beds_not_negative"),
        CheckConstraint("care_hours_per_week IS NULL OR care_hours_per_week >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    cqc_location_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    service_type_id: Mapped[int] = mapped_column(ForeignKey("service_types.id"), index=True)
    cqc_rating: Mapped[CqcRating] = mapped_column(stored_enum(CqcRating, "cqc_rating"), default=CqcRating.not_yet_rated)
    care_standard_signed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The provider running it is a member of HCPA (set by HCPA staff): some CPA member benefits are
    # only for staff of member providers (academy/benefits/eligibility.py).
    hcpa_member: Mapped[bool] = mapped_column(default=False, server_default=false())
    beds: Mapped[int | None]
    care_hours_per_week: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # ASC-WDS (academy/ascwds): the workplace's LOCALESTID, and the bulk-upload columns this
    # service does not model itself (JSON), written back on export.
    ascwds_local_id: Mapped[str | None] = mapped_column(String(50), unique=True)
    ascwds_extra: Mapped[str | None] = mapped_column(Text)

    provider = relationship("Provider", back_populates="workplaces", lazy="joined")
    district = relationship("District", lazy="joined")
    service_type = relationship("ServiceType", lazy="joined")
    managers = relationship("User", secondary=workplace_managers, back_populates="workplaces")


class Person(TimestampMixin, db.Model):
    """Someone in the care workforce. Their employments and training belong to them, not to
    an employer, so the record moves with them. `user_id` links a sign-in account when they have one
    (staff imported from ASC-WDS may not)."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)

    user = relationship("User", backref=db.backref("person", uselist=False))
    employments = relationship("Employment", back_populates="person", order_by="Employment.start_date")


class Employment(TimestampMixin, db.Model):
    """A person working at a workplace in a job role, from a start date until a leaving date."""

    __tablename__ = "employments"
    __table_args__ = (
        CheckConstraint("leaving_date IS NULL OR leaving_date >= start_date", name="leaves_after_start"),
        CheckConstraint("hours_per_week IS NULL OR hours_per_week >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"), index=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    contract_type: Mapped[ContractType] = mapped_column(stored_enum(ContractType, "contract_type"))
    hours_per_week: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    start_date: Mapped[date]
    leaving_date: Mapped[date | None]
    leaving_reason: Mapped[str | None] = mapped_column(String(200))
    is_registered_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    # ASC-WDS (academy/ascwds): the worker's UNIQUEWORKERID at this workplace, and the staff-file
    # columns this service keeps but does not model (JSON; never NI number or date of birth).
    ascwds_worker_id: Mapped[str | None] = mapped_column(String(50))
    ascwds_extra: Mapped[str | None] = mapped_column(Text)

    person = relationship("Person", back_populates="employments")
    workplace = relationship("Workplace")
    job_role = relationship("JobRole", lazy="joined")

    def in_post_on(self, day: date) -> bool:
        """Started on or before `day` and not left by it (DOMAIN.md, filled posts)."""
        return self.start_date <= day and (self.leaving_date is None or self.leaving_date > day)


VACANCY_FROM_ASCWDS = "ascwds"


class Vacancy(TimestampMixin, db.Model):
    """Posts a workplace is recruiting to, open from opened_on until closed_on."""

    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint("posts >= 1", name="at_least_one_post"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"), index=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    posts: Mapped[int] = mapped_column(default=1)
    hours_per_week: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    days: Mapped[bool] = mapped_column(default=True, server_default=true())
    nights: Mapped[bool] = mapped_column(default=False, server_default=false())
    weekends: Mapped[bool] = mapped_column(default=False, server_default=false())
    contract_type: Mapped[ContractType] = mapped_column(stored_enum(ContractType, "vacancy_contract_type"))
    hourly_pay: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    driving_needed: Mapped[bool] = mapped_column(default=False, server_default=false())
    description: Mapped[str | None] = mapped_column(Text)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    # Where the posts came from: None when made here, VACANCY_FROM_ASCWDS when an ASC-WDS workplace
    # file's VACANCIES opened them (academy/ascwds/workplace_counts.py).
    source: Mapped[str | None] = mapped_column(String(20))

    workplace = relationship("Workplace", lazy="joined")
    job_role = relationship("JobRole", lazy="joined")

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    @property
    def shift_pattern(self) -> str:
        parts = [name for name, on in (("days", self.days), ("nights", self.nights), ("weekends", self.weekends)) if on]
        return ", ".join(parts).capitalize() if parts else "Not stated"
