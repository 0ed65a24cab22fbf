"""Outcome snapshots: compare scope types and metric names byte by byte (COLLATE "C") on PostgreSQL,
so the unique index the outcomes job inserts into compares them without the locale's rules. They are
ASCII identifiers, so their order does not change. A first run at England scale inserts 2.6 million
figures: see docs/outcomes.md, benchmark.

Revision ID: 0028_snapshot_keys_bytewise
Revises: 0027_slot_emails
Create Date: 2026-12-05 20:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_snapshot_keys_bytewise'
down_revision = '0027_slot_emails'
branch_labels = None
depends_on = None


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite compares text byte by byte already
    op.execute(f'ALTER TABLE outcome_snapshot ALTER COLUMN scope_type TYPE VARCHAR(20) COLLATE {collation}, '
               f'ALTER COLUMN metric TYPE VARCHAR(40) COLLATE {collation}')


def upgrade():
    _collate('"C"')


def downgrade():
    _collate('"default"')
