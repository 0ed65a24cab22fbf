"""accounts: deactivation, two-step sign-in and recovery codes (placeholder, filled by its change)

Revision ID: 0012_account_lifecycle
Revises: 0011_employer_links
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0012_account_lifecycle'
down_revision = '0011_employer_links'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
