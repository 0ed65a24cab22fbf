"""manager portal

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
    pass


def downgrade():
    pass
