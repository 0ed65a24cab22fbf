"""Duplicate applicants: matching keys on applications (filled here for existing rows), the
possible-duplicate pairs (found here among applications already sent), merged applications as
pointers (merged_into_id) and merged_from_id on the records a merge moves

Revision ID: 0022_duplicate_applicants
Revises: 0021_interview_slots
Create Date: 2026-12-05 17:45:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from recruitment.duplicate_keys import email_key, mobile_key, name_postcode_key


# revision identifiers, used by Alembic.
revision = '0022_duplicate_applicants'
down_revision = '0021_interview_slots'
branch_labels = None
depends_on = None

MOVED_TABLES = ('application_state_changes', 'application_notes', 'values_assessments', 'referrals')
"""Safer-recruitment checks are not here: a merge never moves them (nor the CV) to another account."""
KEYS = (('email_key', 'same_email'), ('mobile_key', 'same_mobile'), ('name_postcode_key', 'same_name_postcode'))


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('mobile_key', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('name_postcode_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_mobile_key'), ['mobile_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_name_postcode_key'), ['name_postcode_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_merged_into_id_applications'), 'applications',
                                    ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_merged_by_id_users'), 'users',
                                    ['merged_by_id'], ['id'])
    for table in MOVED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('merged_from_id', sa.Integer(), nullable=True))
    op.create_table(
        'possible_duplicates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('other_application_id', sa.Integer(), nullable=False),
        sa.Column('same_email', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('same_mobile', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('same_name_postcode', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('status', sa.Enum('open', 'dismissed', 'merged', name='duplicate_status', native_enum=False,
                                    length=20), nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('kept_application_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint('application_id < other_application_id', name=op.f('ck_possible_duplicates_pair_in_order')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_possible_duplicates_application_id_applications')),
        sa.ForeignKeyConstraint(['other_application_id'], ['applications.id'],
                                name=op.f('fk_possible_duplicates_other_application_id_applications')),
        sa.ForeignKeyConstraint(['kept_application_id'], ['applications.id'],
                                name=op.f('fk_possible_duplicates_kept_application_id_applications')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_possible_duplicates_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_possible_duplicates')),
        sa.UniqueConstraint('application_id', 'other_application_id', name='uq_possible_duplicates_pair'),
    )
    with op.batch_alter_table('possible_duplicates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_possible_duplicates_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_possible_duplicates_other_application_id'), ['other_application_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_possible_duplicates_status'), ['status'], unique=False)
    _fill_keys()
    _find_existing_pairs()


def _fill_keys():
    """Every existing application's keys, as the model's listener computes them (no name: no keys)."""
    bind = op.get_bind()
    applications = sa.table('applications', sa.column('id', sa.Integer()), sa.column('full_name', sa.String()),
                            sa.column('phone', sa.String()), sa.column('postcode', sa.String()),
                            sa.column('user_id', sa.Integer()), sa.column('email_key', sa.String()),
                            sa.column('mobile_key', sa.String()), sa.column('name_postcode_key', sa.String()))
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('email', sa.String()))
    rows = bind.execute(sa.select(applications.c.id, applications.c.full_name, applications.c.phone,
                                  applications.c.postcode, users.c.email)
                        .select_from(applications.join(users, users.c.id == applications.c.user_id))
                        .where(applications.c.full_name.is_not(None))).all()
    for row in rows:
        bind.execute(applications.update().where(applications.c.id == row.id).values(
            email_key=email_key(row.email), mobile_key=mobile_key(row.phone),
            name_postcode_key=name_postcode_key(row.full_name, row.postcode)))


def _find_existing_pairs():
    """Pairs among applications already sent: a self-join on each (now indexed) key."""
    bind = op.get_bind()
    applications = sa.table('applications', sa.column('id', sa.Integer()), sa.column('state', sa.String()),
                            *(sa.column(key, sa.String()) for key, _ in KEYS))
    pairs = {}
    first, second = applications.alias('first'), applications.alias('second')
    for key, flag in KEYS:
        statement = (sa.select(first.c.id, second.c.id)
                     .select_from(first.join(second, sa.and_(first.c[key] == second.c[key], first.c.id < second.c.id)))
                     .where(first.c[key].is_not(None), first.c.state.not_in(('draft', 'merged')),
                            second.c.state.not_in(('draft', 'merged'))))
        for low, high in bind.execute(statement):
            pairs.setdefault((low, high), {name: False for _, name in KEYS})[flag] = True
    if pairs:
        table = sa.table('possible_duplicates', sa.column('application_id', sa.Integer()),
                         sa.column('other_application_id', sa.Integer()), sa.column('status', sa.String()),
                         sa.column('found_at', sa.DateTime(timezone=True)),
                         *(sa.column(name, sa.Boolean()) for _, name in KEYS))
        now = datetime.now(timezone.utc)
        if bind.dialect.name == 'sqlite':
            now = now.replace(tzinfo=None)  # stored as UTC without an offset, as academy.extensions.UTCDateTime does
        bind.execute(table.insert(), [{"application_id": low, "other_application_id": high, "status": "open",
                                       "found_at": now, **flags} for (low, high), flags in sorted(pairs.items())])


def downgrade():
    with op.batch_alter_table('possible_duplicates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_possible_duplicates_status'))
        batch_op.drop_index(batch_op.f('ix_possible_duplicates_other_application_id'))
        batch_op.drop_index(batch_op.f('ix_possible_duplicates_application_id'))
    op.drop_table('possible_duplicates')
    for table in MOVED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('merged_from_id')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_merged_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_applications_merged_into_id_applications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_applications_name_postcode_key'))
        batch_op.drop_index(batch_op.f('ix_applications_mobile_key'))
        batch_op.drop_index(batch_op.f('ix_applications_email_key'))
        batch_op.drop_column('merged_by_id')
        batch_op.drop_column('merged_at')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('name_postcode_key')
        batch_op.drop_column('mobile_key')
        batch_op.drop_column('email_key')
