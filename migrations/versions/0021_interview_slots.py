"""Interview slots the applicant books, the interview's calendar event (length, SEQUENCE), no-shows,
cancellations (who and why), the applicant's request for other times, and day-before reminders

Revision ID: 0021_interview_slots
Revises: 0020_jobs_board (the brief said 0019 after 0018; main has since taken 0019_recognition and 0020_jobs_board)
Create Date: 2026-12-05 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_interview_slots'
down_revision = '0020_jobs_board'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'interview_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('interview_format', sa.Enum('in_person', 'video', 'phone', name='interview_format',
                                              native_enum=False, length=20), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=False),
        sa.Column('offered_by_id', sa.Integer(), nullable=False),
        sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_interview_slots_offered_by_id_users')),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_interview_slots_referral_id_referrals'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_slots')),
    )
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_slots_referral_id'), ['referral_id'], unique=False)
    op.create_table(
        'interview_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('interview_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'],
                                name=op.f('fk_interview_reminders_referral_id_referrals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_reminders')),
        sa.UniqueConstraint('referral_id', 'interview_at', name='uq_interview_reminders_once'),
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interview_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interview_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interview_no_show', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('interview_cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('interview_cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interview_cancel_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('other_times_request', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_referrals_interview_cancelled_by_id_users'), 'users',
                                    ['interview_cancelled_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referrals_interview_cancelled_by_id_users'), type_='foreignkey')
        batch_op.drop_column('other_times_request')
        batch_op.drop_column('interview_cancel_reason')
        batch_op.drop_column('interview_cancelled_by_id')
        batch_op.drop_column('interview_cancelled_at')
        batch_op.drop_column('interview_no_show')
        batch_op.drop_column('interview_sequence')
        batch_op.drop_column('interview_minutes')
    op.drop_table('interview_reminders')
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_slots_referral_id'))
    op.drop_table('interview_slots')
