"""security log and other account-security columns (placeholder, filled by its change)

Revision ID: 0013_security
Revises: 0012_account_lifecycle
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0013_security'
down_revision = '0012_account_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
