"""Care Professional Academy records: courses, training records, qualifications, Care Certificate
inductions and the training passport with its shares.

Everything here belongs to a `Person` (person_id), never to an employer, so it moves with the
worker. Columns the outcomes engine reads in bulk are plain, indexed columns (dates as Date):
`Qualification(person_id, level, social_care, status, achieved_on)`,
`CareCertificateInduction(person_id, completed_on)`, `TrainingRecord(person_id, course_id,
completed_on, expires_on)` and `course_job_roles` (which courses each job role must hold).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, false, true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import TimestampMixin, db, stored_enum


class CourseCategory(enum.Enum):
    """DOMAIN.md: statutory/mandatory, induction, specialist, leadership, qualification."""

    statutory_mandatory = "Statutory and mandatory"
    induction = "Induction"
    specialist = "Specialist"
    leadership = "Leadership"
    qualification = "Qualification"


class QualificationType(enum.Enum):
    """The qualifications of DOMAIN.md. `level` and `social_care` are copied onto each row."""

    diploma_l2_adult_care = "Level 2 Diploma in Care (Adult Care)"
    diploma_l3_adult_care = "Level 3 Diploma in Adult Care"
    diploma_l4_adult_care = "Level 4 Diploma in Adult Care"
    diploma_l5_leadership = "Level 5 Diploma in Leadership and Management for Adult Care"
    l2_adult_social_care_certificate = "Level 2 Adult Social Care Certificate"
    nursing_associate = "Nursing Associate (Foundation Degree)"
    nmc_registration = "Nursing registration (NMC)"
    other_social_care = "Other adult social care qualification"
    other = "Other qualification (not social care)"


class QualificationStatus(enum.Enum):
    enrolled = "Enrolled"
    in_progress = "In progress"
    achieved = "Achieved"


class CertificateVersion(enum.Enum):
    """The Care Certificate standards set: 15 standards (2015) or 16 standards (March 2025)."""

    v2015 = "2015"
    v2025 = "2025"


class StandardState(enum.Enum):
    """Progress on one Care Certificate standard (DOMAIN.md)."""

    not_started = "Not started"
    in_progress = "In progress"
    completed = "Completed"
    signed_off = "Signed off"


course_job_roles = Table(
    "course_job_roles",
    db.Model.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("job_role_id", ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True, index=True),
)
"""Which courses are mandatory for which job role (data, editable in the course catalogue)."""


class Course(TimestampMixin, db.Model):
    """A kind of training, with its category, renewal period and the roles it is mandatory for."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("renewal_months IS NULL OR (renewal_months >= 1 AND renewal_months <= 120)",
                        name="renewal_months_range"),
        CheckConstraint("care_certificate_standard IS NULL OR "
                        "(care_certificate_standard >= 1 AND care_certificate_standard <= 16)",
                        name="standard_range"),
        CheckConstraint("qualification_level IS NULL OR (qualification_level >= 0 AND qualification_level <= 8)",
                        name="qualification_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[CourseCategory] = mapped_column(stored_enum(CourseCategory, "course_category"), index=True)
    # Months until it must be renewed; empty = never expires.
    renewal_months: Mapped[int | None]
    # Skills for Care's ASC-WDS training category code (DOMAIN-SOURCES.md 1.6), for exports.
    asc_wds_category: Mapped[int | None]
    # The 2025 Care Certificate standard this course evidences, if any.
    care_certificate_standard: Mapped[int | None]
    # For category=qualification: which qualification and its level.
    qualification_type: Mapped[QualificationType | None] = mapped_column(
        stored_enum(QualificationType, "course_qualification_type", 40))
    qualification_level: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    mandatory_for = relationship("JobRole", secondary=course_job_roles,
                                 order_by="JobRole.name")

    def __repr__(self) -> str:
        return f"<Course {self.code}>"


class TrainingRecord(TimestampMixin, db.Model):
    """A person completed a course on a date; expires on date + renewal (or the certificate's own
    expiry). Verified by a manager of their workplace or HCPA, or self-declared (unverified)."""

    __tablename__ = "training_records"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expires_after_completion"),
        Index("ix_training_records_person_course", "person_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    completed_on: Mapped[date] = mapped_column(index=True)
    expires_on: Mapped[date | None] = mapped_column(index=True)
    training_provider: Mapped[str | None] = mapped_column(String(200))
    # The training's own name as given (ASC-WDS TRAININGNAME), kept even when it is mapped onto a
    # catalogue course of another name; empty when it is the course's name.
    title: Mapped[str | None] = mapped_column(String(120))
    # ASC-WDS training columns kept as their codes, so an export writes them back unchanged
    # (docs/ascwds.md): ACCREDITED (1/0/999), WHODELIVERED (1 in-house, 2 external), HOWDELIVERED
    # (1 face to face, 2 e-learning), VALIDITY (months 1-999, or "none": does not expire).
    ascwds_accredited: Mapped[str | None] = mapped_column(String(3))
    ascwds_who_delivered: Mapped[str | None] = mapped_column(String(3))
    ascwds_how_delivered: Mapped[str | None] = mapped_column(String(3))
    ascwds_validity: Mapped[str | None] = mapped_column(String(4))
    # The expiry was worked out here (from VALIDITY or the course's renewal period), not given.
    expiry_worked_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    certificate_reference: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    # Evidence file: stored under STORAGE_DIR with a random name; the original name is for display.
    certificate_file: Mapped[str | None] = mapped_column(String(80), unique=True)
    certificate_filename: Mapped[str | None] = mapped_column(String(200))
    certificate_content_type: Mapped[str | None] = mapped_column(String(100))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    verified_at: Mapped[datetime | None]

    person = relationship("Person", backref=db.backref("training_records", lazy="select"))
    course = relationship("Course", lazy="joined")
    added_by = relationship("User", foreign_keys=[added_by_id])
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Qualification(TimestampMixin, db.Model):
    """A qualification a person is enrolled on, working towards or has achieved (with dates).
    NMC registration for nurses carries its PIN and renewal date."""

    __tablename__ = "qualifications"
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 8)", name="level_range"),
        CheckConstraint("status <> 'achieved' OR achieved_on IS NOT NULL", name="achieved_has_date"),
        CheckConstraint("achieved_on IS NULL OR started_on IS NULL OR achieved_on >= started_on",
                        name="achieved_after_start"),
        Index("ix_qualifications_status_level", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    qualification_type: Mapped[QualificationType] = mapped_column(
        stored_enum(QualificationType, "qualification_type", 40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int | None]
    # True for adult social care qualifications: "relevant" = social_care and level >= 2.
    social_care: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[QualificationStatus] = mapped_column(stored_enum(QualificationStatus, "qualification_status", 20))
    started_on: Mapped[date | None]
    achieved_on: Mapped[date | None] = mapped_column(index=True)
    awarding_body: Mapped[str | None] = mapped_column(String(200))
    # NMC registration: PIN and the date registration must be renewed (revalidation).
    registration_number: Mapped[str | None] = mapped_column(String(20))
    renewal_due_on: Mapped[date | None]
    # How much of achieved_on is known: None (the day), "year" (only the year was given: the
    # 31 December of that year, or the import date if sooner) or "unknown" (no date given: the
    # import date, so it counts as held from then).
    achieved_precision: Mapped[str | None] = mapped_column(String(10))
    # From an ASC-WDS import: which column gave it ("QUALACH:<code>", "SCQUAL", "L2CARECERT") and
    # the batch (empty for a command-line import). A later import updates the row with the same
    # key while it stays unverified and unchanged here; cleared when someone edits it here.
    ascwds_key: Mapped[str | None] = mapped_column(String(20))
    ascwds_batch_id: Mapped[int | None] = mapped_column(ForeignKey("ascwds_import_batches.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]

    person = relationship("Person", backref=db.backref("qualifications", lazy="select"))
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def imported(self) -> bool:
        """Still as an ASC-WDS import gave it (not verified or changed here)."""
        return self.ascwds_key is not None and self.verified_at is None

    @property
    def relevant(self) -> bool:
        """A relevant social care qualification: Level 2 or above in adult social care."""
        return self.social_care and (self.level or 0) >= 2


class CareCertificateInduction(TimestampMixin, db.Model):
    """A new worker's Care Certificate: one progress row per standard, a 12-week target, and
    `completed_on` set when every standard is signed off."""

    __tablename__ = "care_certificate_inductions"
    __table_args__ = (
        UniqueConstraint("person_id", "version", name="uq_care_certificate_inductions_person_version"),
        CheckConstraint("completed_on IS NULL OR completed_on >= started_on", name="completed_after_start"),
        CheckConstraint("target_on >= started_on", name="target_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version: Mapped[CertificateVersion] = mapped_column(stored_enum(CertificateVersion, "care_certificate_version", 10))
    workplace_id: Mapped[int | None] = mapped_column(ForeignKey("workplaces.id"), index=True)
    started_on: Mapped[date]
    target_on: Mapped[date]
    completed_on: Mapped[date | None] = mapped_column(index=True)
    # Recorded from a previous employer's certificate rather than assessed here.
    recorded_from_certificate: Mapped[bool] = mapped_column(default=False, server_default=false())
    # From an ASC-WDS import (CARECERT 1, "completed"): the completion date is not known, so it is
    # the import date (counted as completed by then); the batch is empty for a command-line import.
    completed_date_unknown: Mapped[bool] = mapped_column(default=False, server_default=false())
    ascwds_key: Mapped[str | None] = mapped_column(String(20))
    ascwds_batch_id: Mapped[int | None] = mapped_column(ForeignKey("ascwds_import_batches.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person = relationship("Person", backref=db.backref("inductions", lazy="select"))
    workplace = relationship("Workplace")
    standards = relationship("CareCertificateStandardProgress", back_populates="induction",
                             order_by="CareCertificateStandardProgress.standard_number",
                             cascade="all, delete-orphan", lazy="selectin")


class CareCertificateStandardProgress(TimestampMixin, db.Model):
    """One standard of one induction: its state, and who signed it off (the assessor) and when."""

    __tablename__ = "care_certificate_standards"
    __table_args__ = (
        UniqueConstraint("induction_id", "standard_number", name="uq_care_certificate_standards_induction_number"),
        CheckConstraint("standard_number >= 1 AND standard_number <= 16", name="standard_number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    induction_id: Mapped[int] = mapped_column(ForeignKey("care_certificate_inductions.id", ondelete="CASCADE"))
    standard_number: Mapped[int] = mapped_column(Integer)
    state: Mapped[StandardState] = mapped_column(stored_enum(StandardState, "standard_state", 20),
                                                 default=StandardState.not_started)
    completed_on: Mapped[date | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None]

    induction = relationship("CareCertificateInduction", back_populates="standards")
    signed_off_by = relationship("User", lazy="joined")


class Passport(TimestampMixin, db.Model):
    """A worker's training passport: the portable record they own and share. One per person."""

    __tablename__ = "passports"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)

    person = relationship("Person", backref=db.backref("passport", uselist=False))
    shares = relationship("PassportShare", back_populates="passport", order_by="PassportShare.created_at.desc()")


class PassportShare(TimestampMixin, db.Model):
    """A time-limited, revocable share of a passport, opened by a signed link or a short code."""

    __tablename__ = "passport_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    passport_id: Mapped[int] = mapped_column(ForeignKey("passports.id"), index=True)
    shared_with: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the short code (the code itself is shown once and never stored).
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    first_opened_at: Mapped[datetime | None]
    last_opened_at: Mapped[datetime | None]
    open_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    passport = relationship("Passport", back_populates="shares", lazy="joined")


class SentReminder(TimestampMixin, db.Model):
    """A reminder already sent, keyed by item and threshold, so a re-run never sends it twice."""

    __tablename__ = "training_sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    recipients: Mapped[int] = mapped_column(default=0, server_default="0")
