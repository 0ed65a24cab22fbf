"""Benefits and wellbeing: HCPA's catalogue of member benefits (who each is for, how to claim),
members' declared use, and whether a workplace is an HCPA member provider

Revision ID: 0025_benefits
Revises: 0024_staff_voice
Create Date: 2026-12-05 17:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_benefits'
down_revision = '0024_staff_voice'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)]


def upgrade():
    with op.batch_alter_table('workplaces') as batch_op:
        batch_op.add_column(sa.Column('hcpa_member', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'benefits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.Enum('discount', 'employee_assistance', 'wellbeing_service', 'other', name='benefit_kind',
                                  native_enum=False, length=30), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('how_to_claim', sa.Text(), nullable=False),
        sa.Column('claim_url', sa.String(length=500), nullable=True),
        sa.Column('min_tier', sa.Integer(), nullable=True),
        sa.Column('member_provider_only', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=True),
        sa.Column('closes_on', sa.Date(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.CheckConstraint('closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on',
                           name=op.f('ck_benefits_closes_after_opening')),
        sa.CheckConstraint('min_tier IS NULL OR (min_tier >= 1 AND min_tier <= 5)', name=op.f('ck_benefits_min_tier_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits')),
    )
    op.create_table(
        'benefit_job_roles',
        sa.Column('benefit_id', sa.Integer(), nullable=False),
        sa.Column('job_role_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_job_roles_benefit_id_benefits'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_role_id'], ['job_roles.id'],
                                name=op.f('fk_benefit_job_roles_job_role_id_job_roles'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('benefit_id', 'job_role_id', name=op.f('pk_benefit_job_roles')),
    )
    op.create_table(
        'benefit_uses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('benefit_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('workplace_id', sa.Integer(), nullable=True),
        sa.Column('first_used_on', sa.Date(), nullable=False),
        sa.Column('used_on', sa.Date(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_uses_benefit_id_benefits'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_benefit_uses_person_id_people')),
        sa.ForeignKeyConstraint(['workplace_id'], ['workplaces.id'],
                                name=op.f('fk_benefit_uses_workplace_id_workplaces')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_uses')),
        sa.UniqueConstraint('benefit_id', 'person_id', 'workplace_id', name='uq_benefit_uses_benefit_person_workplace'),
    )
    with op.batch_alter_table('benefit_uses') as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_uses_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_uses_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_uses_workplace_id'), ['workplace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('benefit_uses') as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_uses_workplace_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_uses_person_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_uses_benefit_id'))
    op.drop_table('benefit_uses')
    op.drop_table('benefit_job_roles')
    op.drop_table('benefits')
    with op.batch_alter_table('workplaces') as batch_op:
        batch_op.drop_column('hcpa_member')
