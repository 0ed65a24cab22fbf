"""privacy: retention, subject access and erasure

Revision ID: 0008_privacy
Revises: 0007_ascwds
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_privacy'
down_revision = '0007_ascwds'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
