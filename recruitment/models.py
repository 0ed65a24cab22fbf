"""Good Care Recruitment: applications, their history, values assessments, safer-recruitment
checks, referrals to vacancies, placements and follow-up check-ins (DOMAIN.md, Recruitment)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, event, false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum as _enum, utcnow

VALUES = ("care", "compassion", "competence", "communication", "courage", "commitment")
"""The 6 Cs, in the order they are asked and scored."""


class State(enum.Enum):
    """Where an application is in the pipeline (DOMAIN.md); `draft` is before it is sent."""

    draft = "draft"
    submitted = "submitted"
    screening = "screening"
    values_assessed = "values_assessed"
    checks = "checks"
    ready_to_refer = "ready_to_refer"
    referred = "referred"
    interviewing = "interviewing"
    offered = "offered"
    placed = "placed"
    withdrawn = "withdrawn"
    not_progressed = "not_progressed"
    on_hold = "on_hold"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.draft: "Not sent yet", State.submitted: "Submitted", State.screening: "Screening",
    State.values_assessed: "Values assessed", State.checks: "Checks", State.ready_to_refer: "Ready to refer",
    State.referred: "Referred", State.interviewing: "Interviewing", State.offered: "Offered",
    State.placed: "Placed", State.withdrawn: "Withdrawn", State.not_progressed: "Not progressed",
    State.on_hold: "On hold",
}


class RightToWork(enum.Enum):
    british_or_irish = "Yes, I am a British or Irish citizen"
    settled = "Yes, I have settled or pre-settled status"
    visa = "Yes, I have a visa or permission with a time limit"
    needs_sponsorship = "No, I would need a visa sponsor"
    not_sure = "I am not sure"


class Experience(enum.Enum):
    none = "None yet"
    under_one_year = "Less than 1 year"
    one_to_three_years = "1 to 3 years"
    over_three_years = "More than 3 years"


class HeardAbout(enum.Enum):
    campaign = "An advertising campaign"
    social_media = "Social media"
    college = "A school, college or university"
    recruitment_fair = "A recruitment fair"
    international = "International recruitment"
    other = "Somewhere else"


application_service_types = Table(
    "application_service_types",
    db.Model.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("service_types.id"), primary_key=True),
)


class Application(TimestampMixin, db.Model):
    """One person's application to work in care, saved page by page and then sent to HCPA.

    `version` is SQLAlchemy's optimistic lock: two officers changing the same application at
    once cannot silently overwrite each other.
    """

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("hours_per_week IS NULL OR (hours_per_week >= 1 AND hours_per_week <= 60)",
                        name="hours_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    state: Mapped[State] = mapped_column(_enum(State, "application_state"), default=State.draft, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    held_from: Mapped[State | None] = mapped_column(_enum(State, "held_from_state"))

    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    postcode: Mapped[str | None] = mapped_column(String(10))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    right_to_work: Mapped[RightToWork | None] = mapped_column(_enum(RightToWork, "right_to_work"))
    driving_licence: Mapped[bool | None]
    has_car: Mapped[bool | None]
    available_days: Mapped[bool | None]
    available_nights: Mapped[bool | None]
    available_weekends: Mapped[bool | None]
    hours_per_week: Mapped[int | None]
    service_types_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    experience: Mapped[Experience | None] = mapped_column(_enum(Experience, "experience"))
    experience_details: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    qualifications_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    languages: Mapped[str | None] = mapped_column(String(300))
    heard_about: Mapped[HeardAbout | None] = mapped_column(_enum(HeardAbout, "heard_about"))
    heard_about_other: Mapped[str | None] = mapped_column(String(200))
    answer_care: Mapped[str | None] = mapped_column(Text)
    answer_compassion: Mapped[str | None] = mapped_column(Text)
    answer_competence: Mapped[str | None] = mapped_column(Text)
    answer_communication: Mapped[str | None] = mapped_column(Text)
    answer_courage: Mapped[str | None] = mapped_column(Text)
    answer_commitment: Mapped[str | None] = mapped_column(Text)
    cv_answered: Mapped[bool] = mapped_column(default=False, server_default=false())

    # The CV: stored under STORAGE_DIR with a random name; the original name is for display only.
    cv_stored_name: Mapped[str | None] = mapped_column(String(80))
    cv_original_name: Mapped[str | None] = mapped_column(String(200))
    cv_kind: Mapped[str | None] = mapped_column(String(10))
    cv_size: Mapped[int | None]
    cv_uploaded_at: Mapped[datetime | None]
    # When the applicant was told this unsent draft would be deleted (academy/privacy/retention.py);
    # written without touching updated_at, so the warning itself is not activity.
    draft_warned_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined", innerjoin=True)
    district = relationship("District", lazy="joined")
    service_types = relationship("ServiceType", secondary=application_service_types,
                                 order_by="ServiceType.id", lazy="selectin")
    history = relationship("StateChange", back_populates="application", order_by="StateChange.id",
                           cascade="all, delete-orphan")
    notes = relationship("Note", back_populates="application", order_by="Note.id", cascade="all, delete-orphan")
    assessments = relationship("ValuesAssessment", back_populates="application",
                               order_by="ValuesAssessment.id", foreign_keys="ValuesAssessment.application_id")
    checks = relationship("SaferRecruitmentCheck", back_populates="application", uselist=False)
    referrals = relationship("Referral", back_populates="application", order_by="Referral.id")
    placement = relationship("Placement", back_populates="application", uselist=False)

    __mapper_args__ = {"version_id_col": version}

    def answer(self, value: str) -> str | None:
        return getattr(self, f"answer_{value}")

    @property
    def is_active(self) -> bool:
        return self.state not in (State.draft, State.placed, State.withdrawn, State.not_progressed)

    @property
    def open_referral(self) -> Referral | None:
        return next((r for r in reversed(self.referrals) if r.is_open), None)


class StateChange(db.Model):
    """One move of an application through the pipeline: from, to, who, when and why. Never edited."""

    __tablename__ = "application_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[State | None] = mapped_column(_enum(State, "from_state"))
    to_state: Mapped[State] = mapped_column(_enum(State, "to_state"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    application = relationship("Application", back_populates="history")
    by = relationship("User", lazy="joined")


class Note(TimestampMixin, db.Model):
    """An HCPA officer's note on an application."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)

    application = relationship("Application", back_populates="notes")
    author = relationship("User", lazy="joined")


