"""Remembered jobs: the restartable jobs the service queued, so one that Redis forgets (a restart
without its data) is shown as lost and can be started again

Revision ID: 0026_remembered_jobs
Revises: 0025_benefits
Create Date: 2026-12-05 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_remembered_jobs'
down_revision = '0025_benefits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'remembered_jobs',
        sa.Column('id', sa.String(length=60), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('state_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('restarted_as', sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_remembered_jobs_owner_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remembered_jobs')),
    )
    with op.batch_alter_table('remembered_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remembered_jobs_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('remembered_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remembered_jobs_owner_id'))
    op.drop_table('remembered_jobs')
