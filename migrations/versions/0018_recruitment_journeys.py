"""Recruitment journeys: the officer an application is assigned to; a referral's mismatches and the
officer's note to the manager; an interview's format (in person, video, phone) and place

Revision ID: 0018_recruitment_journeys
Revises: 0017_credentials (the brief said 0016 after 0015; main has since taken 0016 and 0017)
Create Date: 2026-12-05 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_recruitment_journeys'
down_revision = '0017_credentials'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_assigned_to_id_users'), 'users',
                                    ['assigned_to_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_concerns', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('note_to_manager', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('interview_format', sa.Enum('in_person', 'video', 'phone',
                                                                  name='interview_format', native_enum=False,
                                                                  length=20), nullable=True))
        batch_op.add_column(sa.Column('interview_place', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('interview_place')
        batch_op.drop_column('interview_format')
        batch_op.drop_column('note_to_manager')
        batch_op.drop_column('match_concerns')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_assigned_to_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_assigned_to_id'))
        batch_op.drop_column('assigned_to_id')
