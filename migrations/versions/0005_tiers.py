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
    op.create_table('tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('cwp_category', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('number >= 1 AND number <= 5', name=op.f('ck_tiers_number_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tiers')),
    sa.UniqueConstraint('number', name=op.f('uq_tiers_number'))
    )
    op.create_table('tier_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('induction_started', 'care_certificate_signed_off', 'mandatory_training_current', 'qualification_level_at_least', 'qualification_type_in', 'months_in_care_at_least', 'specialist_course_in', 'job_role_in', name='tier_criterion_kind', native_enum=False, length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('codes', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('number IS NULL OR (number >= 0 AND number <= 600)', name=op.f('ck_tier_criteria_number_range')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_tier_criteria_tier_id_tiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_criteria'))
    )
    with op.batch_alter_table('tier_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_criteria_tier_id'), ['tier_id'], unique=False)

    op.create_table('cpa_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('member_number', sa.String(length=20), nullable=False),
    sa.Column('profile_visible', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_cpa_memberships_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpa_memberships')),
    sa.UniqueConstraint('member_number', name='uq_cpa_memberships_member_number'),
    sa.UniqueConstraint('person_id', name=op.f('uq_cpa_memberships_person_id'))
    )
    op.create_table('tier_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('tier_number', sa.Integer(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('endorsed_by_id', sa.Integer(), nullable=True),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.Column('lapse_notice_sent_on', sa.Date(), nullable=True),
    sa.Column('lapsed_on', sa.Date(), nullable=True),
    sa.Column('lapse_reason', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('lapsed_on IS NULL OR lapsed_on >= awarded_on', name=op.f('ck_tier_awards_lapses_after_award')),
    sa.CheckConstraint('tier_number >= 1 AND tier_number <= 5', name=op.f('ck_tier_awards_tier_number_range')),
    sa.ForeignKeyConstraint(['endorsed_by_id'], ['users.id'], name=op.f('fk_tier_awards_endorsed_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_tier_awards_person_id_people')),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplaces.id'], name=op.f('fk_tier_awards_workplace_id_workplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_awards'))
    )
    with op.batch_alter_table('tier_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_awards_lapsed_on'), ['lapsed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tier_awards_person_id'), ['person_id'], unique=False)

    op.create_table('tier_endorsement_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('tier_number', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('recipients', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_tier_endorsement_requests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_endorsement_requests')),
    sa.UniqueConstraint('person_id', 'tier_number', name='uq_tier_endorsement_requests_person_tier')
    )


def downgrade():
    op.drop_table('tier_endorsement_requests')
    with op.batch_alter_table('tier_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_awards_person_id'))
        batch_op.drop_index(batch_op.f('ix_tier_awards_lapsed_on'))

    op.drop_table('tier_awards')
    op.drop_table('cpa_memberships')
    with op.batch_alter_table('tier_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_criteria_tier_id'))

    op.drop_table('tier_criteria')
    op.drop_table('tiers')
