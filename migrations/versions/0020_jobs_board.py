"""Jobs board: the vacancy an applicant asked about on the public jobs board

Revision ID: 0020_jobs_board
Revises: 0019_recognition
Create Date: 2026-12-05 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_jobs_board'
down_revision = '0019_recognition'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interested_vacancy_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_interested_vacancy_id'), ['interested_vacancy_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_interested_vacancy_id_vacancies'), 'vacancies',
                                    ['interested_vacancy_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_interested_vacancy_id_vacancies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_interested_vacancy_id'))
        batch_op.drop_column('interested_vacancy_id')
