"""The application: what the applicant answers, where it is in the pipeline (State), its history
of moves and HCPA's notes (DOMAIN.md, Recruitment)."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, utcnow
from academy.extensions import stored_enum
from recruitment.duplicate_keys import email_key, mobile_key, name_postcode_key

if TYPE_CHECKING:
    from recruitment.models.referrals import Referral

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
    merged = "merged"  # merged into another application (merged_into_id): a pointer, out of every queue

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.draft: "Not sent yet", State.submitted: "Submitted", State.screening: "Screening",
    State.values_assessed: "Values assessed", State.checks: "Checks", State.ready_to_refer: "Ready to refer",
    State.referred: "Referred", State.interviewing: "Interviewing", State.offered: "Offered",
    State.placed: "Placed", State.withdrawn: "Withdrawn", State.not_progressed: "Not progressed",
    State.on_hold: "On hold", State.merged: "Merged",
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
        # Merged exactly when it points at the application it was merged into (duplicates.merge sets both).
        CheckConstraint("(state = 'merged' AND merged_into_id IS NOT NULL) "
                        "OR (state <> 'merged' AND merged_into_id IS NULL)", name="merged_into_when_merged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    state: Mapped[State] = mapped_column(stored_enum(State, "application_state"), default=State.draft, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    held_from: Mapped[State | None] = mapped_column(stored_enum(State, "held_from_state"))
    # The HCPA officer looking after it (the queue filters by it); None until someone takes it on.
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The vacancy the applicant asked about on the jobs board (recruitment/board.py): matching ranks it
    # first for the officer. None when they started from the start page.
    interested_vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="SET NULL"),
                                                              index=True)

    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    postcode: Mapped[str | None] = mapped_column(String(10))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    right_to_work: Mapped[RightToWork | None] = mapped_column(stored_enum(RightToWork, "right_to_work"))
    driving_licence: Mapped[bool | None]
    has_car: Mapped[bool | None]
    available_days: Mapped[bool | None]
    available_nights: Mapped[bool | None]
    available_weekends: Mapped[bool | None]
    hours_per_week: Mapped[int | None]
    service_types_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    experience: Mapped[Experience | None] = mapped_column(stored_enum(Experience, "experience"))
    experience_details: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    qualifications_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    languages: Mapped[str | None] = mapped_column(String(300))
    heard_about: Mapped[HeardAbout | None] = mapped_column(stored_enum(HeardAbout, "heard_about"))
    heard_about_other: Mapped[str | None] = mapped_column(String(200))
    answer_care: Mapped[str | None] = mapped_column(Text)
    answer_compassion: Mapped[str | None] = mapped_column(Text)
    answer_competence: Mapped[str | None] = mapped_column(Text)
    answer_communication: Mapped[str | None] = mapped_column(Text)
    answer_courage: Mapped[str | None] = mapped_column(Text)
    answer_commitment: Mapped[str | None] = mapped_column(Text)
    cv_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The furthest page of the online form (1-based position in recruitment/journey.py STEPS) the applicant
    # has saved: the GCR funnel's drop-off by question page (academy/outcomes/funnel.py). 0 = none yet.
    furthest_page: Mapped[int] = mapped_column(default=0, server_default="0")

    # The CV: stored under STORAGE_DIR with a random name; the original name is for display only.
    cv_stored_name: Mapped[str | None] = mapped_column(String(80))
    cv_original_name: Mapped[str | None] = mapped_column(String(200))
    cv_kind: Mapped[str | None] = mapped_column(String(10))
    cv_size: Mapped[int | None]
    cv_uploaded_at: Mapped[datetime | None]
    # When the applicant was told this unsent draft would be deleted (academy/privacy/retention.py);
    # written without touching updated_at, so the warning itself is not activity.
    draft_warned_at: Mapped[datetime | None]

    # Matching keys for likely duplicates (recruitment/duplicate_keys.py), kept up to date by the
    # listener below whenever the row is written; indexed, so finding duplicates is a lookup.
    email_key: Mapped[str | None] = mapped_column(String(254), index=True)
    mobile_key: Mapped[str | None] = mapped_column(String(20), index=True)
    name_postcode_key: Mapped[str | None] = mapped_column(String(300), index=True)
    # A duplicate merged into another application (recruitment/duplicates.py): state merged, kept as a pointer.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    merged_at: Mapped[datetime | None]
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", lazy="joined", innerjoin=True, foreign_keys=[user_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id], lazy="joined")
    district = relationship("District", lazy="joined")
    interested_vacancy = relationship("Vacancy", foreign_keys=[interested_vacancy_id])
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
    merged_into = relationship("Application", remote_side=[id], foreign_keys=[merged_into_id])
    merged_by = relationship("User", foreign_keys=[merged_by_id])

    __mapper_args__ = {"version_id_col": version}

    def answer(self, value: str) -> str | None:
        return getattr(self, f"answer_{value}")

    @property
    def is_active(self) -> bool:
        return self.state not in (State.draft, State.placed, State.withdrawn, State.not_progressed, State.merged)

    @property
    def open_referral(self) -> Referral | None:
        return next((r for r in reversed(self.referrals) if r.is_open), None)


@event.listens_for(Application, "before_insert")
@event.listens_for(Application, "before_update")
def _matching_keys(mapper, connection, target: Application) -> None:
    """Keep the duplicate-matching keys in step with the answers (and the account's email). An
    application without a name (anonymised, or a draft not yet that far) has no keys: nothing to match."""
    named = bool(target.full_name)
    user = target.user
    target.email_key = email_key(user.email) if named and user is not None else None
    target.mobile_key = mobile_key(target.phone) if named else None
    target.name_postcode_key = name_postcode_key(target.full_name, target.postcode)


class StateChange(db.Model):
    """One move of an application through the pipeline: from, to, who, when and why. Never edited."""

    __tablename__ = "application_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[State | None] = mapped_column(stored_enum(State, "from_state"))
    to_state: Mapped[State] = mapped_column(stored_enum(State, "to_state"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The application this was recorded on, when that one was merged into this one (recruitment/duplicates.py).
    # A plain id, not a foreign key: merged applications are never deleted, and a second key to
    # applications would make every join between the tables ambiguous.
    merged_from_id: Mapped[int | None]

    application = relationship("Application", back_populates="history")
    by = relationship("User", lazy="joined")


class Note(TimestampMixin, db.Model):
    """An HCPA officer's note on an application."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    merged_from_id: Mapped[int | None]

    application = relationship("Application", back_populates="notes")
    author = relationship("User", lazy="joined")
