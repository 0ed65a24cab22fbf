"""After the checks: referrals to vacancies, placements and follow-up check-ins (DOMAIN.md, Recruitment)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db
from academy.extensions import stored_enum


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


class InterviewFormat(enum.Enum):
    in_person = "In person"
    video = "Video call"
    phone = "Phone call"


OPEN_REFERRAL = (ReferralStatus.sent, ReferralStatus.accepted, ReferralStatus.interview_arranged,
                 ReferralStatus.offered)


class Referral(TimestampMixin, db.Model):
    """HCPA sends a candidate to a workplace's vacancy; the workplace's manager takes it from there."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ReferralStatus] = mapped_column(stored_enum(ReferralStatus, "referral_status"),
                                                   default=ReferralStatus.sent, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    match_reasons: Mapped[str | None] = mapped_column(Text)
    # What does not fit (weekends they cannot work, hours far from what they want), one per line,
    # as matching found it when the officer referred them: the manager sees both sides.
    match_concerns: Mapped[str | None] = mapped_column(Text)
    note_to_manager: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    interview_at: Mapped[datetime | None]
    interview_format: Mapped[InterviewFormat | None] = mapped_column(stored_enum(InterviewFormat, "interview_format",
                                                                                 length=20))
    interview_place: Mapped[str | None] = mapped_column(String(300))
    interview_notes: Mapped[str | None] = mapped_column(Text)
    offered_at: Mapped[datetime | None]
    offer_details: Mapped[str | None] = mapped_column(Text)
    # The interview's calendar event (recruitment/ics.py): its length, and the SEQUENCE of the
    # last invitation sent (0 for the first; each move or cancellation adds one). The UID is made
    # from the referral's id, so it never changes.
    interview_minutes: Mapped[int | None]
    interview_sequence: Mapped[int | None]
    interview_no_show: Mapped[bool] = mapped_column(default=False, server_default=false())
    interview_cancelled_at: Mapped[datetime | None]
    interview_cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    interview_cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The applicant's "none of these times suit me" message, until the manager offers new times.
    other_times_request: Mapped[str | None] = mapped_column(Text)
    merged_from_id: Mapped[int | None]  # made for that application before it was merged into this one

    application = relationship("Application", back_populates="referrals")
    vacancy = relationship("Vacancy", lazy="joined")
    referred_by = relationship("User", foreign_keys=[referred_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    interview_cancelled_by = relationship("User", foreign_keys=[interview_cancelled_by_id])
    slots = relationship("InterviewSlot", back_populates="referral", order_by="InterviewSlot.starts_at",
                         cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL


class InterviewSlot(TimestampMixin, db.Model):
    """A time the manager offers for the referral's interview; the applicant books one of them."""

    __tablename__ = "interview_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    minutes: Mapped[int]
    interview_format: Mapped[InterviewFormat] = mapped_column(stored_enum(InterviewFormat, "interview_format",
                                                                          length=20))
    place: Mapped[str] = mapped_column(String(300))
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    booked_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    """When the applicant was emailed this time: until then only the manager sees it (they may add
    more, and the applicant gets one email for them all)."""

    referral = relationship("Referral", back_populates="slots")

    @property
    def is_open(self) -> bool:
        return self.booked_at is None and self.withdrawn_at is None

    @property
    def is_offered(self) -> bool:
        """Open and sent to the applicant: theirs to book."""
        return self.is_open and self.emailed_at is not None


class InterviewReminder(db.Model):
    """The day-before reminder for one interview time: the row is the claim, so the job sends each once."""

    __tablename__ = "interview_reminders"
    __table_args__ = (UniqueConstraint("referral_id", "interview_at", name="uq_interview_reminders_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    interview_at: Mapped[datetime]
    sent_at: Mapped[datetime]


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
    point: Mapped[FollowUpPoint] = mapped_column(stored_enum(FollowUpPoint, "follow_up_point"))
    due_on: Mapped[date] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_rating: Mapped[int | None]
    comments: Mapped[str | None] = mapped_column(Text)
    support_wanted: Mapped[str | None] = mapped_column(Text)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)

    placement = relationship("Placement", back_populates="follow_ups")
    answered_by = relationship("User")
