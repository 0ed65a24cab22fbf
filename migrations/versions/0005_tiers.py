"""career tiers: tier rules (criteria as data), awards and endorsements, CPA membership

Revision ID: 0005_tiers
Revises: 0004_outcomes
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_tiers'
down_revision = '0004_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
