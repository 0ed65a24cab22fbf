"""The safer-recruitment checklist for one applicant and its statuses (DOMAIN.md, Recruitment)."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db
from academy.extensions import stored_enum


class CheckStatus(enum.Enum):
    not_started = "Not started"
    in_progress = "In progress"
    done = "Done"


class DbsStatus(enum.Enum):
    not_started = "Not started"
    applied = "Applied"
    clear = "Clear"
    information_disclosed = "Information disclosed"


class ReferenceKind(enum.Enum):
    recent_employer = "Most recent employer"
    previous_employer = "Previous employer"
    character = "Character reference (first job)"


class ReferenceStatus(enum.Enum):
    not_requested = "Not requested"
    requested = "Requested"
    satisfactory = "Received: satisfactory"
    unsatisfactory = "Received: not satisfactory"


class HistoryStatus(enum.Enum):
    not_checked = "Not checked"
    complete_no_gaps = "Complete, no gaps over 3 months"
    gaps_explained = "Complete, gaps over 3 months explained"


class HealthStatus(enum.Enum):
    not_started = "Not started"
    received = "Questionnaire received"
    fit = "Fit for the role"
    fit_with_adjustments = "Fit for the role with adjustments"


class SaferRecruitmentCheck(TimestampMixin, db.Model):
    """The safer-recruitment checklist for one applicant (CQC Regulation 19, Schedule 3).

    DBS details and health answers are special-category data: only HCPA staff see them, and
    every view is audited.
    """

    __tablename__ = "safer_recruitment_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    identity_right_to_work: Mapped[CheckStatus] = mapped_column(stored_enum(CheckStatus, "rtw_status"),
                                                                default=CheckStatus.not_started)
    right_to_work_evidence: Mapped[str | None] = mapped_column(String(200))
    right_to_work_expires_on: Mapped[date | None]

    dbs_status: Mapped[DbsStatus] = mapped_column(stored_enum(DbsStatus, "dbs_status"), default=DbsStatus.not_started)
    dbs_barred_list_checked: Mapped[bool] = mapped_column(default=False, server_default=false())
    dbs_certificate_number: Mapped[str | None] = mapped_column(String(12))
    dbs_issued_on: Mapped[date | None]
    dbs_update_service: Mapped[bool] = mapped_column(default=False, server_default=false())
    dbs_risk_assessment: Mapped[str | None] = mapped_column(Text)

    reference_1_name: Mapped[str | None] = mapped_column(String(200))
    reference_1_kind: Mapped[ReferenceKind | None] = mapped_column(stored_enum(ReferenceKind, "reference_1_kind"))
    reference_1_status: Mapped[ReferenceStatus] = mapped_column(stored_enum(ReferenceStatus, "reference_1_status"),
                                                                default=ReferenceStatus.not_requested)
    reference_2_name: Mapped[str | None] = mapped_column(String(200))
    reference_2_kind: Mapped[ReferenceKind | None] = mapped_column(stored_enum(ReferenceKind, "reference_2_kind"))
    reference_2_status: Mapped[ReferenceStatus] = mapped_column(stored_enum(ReferenceStatus, "reference_2_status"),
                                                                default=ReferenceStatus.not_requested)

    employment_history: Mapped[HistoryStatus] = mapped_column(stored_enum(HistoryStatus, "history_status"),
                                                             default=HistoryStatus.not_checked)
    employment_gaps_explanation: Mapped[str | None] = mapped_column(Text)

    health_status: Mapped[HealthStatus] = mapped_column(stored_enum(HealthStatus, "health_status"),
                                                        default=HealthStatus.not_started)
    health_notes: Mapped[str | None] = mapped_column(Text)

    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # No merged_from_id: a duplicate merge never moves checks to another account (recruitment/duplicates.py).

    application = relationship("Application", back_populates="checks")
    updated_by = relationship("User", lazy="joined")

    __mapper_args__ = {"version_id_col": version}
