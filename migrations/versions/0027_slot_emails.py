"""Interview slots: when the applicant was emailed each offered time, so a manager can offer several
times and the applicant gets one email listing them all

Revision ID: 0027_slot_emails
Revises: 0026_remembered_jobs
Create Date: 2026-12-05 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_slot_emails'
down_revision = '0026_remembered_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interview_slots') as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))
    # Times offered before this change were emailed as they were offered.
    op.execute("UPDATE interview_slots SET emailed_at = created_at")


def downgrade():
    with op.batch_alter_table('interview_slots') as batch_op:
        batch_op.drop_column('emailed_at')
