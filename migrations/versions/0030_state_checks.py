"""Three rules about a state and the column that goes with it, kept by the code until now and from
here by the database too (CHECK constraints):
- an application is merged exactly when it points at the application it was merged into
  (`state` 'merged' and `merged_into_id` set, or neither);
- a possible-duplicate pair is merged exactly when it names the application kept
  (`status` 'merged' and `kept_application_id` set, or neither);
- a poll is the quarterly pulse exactly when it names its quarter (`kind` 'pulse' and
  `pulse_quarter` set, or neither).
The states are stored as the enum members' names ('merged', 'pulse'). Existing rows are checked
first: if any break a rule the upgrade stops, naming the table, the rule and how many rows, and
changes nothing; the rows are to be put right by hand (nothing here guesses which column is wrong).

Revision ID: 0030_state_checks
Revises: 0029_snapshot_natural_key
Create Date: 2026-12-05 23:30:00.000000

"""
from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_state_checks'
down_revision = '0029_snapshot_natural_key'
branch_labels = None
depends_on = None

CHECKS = (
    ('applications', 'ck_applications_merged_into_when_merged',
     "(state = 'merged' AND merged_into_id IS NOT NULL) OR (state <> 'merged' AND merged_into_id IS NULL)",
     "state is 'merged' exactly when merged_into_id is set"),
    ('possible_duplicates', 'ck_possible_duplicates_kept_when_merged',
     "(status = 'merged' AND kept_application_id IS NOT NULL) OR (status <> 'merged' AND kept_application_id IS NULL)",
     "status is 'merged' exactly when kept_application_id is set"),
    ('voice_polls', 'ck_voice_polls_quarter_when_pulse',
     "(kind = 'pulse' AND pulse_quarter IS NOT NULL) OR (kind <> 'pulse' AND pulse_quarter IS NULL)",
     "kind is 'pulse' exactly when pulse_quarter is set"),
)
"""(table, constraint name, condition, the rule in words). The models name the same constraints."""


class RowsBreakARule(CommandError):
    """Existing rows break a rule the upgrade would add: an operator puts them right first. A
    CommandError, so `flask db upgrade` prints the message (no traceback) and exits with status 1."""


def _refuse_rows_breaking_a_rule():
    bind = op.get_bind()
    problems = []
    for table, name, condition, rule in CHECKS:
        found = bind.execute(sa.text(f'SELECT count(*) FROM {table} WHERE NOT ({condition})')).scalar_one()
        if found:
            problems.append(f"{table}: {found} {'row breaks' if found == 1 else 'rows break'} the rule \"{rule}\" "
                            f"({name}); find them with SELECT id FROM {table} WHERE NOT ({condition})")
    if problems:
        raise RowsBreakARule("Migration 0030_state_checks changed nothing: put these rows right, then upgrade "
                             "again.\n" + "\n".join(problems))


def upgrade():
    _refuse_rows_breaking_a_rule()
    for table, name, condition, _ in CHECKS:
        if op.get_bind().dialect.name == 'postgresql':
            op.create_check_constraint(op.f(name), table, condition)
            continue
        with op.batch_alter_table(table, recreate='always') as batch_op:  # SQLite adds a constraint by copying
            batch_op.create_check_constraint(op.f(name), condition)


def downgrade():
    for table, name, _, _ in reversed(CHECKS):
        if op.get_bind().dialect.name == 'postgresql':
            op.drop_constraint(op.f(name), table, type_='check')
            continue
        with op.batch_alter_table(table, recreate='always') as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
