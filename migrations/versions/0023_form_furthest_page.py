"""The furthest question page of the online form each application has reached (the GCR funnel's form
drop-off, academy/outcomes/funnel.py), backfilled from the answers already saved

Revision ID: 0023_form_furthest_page
Revises: 0022_duplicate_applicants
Create Date: 2026-12-05 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_form_furthest_page'
down_revision = '0022_duplicate_applicants'
branch_labels = None
depends_on = None

# The pages of recruitment/journey.py STEPS in order (1-based), each with the SQL condition that says
# it was answered (journey.step_answered), latest first: the furthest page is the last one answered.
# Written out here, not imported, so the migration keeps meaning what it meant when it ran.
ANSWERED = (
    (19, "cv_answered = {true}"),
    (18, "answer_commitment IS NOT NULL"),
    (17, "answer_courage IS NOT NULL"),
    (16, "answer_communication IS NOT NULL"),
    (15, "answer_competence IS NOT NULL"),
    (14, "answer_compassion IS NOT NULL"),
    (13, "answer_care IS NOT NULL"),
    (12, "heard_about IS NOT NULL"),
    (11, "languages IS NOT NULL"),
    (10, "qualifications_answered = {true}"),
    (9, "experience IS NOT NULL"),
    (8, "service_types_answered = {true}"),
    (7, "hours_per_week IS NOT NULL"),
    (6, "driving_licence IS NOT NULL AND has_car IS NOT NULL"),
    (5, "right_to_work IS NOT NULL"),
    (4, "district_id IS NOT NULL"),
    (3, "postcode IS NOT NULL"),
    (2, "phone IS NOT NULL"),
    (1, "full_name IS NOT NULL"),
)
PAGES = 19


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('furthest_page', sa.Integer(), server_default='0', nullable=False))
    true = 'true' if op.get_bind().dialect.name == 'postgresql' else '1'
    cases = " ".join(f"WHEN {condition.format(true=true)} THEN {page}" for page, condition in ANSWERED)
    # A sent application went through every page (an anonymised one has lost its answers, not its pages).
    op.execute(f"UPDATE applications SET furthest_page = CASE WHEN submitted_at IS NOT NULL THEN {PAGES} "
               f"{cases} ELSE 0 END")


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('furthest_page')
