"""employer link requests: a new employer asks a worker to link their passport (placeholder, filled by its change)

Revision ID: 0011_employer_links
Revises: 0010_draft_deletion_warning
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0011_employer_links'
down_revision = '0010_draft_deletion_warning'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
