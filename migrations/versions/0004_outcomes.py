"""outcomes: stored snapshots (numerators and denominators per scope, date, metric) and baselines

Revision ID: 0004_outcomes
Revises: 0003_training
Create Date: 2026-11-22 19:17:05.698604

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_outcomes'
down_revision = '0003_training'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('geography', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('good_direction', sa.Enum('up', 'down', name='good_direction', native_enum=False, length=10), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 100', name=op.f('ck_outcome_baseline_value_is_a_percentage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_baseline')),
    sa.UniqueConstraint('outcome', 'geography', 'year', name='uq_outcome_baseline_outcome_geography_year')
    )
    op.create_table('outcome_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_type', sa.String(length=20), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_snapshot')),
    sa.UniqueConstraint('scope_type', 'scope_id', 'date', 'metric', name='uq_outcome_snapshot_scope_date_metric')
    )
    with op.batch_alter_table('outcome_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_snapshot_date', ['date'], unique=False)



def downgrade():
    with op.batch_alter_table('outcome_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_snapshot_date')

    op.drop_table('outcome_snapshot')
    op.drop_table('outcome_baseline')
