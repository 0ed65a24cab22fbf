"""ASC-WDS bulk-upload interchange: import batches; LOCALESTID and UNIQUEWORKERID on the spine

Revision ID: 0007_ascwds
Revises: 0006_portal
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ascwds'
down_revision = '0006_portal'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ascwds_import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('uploaded', 'validating', 'validated', 'applying', 'applied', 'failed',
                               name='ascwds_import_state', native_enum=False, length=20), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('file_names', sa.Text(), nullable=False),
    sa.Column('total_bytes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('report_json', sa.Text(), nullable=True),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('warning_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('deleted_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('leaving_date', sa.Date(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.String(length=60), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ascwds_import_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_ascwds_import_batches_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ascwds_import_batches')),
    sa.UniqueConstraint('token', name=op.f('uq_ascwds_import_batches_token'))
    )
    with op.batch_alter_table('ascwds_import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ascwds_import_batches_created_by_id'), ['created_by_id'], unique=False)

    with op.batch_alter_table('workplaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ascwds_local_id', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('ascwds_extra', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_workplaces_ascwds_local_id'), ['ascwds_local_id'])

    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ascwds_worker_id', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('ascwds_extra', sa.Text(), nullable=True))
        batch_op.create_index('ix_employments_workplace_ascwds_worker', ['workplace_id', 'ascwds_worker_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.drop_index('ix_employments_workplace_ascwds_worker')
        batch_op.drop_column('ascwds_extra')
        batch_op.drop_column('ascwds_worker_id')

    with op.batch_alter_table('workplaces', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_workplaces_ascwds_local_id'), type_='unique')
        batch_op.drop_column('ascwds_extra')
        batch_op.drop_column('ascwds_local_id')

    with op.batch_alter_table('ascwds_import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ascwds_import_batches_created_by_id'))

    op.drop_table('ascwds_import_batches')
