"""Stored outcome snapshots and the published baselines they are compared with."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, Float, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import TimestampMixin, db


class GoodDirection(enum.Enum):
    up = "Higher is better"
    down = "Lower is better"


class OutcomeSnapshot(TimestampMixin, db.Model):
    """One metric's numerator and denominator for one scope at one date.

    scope_type is workplace, district, service_type or county (scope_id 0). Rates are never stored:
    they are numerator / denominator, empty when the denominator is 0.
    """

    __tablename__ = "outcome_snapshot"
    __table_args__ = (Index("ix_outcome_snapshot_date", "date"),)

    # The key is the scope, date and metric (no surrogate id since migration 0029: one index fewer for
    # the millions of figures a first run inserts). Scope types and metric names compare byte by byte
    # on PostgreSQL (migration 0028); they are ASCII identifiers, so the order is the same.
    scope_type: Mapped[str] = mapped_column(String(20).with_variant(String(20, collation="C"), "postgresql"),
                                            primary_key=True)
    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    date: Mapped[date] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40).with_variant(String(40, collation="C"), "postgresql"),
                                        primary_key=True)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    # Which records the figure came from (academy/outcomes/declared.py SOURCES): the service's own
    # records, the counts declared in an ASC-WDS workplace file, or both; None before 0015.
    source: Mapped[str | None] = mapped_column(String(20))


class Baseline(TimestampMixin, db.Model):
    """A published figure to compare an outcome with (e.g. Skills for Care, Hertfordshire, 2024)."""

    __tablename__ = "outcome_baseline"
    __table_args__ = (
        UniqueConstraint("outcome", "geography", "year", name="uq_outcome_baseline_outcome_geography_year"),
        CheckConstraint("value >= 0 AND value <= 100", name="value_is_a_percentage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(String(40))
    geography: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # a percentage, e.g. 6.10
    good_direction: Mapped[GoodDirection] = mapped_column(
        Enum(GoodDirection, name="good_direction", native_enum=False, length=10, validate_strings=True))
    source: Mapped[str | None] = mapped_column(Text)
