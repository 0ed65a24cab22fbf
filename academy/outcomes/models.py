"""Stored outcome snapshots and the published baselines they are compared with."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Enum, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import TimestampMixin, db


class GoodDirection(enum.Enum):
    up = "Higher is better"
    down = "Lower is better"


class OutcomeSnapshot(TimestampMixin, db.Model):
    """One scope's stored figures at one date: `figures` maps each metric to [numerator, denominator,
    source] (a JSON object; jsonb on PostgreSQL), e.g. {"vacancy_rate": [3, 40, "records"]}.

    scope_type is workplace, district, service_type or county (scope_id 0), or another feature's
    (the GCR funnel's gcr_source and gcr_district). Rates are never stored: they are numerator /
    denominator, empty when the denominator is 0; an unknown numerator or denominator is null.
    One row a scope and date, not one a figure (migration 0031): a first run at England scale
    inserts 216,000 rows instead of 2.6 million. Read and write them through
    academy/outcomes/snapshots.py (load, replace_snapshots), which take and give one row a figure.
    """

    __tablename__ = "outcome_snapshot"
    __table_args__ = (Index("ix_outcome_snapshot_date", "date"),)

    # Scope types compare byte by byte on PostgreSQL (migration 0028): ASCII identifiers, same order.
    scope_type: Mapped[str] = mapped_column(String(20).with_variant(String(20, collation="C"), "postgresql"),
                                            primary_key=True)
    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    date: Mapped[date] = mapped_column(primary_key=True)
    figures: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))


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
