"""What an ASC-WDS import carries reaches the records: imported qualifications and Care Certificate
inductions marked with their source, and the training columns kept for the export (issue 14)

Revision ID: 0014_ascwds_records
Revises: 0013_security
Create Date: 2026-12-05 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_ascwds_records'
down_revision = '0013_security'
branch_labels = None
depends_on = None


def _source_columns(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('ascwds_key', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('ascwds_batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f(f'ix_{table}_ascwds_batch_id'), ['ascwds_batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f(f'fk_{table}_ascwds_batch_id_ascwds_import_batches'),
                                    'ascwds_import_batches', ['ascwds_batch_id'], ['id'])


def upgrade():
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('ascwds_accredited', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('ascwds_who_delivered', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('ascwds_how_delivered', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('ascwds_validity', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('expiry_worked_out', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('achieved_precision', sa.String(length=10), nullable=True))
    _source_columns('qualifications')
    with op.batch_alter_table('care_certificate_inductions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_date_unknown', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    _source_columns('care_certificate_inductions')


def downgrade():
    for table in ('care_certificate_inductions', 'qualifications'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_ascwds_batch_id_ascwds_import_batches'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_ascwds_batch_id'))
            batch_op.drop_column('ascwds_batch_id')
            batch_op.drop_column('ascwds_key')
    with op.batch_alter_table('care_certificate_inductions', schema=None) as batch_op:
        batch_op.drop_column('completed_date_unknown')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_column('achieved_precision')
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        for column in ('expiry_worked_out', 'ascwds_validity', 'ascwds_how_delivered', 'ascwds_who_delivered',
                       'ascwds_accredited', 'title'):
            batch_op.drop_column(column)
