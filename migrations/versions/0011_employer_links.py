"""employer link requests: a new employer asks a worker to link their training passport

A manager recording a starter by email no longer attaches someone else's record: the workplace gets
its own record, and the passport owner (if any) is asked to link it. This table keeps those requests.

Revision ID: 0011_employer_links
Revises: 0010_draft_deletion_warning
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_employer_links'
down_revision = '0010_draft_deletion_warning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employer_link_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', 'cancelled', name='link_state', native_enum=False,
                               length=20), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_employer_link_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['employment_id'], ['employments.id'],
                            name=op.f('fk_employer_link_requests_employment_id_employments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                            name=op.f('fk_employer_link_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_employer_link_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_link_requests'))
    )
    with op.batch_alter_table('employer_link_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_link_requests_employment_id'), ['employment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_link_requests_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_link_requests_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('employer_link_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_link_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_employer_link_requests_state'))
        batch_op.drop_index(batch_op.f('ix_employer_link_requests_employment_id'))
    op.drop_table('employer_link_requests')
