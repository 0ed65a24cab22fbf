"""erasure requests can be declined, with the reason sent to the person

Revision ID: 0009_erasure_decline
Revises: 0008_privacy
Create Date: 2026-12-02 14:30:00.000000

The status column is a non-native enum (a VARCHAR(20) holding the member name, no CHECK), so the
new `declined` status needs no schema change; only the reason column is new.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_erasure_decline'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.drop_column('decision_reason')
