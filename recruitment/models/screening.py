"""Values assessments: scores 1-4 for each of the 6 Cs, immutable once recorded (DOMAIN.md, Recruitment)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db
from recruitment.models.application import VALUES


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
    merged_from_id: Mapped[int | None]  # recorded on that application before it was merged into this one

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
