"""ASC-WDS declared counts (STARTERS, LEAVERS, VACANCIES per job role), where a vacancy came
from, and which records each outcome figure came from

Revision ID: 0015_declared_counts
Revises: 0014_ascwds_records
Create Date: 2026-12-05 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_declared_counts'
down_revision = '0014_ascwds_records'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ascwds_declared_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ascwds_job_role', sa.String(length=10), nullable=False),
    sa.Column('job_role_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_ascwds_declared_counts_count_not_negative')),
    sa.ForeignKeyConstraint(['job_role_id'], ['job_roles.id'], name=op.f('fk_ascwds_declared_counts_job_role_id_job_roles')),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplaces.id'], name=op.f('fk_ascwds_declared_counts_workplace_id_workplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ascwds_declared_counts')),
    sa.UniqueConstraint('workplace_id', 'declared_on', 'kind', 'ascwds_job_role',
                        name='uq_ascwds_declared_counts_workplace_day_kind_role')
    )
    with op.batch_alter_table('ascwds_declared_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ascwds_declared_counts_workplace_id'), ['workplace_id'], unique=False)
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
    with op.batch_alter_table('outcome_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('outcome_snapshot', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('ascwds_declared_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ascwds_declared_counts_workplace_id'))
    op.drop_table('ascwds_declared_counts')
