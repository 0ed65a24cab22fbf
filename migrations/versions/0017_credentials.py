"""Open Badges credentials issued from training passports, with their revocation state

Revision ID: 0017_credentials
Revises: 0016_rm_flag_dates
Create Date: 2026-12-05 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_credentials'
down_revision = '0016_rm_flag_dates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('training_record', 'qualification', 'care_certificate', 'career_tier',
                              name='credential_kind', native_enum=False, length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('key_id', sa.String(length=100), nullable=False),
    sa.Column('token', sa.Text(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Enum('withdrawn', 'corrected', 'expired', 'lapsed',
                                        name='credential_revocation_reason', native_enum=False, length=20),
              nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_issued_credentials_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_credentials')),
    sa.UniqueConstraint('public_id', name=op.f('uq_issued_credentials_public_id'))
    )
    with op.batch_alter_table('issued_credentials', schema=None) as batch_op:
        batch_op.create_index('ix_issued_credentials_source', ['kind', 'source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_credentials_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_credentials_revoked_at'), ['revoked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_credentials_revoked_at'))
        batch_op.drop_index(batch_op.f('ix_issued_credentials_person_id'))
        batch_op.drop_index('ix_issued_credentials_source')
    op.drop_table('issued_credentials')
