"""Staff voice: polls and pulse surveys, their questions, who has answered (participation), the
emailed links (hashes of random tokens) and the anonymous answers (no person, no time, random keys;
WITHOUT ROWID on SQLite)

Revision ID: 0024_staff_voice
Revises: 0023_form_furthest_page
Create Date: 2026-12-05 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_staff_voice'
down_revision = '0023_form_furthest_page'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)]


def upgrade():
    op.create_table('voice_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=True),
    sa.Column('kind', sa.Enum('poll', 'pulse', name='voice_poll_kind', native_enum=False, length=20),
              server_default='poll', nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='voice_poll_status', native_enum=False, length=20),
              server_default='draft', nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('district_ids', sa.String(length=500), nullable=True),
    sa.Column('service_type_ids', sa.String(length=500), nullable=True),
    sa.Column('job_role_ids', sa.String(length=1000), nullable=True),
    sa.Column('tiers', sa.String(length=20), nullable=True),
    sa.Column('pulse_quarter', sa.String(length=7), nullable=True),
    sa.Column('invitations_sent_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    *_timestamps(),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_voice_polls_closes_after_opening')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_voice_polls_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_polls')),
    sa.UniqueConstraint('pulse_quarter', name=op.f('uq_voice_polls_pulse_quarter'))
    )
    op.create_table('voice_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single_choice', 'scale', 'free_text', name='voice_question_kind', native_enum=False,
                              length=20), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('options', sa.Text(), nullable=True),
    *_timestamps(),
    sa.ForeignKeyConstraint(['poll_id'], ['voice_polls.id'], name=op.f('fk_voice_questions_poll_id_voice_polls'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_questions'))
    )
    with op.batch_alter_table('voice_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_questions_poll_id'), ['poll_id'], unique=False)

    op.create_table('voice_participation',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['voice_polls.id'], name=op.f('fk_voice_participation_poll_id_voice_polls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voice_participation_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'user_id', name=op.f('pk_voice_participation')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('voice_participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_participation_user_id'), ['user_id'], unique=False)

    op.create_table('voice_links',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['voice_polls.id'], name=op.f('fk_voice_links_poll_id_voice_polls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voice_links_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'user_id', name=op.f('pk_voice_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_voice_links_token_hash'))
    )
    with op.batch_alter_table('voice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_links_user_id'), ['user_id'], unique=False)

    op.create_table('voice_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.SmallInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('moderation', sa.Enum('waiting', 'approved', 'rejected', name='voice_moderation', native_enum=False,
                                    length=20), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('service_type_id', sa.Integer(), nullable=True),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('choice IS NULL OR (choice >= 0 AND choice <= 50)', name=op.f('ck_voice_answers_choice_range')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_voice_answers_district_id_districts'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['voice_polls.id'], name=op.f('fk_voice_answers_poll_id_voice_polls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['voice_questions.id'],
                            name=op.f('fk_voice_answers_question_id_voice_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_type_id'], ['service_types.id'],
                            name=op.f('fk_voice_answers_service_type_id_service_types'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplaces.id'], name=op.f('fk_voice_answers_workplace_id_workplaces'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('voice_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_answers_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voice_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voice_answers_workplace_id'), ['workplace_id'], unique=False)


def downgrade():
    op.drop_table('voice_answers')
    op.drop_table('voice_links')
    op.drop_table('voice_participation')
    op.drop_table('voice_questions')
    op.drop_table('voice_polls')