class ValuesAssessment(TimestampMixin, db.Model):
    """Scores 1-4 for each of the 6 Cs with a justification each. Immutable once recorded:
    a correction is a new assessment pointing at the one it corrects."""

    __tablename__ = "values_assessments"
    __table_args__ = tuple(
        CheckConstraint(f"{value}_score BETWEEN 1 AND 4", name=f"{value}_score_1_to_4") for value in VALUES
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("values_assessments.id"), unique=True)
    care_score: Mapped[int]
    care_justification: Mapped[str] = mapped_column(Text)
    compassion_score: Mapped[int]
    compassion_justification: Mapped[str] = mapped_column(Text)
    competence_score: Mapped[int]
    competence_justification: Mapped[str] = mapped_column(Text)
    communication_score: Mapped[int]
    communication_justification: Mapped[str] = mapped_column(Text)
    courage_score: Mapped[int]
    courage_justification: Mapped[str] = mapped_column(Text)
    commitment_score: Mapped[int]
    commitment_justification: Mapped[str] = mapped_column(Text)
    total: Mapped[int]
    passed: Mapped[bool]
    # Thresholds in force when it was scored, so the result can always be explained.
    min_each: Mapped[int]
    min_total: Mapped[int]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_agrees: Mapped[bool | None]
    review_comment: Mapped[str | None] = mapped_column(Text)

    application = relationship("Application", back_populates="assessments", foreign_keys=[application_id])
    assessor = relationship("User", foreign_keys=[assessor_id], lazy="joined")
    reviewer = relationship("User", foreign_keys=[reviewer_id], lazy="joined")
    corrects = relationship("ValuesAssessment", remote_side=[id], foreign_keys=[corrects_id],
                            backref=db.backref("corrected_by", uselist=False))

    def score(self, value: str) -> int:
        return getattr(self, f"{value}_score")

    def justification(self, value: str) -> str:
        return getattr(self, f"{value}_justification")


IMMUTABLE_ASSESSMENT_FIELDS = tuple(f"{v}_{part}" for v in VALUES for part in ("score", "justification")) + (
    "total", "passed", "min_each", "min_total", "assessor_id", "application_id", "corrects_id")


