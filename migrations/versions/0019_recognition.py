"""Recognition: Hertfordshire Care Awards categories, rounds and nominations; managers' thanks;
each worker's choice whether awards and thanks show on their passport and profile

Revision ID: 0019_recognition
Revises: 0018_recruitment_journeys
Create Date: 2026-12-05 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_recognition'
down_revision = '0018_recruitment_journeys'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)]


def upgrade():
    op.create_table('award_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    *_timestamps(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_award_categories_name'))
    )
    op.create_table('award_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    *_timestamps(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_rounds')),
    sa.UniqueConstraint('name', name=op.f('uq_award_rounds_name'))
    )
    op.create_table('award_nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('nominated', 'shortlisted', 'winner', name='award_nomination_status',
                                native_enum=False, length=20), server_default='nominated', nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'],
                            name=op.f('fk_award_nominations_category_id_award_categories')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_award_nominations_nominated_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_award_nominations_person_id_people')),
    sa.ForeignKeyConstraint(['round_id'], ['award_rounds.id'], name=op.f('fk_award_nominations_round_id_award_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_nominations')),
    sa.UniqueConstraint('round_id', 'category_id', 'person_id', 'nominated_by_id',
                        name='uq_award_nominations_once_per_nominator')
    )
    with op.batch_alter_table('award_nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_nominations_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_nominations_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_nominations_round_id'), ['round_id'], unique=False)
    op.create_table('staff_thanks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_staff_thanks_from_user_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_staff_thanks_person_id_people')),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplaces.id'], name=op.f('fk_staff_thanks_workplace_id_workplaces'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_thanks'))
    )
    with op.batch_alter_table('staff_thanks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_thanks_person_id'), ['person_id'], unique=False)
    op.create_table('recognition_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('show_on_passport', sa.Boolean(), server_default=sa.false(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_recognition_choices_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition_choices')),
    sa.UniqueConstraint('person_id', name=op.f('uq_recognition_choices_person_id'))
    )


def downgrade():
    op.drop_table('recognition_choices')
    with op.batch_alter_table('staff_thanks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_thanks_person_id'))
    op.drop_table('staff_thanks')
    with op.batch_alter_table('award_nominations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_nominations_round_id'))
        batch_op.drop_index(batch_op.f('ix_award_nominations_person_id'))
        batch_op.drop_index(batch_op.f('ix_award_nominations_category_id'))
    op.drop_table('award_nominations')
    op.drop_table('award_rounds')
    op.drop_table('award_categories')
