"""Registered-manager flag changes are dated: a role change records the flag before and after it

Revision ID: 0016_rm_flag_dates
Revises: 0015_declared_counts
Create Date: 2026-12-05 15:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_rm_flag_dates'
down_revision = '0015_declared_counts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employment_role_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_registered_manager', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('to_registered_manager', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    # Changes recorded before flags were dated kept the flag as it is now: the best that is known.
    op.execute("UPDATE employment_role_changes SET "
               "from_registered_manager = (SELECT e.is_registered_manager FROM employments e "
               "WHERE e.id = employment_role_changes.employment_id), "
               "to_registered_manager = (SELECT e.is_registered_manager FROM employments e "
               "WHERE e.id = employment_role_changes.employment_id)")


def downgrade():
    with op.batch_alter_table('employment_role_changes', schema=None) as batch_op:
        batch_op.drop_column('to_registered_manager')
        batch_op.drop_column('from_registered_manager')
