"""manager portal: job-role changes (history of an employment's role without a leaver and a starter)

Revision ID: 0006_portal
Revises: 0005_tiers
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_portal'
down_revision = '0005_tiers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employment_role_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employment_id', sa.Integer(), nullable=False),
    sa.Column('from_job_role_id', sa.Integer(), nullable=False),
    sa.Column('to_job_role_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_employment_role_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['employment_id'], ['employments.id'], name=op.f('fk_employment_role_changes_employment_id_employments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_job_role_id'], ['job_roles.id'], name=op.f('fk_employment_role_changes_from_job_role_id_job_roles')),
    sa.ForeignKeyConstraint(['to_job_role_id'], ['job_roles.id'], name=op.f('fk_employment_role_changes_to_job_role_id_job_roles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment_role_changes'))
    )
    with op.batch_alter_table('employment_role_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_role_changes_employment_id'), ['employment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('employment_role_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_role_changes_employment_id'))

    op.drop_table('employment_role_changes')
