"""applications: when the applicant was warned their unsent draft would be deleted

Revision ID: 0010_draft_deletion_warning
Revises: 0009_erasure_decline
Create Date: 2026-12-02 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_draft_deletion_warning'
down_revision = '0009_erasure_decline'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_warned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('draft_warned_at')