@event.listens_for(ValuesAssessment, "before_update")
def _refuse_score_changes(mapper, connection, target):
    """Scores are evidence: once written they never change (correct by a new assessment)."""
    state = db.inspect(target)
    for name in IMMUTABLE_ASSESSMENT_FIELDS:
        if state.attrs[name].history.has_changes():
            raise ValueError("A values assessment cannot be changed once recorded; record a correction")


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

    identity_right_to_work: Mapped[CheckStatus] = mapped_column(_enum(CheckStatus, "rtw_status"),
                                                                default=CheckStatus.not_started)
    right_to_work_evidence: Mapped[str | None] = mapped_column(String(200))
    right_to_work_expires_on: Mapped[date | None]

    dbs_status: Mapped[DbsStatus] = mapped_column(_enum(DbsStatus, "dbs_status"), default=DbsStatus.not_started)
    dbs_barred_list_checked: Mapped[bool] = mapped_column(default=False, server_default=false())
    dbs_certificate_number: Mapped[str | None] = mapped_column(String(12))
    dbs_issued_on: Mapped[date | None]
    dbs_update_service: Mapped[bool] = mapped_column(default=False, server_default=false())
    dbs_risk_assessment: Mapped[str | None] = mapped_column(Text)

    reference_1_name: Mapped[str | None] = mapped_column(String(200))
    reference_1_kind: Mapped[ReferenceKind | None] = mapped_column(_enum(ReferenceKind, "reference_1_kind"))
    reference_1_status: Mapped[ReferenceStatus] = mapped_column(_enum(ReferenceStatus, "reference_1_status"),
                                                                default=ReferenceStatus.not_requested)
    reference_2_name: Mapped[str | None] = mapped_column(String(200))
    reference_2_kind: Mapped[ReferenceKind | None] = mapped_column(_enum(ReferenceKind, "reference_2_kind"))
    reference_2_status: Mapped[ReferenceStatus] = mapped_column(_enum(ReferenceStatus, "reference_2_status"),
                                                                default=ReferenceStatus.not_requested)

    employment_history: Mapped[HistoryStatus] = mapped_column(_enum(HistoryStatus, "history_status"),
                                                             default=HistoryStatus.not_checked)
    employment_gaps_explanation: Mapped[str | None] = mapped_column(Text)

    health_status: Mapped[HealthStatus] = mapped_column(_enum(HealthStatus, "health_status"),
                                                        default=HealthStatus.not_started)
    health_notes: Mapped[str | None] = mapped_column(Text)

    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application = relationship("Application", back_populates="checks")
    updated_by = relationship("User", lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class ReferralStatus(enum.Enum):
    sent = "Waiting for the manager"
    accepted = "Accepted: interview to arrange"
    declined = "Declined by the workplace"
    interview_arranged = "Interview arranged"
    unsuccessful = "Not successful at interview"
    offered = "Job offered"
    offer_declined = "Offer not taken up"
    placed = "Placed"
    withdrawn = "Withdrawn"


OPEN_REFERRAL = (ReferralStatus.sent, ReferralStatus.accepted, ReferralStatus.interview_arranged,
                 ReferralStatus.offered)


class Referral(TimestampMixin, db.Model):
    """HCPA sends a candidate to a workplace's vacancy; the workplace's manager takes it from there."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ReferralStatus] = mapped_column(_enum(ReferralStatus, "referral_status"),
                                                   default=ReferralStatus.sent, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    match_reasons: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    interview_at: Mapped[datetime | None]
    interview_notes: Mapped[str | None] = mapped_column(Text)
    offered_at: Mapped[datetime | None]
    offer_details: Mapped[str | None] = mapped_column(Text)

    application = relationship("Application", back_populates="referrals")
    vacancy = relationship("Vacancy", lazy="joined")
    referred_by = relationship("User", foreign_keys=[referred_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL


class Placement(TimestampMixin, db.Model):
    """An accepted offer with a start date: the applicant is now employed at the workplace.

    The staff record is the shared spine's Employment; retention at 3, 6 and 12 months is
    recorded from its leaving date once each date has passed (None = not yet known).
    """

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), unique=True)
    start_date: Mapped[date] = mapped_column(index=True)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    retained_3_months: Mapped[bool | None]
    retained_6_months: Mapped[bool | None]
    retained_12_months: Mapped[bool | None]

    application = relationship("Application", back_populates="placement")
    referral = relationship("Referral")
    employment = relationship("Employment", lazy="joined")
    follow_ups = relationship("FollowUp", back_populates="placement", order_by="FollowUp.due_on")


class FollowUpPoint(enum.Enum):
    """When HCPA checks in with a placed person (DOMAIN.md: ~1 week, 1, 3 and 6 months)."""

    week_1 = "1 week"
    month_1 = "1 month"
    month_3 = "3 months"
    month_6 = "6 months"


class FollowUp(TimestampMixin, db.Model):
    """A check-in with a placed worker: how settled they are (1-5), comments, support wanted."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("placement_id", "point", name="uq_follow_ups_placement_point"),
        CheckConstraint("settled_rating IS NULL OR settled_rating BETWEEN 1 AND 5", name="rating_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    point: Mapped[FollowUpPoint] = mapped_column(_enum(FollowUpPoint, "follow_up_point"))
    due_on: Mapped[date] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_rating: Mapped[int | None]
    comments: Mapped[str | None] = mapped_column(Text)
    support_wanted: Mapped[str | None] = mapped_column(Text)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)

    placement = relationship("Placement", back_populates="follow_ups")
    answered_by = relationship("User")
