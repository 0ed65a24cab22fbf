"""An ASC-WDS import: the uploaded files (kept under STORAGE_DIR/ascwds/<token>), the validation
report, and what applying it did. The rows themselves go into the workforce spine
(Workplace, Person, Employment) and TrainingRecord; nothing is copied here."""
from __future__ import annotations

import enum
import json
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db
from academy.workplaces.models import Employment


class ImportState(enum.Enum):
    uploaded = "Uploaded"
    validating = "Checking"
    validated = "Checked"
    applying = "Applying"
    applied = "Applied"
    failed = "Failed"


class ImportBatch(TimestampMixin, db.Model):
    __tablename__ = "ascwds_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ImportState] = mapped_column(
        Enum(ImportState, name="ascwds_import_state", native_enum=False, length=20, validate_strings=True),
        default=ImportState.uploaded)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    file_names: Mapped[str] = mapped_column(Text, default="[]")
    total_bytes: Mapped[int] = mapped_column(default=0, server_default="0")
    report_json: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(default=0, server_default="0")
    warning_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_count: Mapped[int] = mapped_column(default=0, server_default="0")
    deleted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    leaving_date: Mapped[date | None]
    # District for any workplace the files add (chosen on upload by HCPA).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    job_id: Mapped[str | None] = mapped_column(String(60))
    applied_at: Mapped[datetime | None]
    failure: Mapped[str | None] = mapped_column(String(300))

    created_by = relationship("User")

    @property
    def names(self) -> list[str]:
        return json.loads(self.file_names or "[]")

    @property
    def report(self) -> dict | None:
        return json.loads(self.report_json) if self.report_json else None


class DeclaredCount(TimestampMixin, db.Model):
    """A count a workplace file declared for one job role: STARTERS and LEAVERS (the 12 months to
    `declared_on`) and VACANCIES (open on `declared_on`), the day the import was applied. The
    outcomes use them for the months the service's own records do not cover
    (academy/outcomes/declared.py). An import replaces the workplace's counts declared within the
    12 months before it, so no month is counted by two declarations."""

    __tablename__ = "ascwds_declared_counts"
    __table_args__ = (
        UniqueConstraint("workplace_id", "declared_on", "kind", "ascwds_job_role",
                         name="uq_ascwds_declared_counts_workplace_day_kind_role"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"), index=True)
    declared_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10))  # "starters", "leavers" or "vacancies"
    ascwds_job_role: Mapped[str] = mapped_column(String(10))  # the ALLJOBROLES code
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"))
    count: Mapped[int]


# Find a worker's record at a workplace by its ASC-WDS UNIQUEWORKERID (not unique: a leaver's
# old employment keeps its id when they come back).
Index("ix_employments_workplace_ascwds_worker", Employment.workplace_id, Employment.ascwds_worker_id)
