"""Staff voice: HCPA's short polls and pulse surveys to CPA members, answered anonymously.

Anonymous by construction (docs/voice.md):
- `PollAnswer` holds the answer and the coarse group it came from (district, service type and
  workplace, fixed when the answer was given) and nothing that names or orders a person: no user or
  person id, no time, a random key (a UUID, so answers sort in no particular order) and, on SQLite,
  no hidden rowid (WITHOUT ROWID: rows are stored in key order, not in the order they came).
- `PollParticipation` says only who has answered a poll (so nobody answers twice): the poll and the
  user, its key, and nothing else (no id counting up, no time) to line it up with an answer.
- Neither table has created_at / updated_at, unlike every other table: a time is what would link them.
Free-text answers wait in a moderation queue; only the text HCPA approved (edited to remove anything
identifying) is ever shown. The raw text is replaced by the edited text, or removed when rejected.
"""
from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class PollStatus(enum.Enum):
    draft = "Draft"
    open = "Open"
    closed = "Closed"

    @property
    def tag_class(self) -> str:
        return {"draft": "govuk-tag--grey", "open": "govuk-tag--green", "closed": "govuk-tag--blue"}[self.name]


class PollKind(enum.Enum):
    poll = "Poll"
    pulse = "Pulse survey"


class QuestionKind(enum.Enum):
    single_choice = "Single choice"
    scale = "Scale of 1 to 5"
    free_text = "Free text"


class Moderation(enum.Enum):
    waiting = "Waiting"
    approved = "Approved"
    rejected = "Rejected"


SCALE = (1, 2, 3, 4, 5)


class Poll(TimestampMixin, db.Model):
    """A poll or pulse survey: questions, an audience (empty lists: every member) and its dates.

    The audience lists hold ids (tier numbers for tiers) separated by ';'. Within a list any one
    matches; across lists all must (district AND service type AND job role AND tier)."""

    __tablename__ = "voice_polls"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        # The pulse exactly when it names its quarter (pulse.open_quarterly_pulse sets both; polls.py neither).
        CheckConstraint("(kind = 'pulse' AND pulse_quarter IS NOT NULL) "
                        "OR (kind <> 'pulse' AND pulse_quarter IS NULL)", name="quarter_when_pulse"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[PollKind] = mapped_column(stored_enum(PollKind, "voice_poll_kind", length=20),
                                           default=PollKind.poll, server_default=PollKind.poll.name)
    status: Mapped[PollStatus] = mapped_column(stored_enum(PollStatus, "voice_poll_status", length=20),
                                               default=PollStatus.draft, server_default=PollStatus.draft.name)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    district_ids: Mapped[str | None] = mapped_column(String(500))
    service_type_ids: Mapped[str | None] = mapped_column(String(500))
    job_role_ids: Mapped[str | None] = mapped_column(String(1000))
    tiers: Mapped[str | None] = mapped_column(String(20))
    # The standing "How are you finding work?" pulse: the quarter it asks about ("2026-Q4"), else None.
    pulse_quarter: Mapped[str | None] = mapped_column(String(7), unique=True)
    invitations_sent_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    questions = relationship("PollQuestion", back_populates="poll", order_by="PollQuestion.position",
                             cascade="all, delete-orphan")

    def accepting(self, on: date) -> bool:
        """Open and within its dates: members may answer."""
        return self.status == PollStatus.open and self.opens_on <= on <= self.closes_on

    def has_closed(self, on: date) -> bool:
        return self.status == PollStatus.closed or (self.status == PollStatus.open and on > self.closes_on)


class PollQuestion(TimestampMixin, db.Model):
    """One question of a poll: single choice (its options, one a line), a 1-5 scale or free text."""

    __tablename__ = "voice_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("voice_polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(stored_enum(QuestionKind, "voice_question_kind", length=20))
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[str | None] = mapped_column(Text)

    poll = relationship("Poll", back_populates="questions")

    @property
    def option_list(self) -> list[str]:
        return [line for line in (self.options or "").splitlines() if line.strip()]

    @property
    def choices(self) -> list[tuple[int, str]]:
        """(stored value, label) of each answer a member can choose."""
        if self.kind == QuestionKind.scale:
            return [(n, SCALE_LABELS[n]) for n in SCALE]
        return list(enumerate(self.option_list))


SCALE_LABELS = {1: "1 (very poor)", 2: "2", 3: "3", 4: "4", 5: "5 (very good)"}


class PollParticipation(db.Model):
    """That this user has answered this poll (so they cannot answer again). Nothing else: no time,
    no id of its own; it names no answer and no answer names it."""

    __tablename__ = "voice_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: Mapped[int] = mapped_column(ForeignKey("voice_polls.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class PollLink(db.Model):
    """The link emailed to one member to answer one poll. Only the SHA-256 of its random token is
    kept (academy.auth.tokens.new_one_time_token): the token names nobody, and a copy of this table
    gives no working link. A new link for the same member and poll replaces the old one; answering
    the poll (by the link or from their account) deletes it, and so does closing the poll."""

    __tablename__ = "voice_links"

    poll_id: Mapped[int] = mapped_column(ForeignKey("voice_polls.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)


def new_answer_key() -> str:
    return uuid.uuid4().hex


class PollAnswer(db.Model):
    """One answer to one question, with the group it came from and nothing about who gave it."""

    __tablename__ = "voice_answers"
    __table_args__ = (
        CheckConstraint("choice IS NULL OR (choice >= 0 AND choice <= 50)", name="choice_range"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_answer_key)
    poll_id: Mapped[int] = mapped_column(ForeignKey("voice_polls.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("voice_questions.id", ondelete="CASCADE"), index=True)
    # Single choice: the option's index (0, 1, ...); scale: 1 to 5. Free text: None.
    choice: Mapped[int | None] = mapped_column(SmallInteger)
    # Free text: as typed until moderated, then as HCPA edited it; None once rejected.
    text: Mapped[str | None] = mapped_column(Text)
    moderation: Mapped[Moderation | None] = mapped_column(stored_enum(Moderation, "voice_moderation", length=20))
    # The group, coarse and fixed when the answer was given.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    service_type_id: Mapped[int | None] = mapped_column(ForeignKey("service_types.id", ondelete="SET NULL"))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id", ondelete="SET NULL"), index=True)

    question = relationship("PollQuestion")
