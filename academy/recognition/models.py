"""Recognition: Hertfordshire Care Awards categories and rounds (set by HCPA staff), nominations of
CPA members (shortlisted and winners recorded by HCPA), managers' thanks to their own staff, and
each worker's choice whether awards and thanks show on their passport and profile (hidden unless
they choose)."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class NominationStatus(enum.Enum):
    nominated = "Nominated"
    shortlisted = "Shortlisted"
    winner = "Winner"

    @property
    def tag_class(self) -> str:
        return {"nominated": "govuk-tag--grey", "shortlisted": "govuk-tag--blue",
                "winner": "govuk-tag--green"}[self.name]


class AwardCategory(TimestampMixin, db.Model):
    """A Hertfordshire Care Award category ("Care worker of the year")."""

    __tablename__ = "award_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class AwardRound(TimestampMixin, db.Model):
    """One year's (or season's) awards: open for nominations until its closing date, inclusive."""

    __tablename__ = "award_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    closes_on: Mapped[date]

    def is_open(self, on: date) -> bool:
        return on <= self.closes_on


class Nomination(TimestampMixin, db.Model):
    """A care worker (a CPA member) nominated for a category of a round, with the reason."""

    __tablename__ = "award_nominations"
    __table_args__ = (UniqueConstraint("round_id", "category_id", "person_id", "nominated_by_id",
                                       name="uq_award_nominations_once_per_nominator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[NominationStatus] = mapped_column(
        stored_enum(NominationStatus, "award_nomination_status", length=20),
        default=NominationStatus.nominated, server_default=NominationStatus.nominated.name)

    round = relationship("AwardRound")
    category = relationship("AwardCategory")
    person = relationship("Person")
    nominated_by = relationship("User")


class Thanks(TimestampMixin, db.Model):
    """A manager's thank-you to one of their own staff."""

    __tablename__ = "staff_thanks"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_name: Mapped[str] = mapped_column(String(200))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)

    person = relationship("Person")
    workplace = relationship("Workplace")


class RecognitionChoice(TimestampMixin, db.Model):
    """Whether the worker shows their awards (shortlisted, winner) and thanks on their passport
    and profile. No row means hidden."""

    __tablename__ = "recognition_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    show_on_passport: Mapped[bool] = mapped_column(default=False, server_default=false())
