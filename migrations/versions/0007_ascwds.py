"""ASC-WDS bulk-upload interchange

Revision ID: 0007_ascwds
Revises: 0006_portal
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ascwds'
down_revision = '0006_portal'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
