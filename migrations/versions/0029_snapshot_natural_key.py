"""Outcome snapshots keyed by scope, date and metric: the surrogate id and its index go, the unique
constraint on those four columns becomes the primary key. One index fewer for the 2.6 million figures
a first run inserts at England scale (COPY of 2.6M rows into such a table alone: 13.8-14.2 s with the
id, 10.8 s without); the outcomes writer updates and deletes by key. See docs/outcomes.md, benchmark.

Revision ID: 0029_snapshot_natural_key
Revises: 0028_snapshot_keys_bytewise
Create Date: 2026-12-05 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_snapshot_natural_key'
down_revision = '0028_snapshot_keys_bytewise'
branch_labels = None
depends_on = None

KEY = ['scope_type', 'scope_id', 'date', 'metric']


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE outcome_snapshot DROP CONSTRAINT pk_outcome_snapshot, DROP COLUMN id, '
                   'DROP CONSTRAINT uq_outcome_snapshot_scope_date_metric, '
                   'ADD CONSTRAINT pk_outcome_snapshot PRIMARY KEY (scope_type, scope_id, date, metric)')
        return
    with op.batch_alter_table('outcome_snapshot', recreate='always') as batch_op:
        batch_op.drop_constraint('uq_outcome_snapshot_scope_date_metric', type_='unique')
        batch_op.drop_column('id')
        batch_op.create_primary_key('pk_outcome_snapshot', KEY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE outcome_snapshot DROP CONSTRAINT pk_outcome_snapshot, ADD COLUMN id serial, '
                   'ADD CONSTRAINT uq_outcome_snapshot_scope_date_metric UNIQUE (scope_type, scope_id, date, metric)')
        op.execute('ALTER TABLE outcome_snapshot ADD CONSTRAINT pk_outcome_snapshot PRIMARY KEY (id)')
        return
    with op.batch_alter_table('outcome_snapshot', recreate='always') as batch_op:
        batch_op.drop_constraint('pk_outcome_snapshot', type_='primary')
        batch_op.add_column(sa.Column('id', sa.Integer(), nullable=False))
        batch_op.create_primary_key('pk_outcome_snapshot', ['id'])
        batch_op.create_unique_constraint('uq_outcome_snapshot_scope_date_metric', KEY)
