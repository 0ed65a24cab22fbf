"""The schema comes only from migrations: upgrade from empty works and matches the models; the CHECK
constraints of 0030 refuse a state without its column, and 0030 stops on existing rows that break them."""
import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from academy.extensions import db


def other_database(database_url: str, tmp_path, name: str):
    """A second, empty database of the kind the test runs on: (its URL, a function dropping it or None)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / name}", None
    from tests.conftest import _postgres_database

    return _postgres_database()


def test_models_and_migrations_agree(app):
    """The test database was built by `flask db upgrade`; autogenerate must find nothing to add."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrade_from_empty_and_downgrade_to_empty(database_url, tmp_path):
    """On a second, empty database of the same kind: upgrade to head, then all the way down."""
    from academy import create_app
    from academy.config import TestConfig

    url, drop = other_database(database_url, tmp_path, "empty.db")
    app = create_app(TestConfig(url))
    try:
        with app.app_context():
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"users", "workplaces", "employments", "vacancies", "audit_events"} <= tables
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if drop:
            drop()


def test_the_furthest_form_page_is_backfilled_from_the_answers(database_url, tmp_path):
    """0023: each application's furthest page is the last page answered; a sent one went through all 19."""
    from academy import create_app
    from academy.config import TestConfig

    url, drop = other_database(database_url, tmp_path, "backfill.db")
    app = create_app(TestConfig(url))
    try:
        with app.app_context():
            upgrade(revision="0021_interview_slots")
            now = "2025-03-01 10:00:00"
            answers = {1: "", 2: ", full_name, phone, postcode", 3: ", full_name, heard_about",
                       4: ", full_name, submitted_at"}
            values = {"full_name": "'Ann'", "phone": "'0770'", "postcode": "'AL1 3JE'", "heard_about": "'campaign'",
                      "submitted_at": f"'{now}'"}
            with db.engine.begin() as connection:
                for n, columns in answers.items():
                    connection.execute(sa.text(
                        "INSERT INTO users (id, email, full_name, password_hash, role, session_token, created_at, "
                        f"updated_at) VALUES ({n}, 'a{n}@example.com', 'A', 'x', 'applicant', 't{n}', '{now}', '{now}')"))
                    named = [c.strip() for c in columns.split(",") if c.strip()]
                    connection.execute(sa.text(
                        f"INSERT INTO applications (id, user_id, state, version, state_changed_at, created_at, "
                        f"updated_at{''.join(', ' + c for c in named)}) VALUES ({n}, {n}, 'draft', 1, '{now}', "
                        f"'{now}', '{now}'{''.join(', ' + values[c] for c in named)})"))
            upgrade()
            with db.engine.connect() as connection:
                furthest = dict(connection.execute(sa.text("SELECT id, furthest_page FROM applications")).all())
            assert furthest == {1: 0, 2: 3, 3: 12, 4: 19}
            db.engine.dispose()
    finally:
        if drop:
            drop()


STATE_RULES = (
    # (constraint, statements that each give a row the state without its column or the column without
    #  the state, the statement giving the state and the column together)
    ("ck_applications_merged_into_when_merged",
     ("UPDATE applications SET state = 'merged' WHERE id = :a",
      "UPDATE applications SET merged_into_id = :a WHERE id = :b"),
     "UPDATE applications SET state = 'merged', merged_into_id = :b WHERE id = :a"),
    ("ck_possible_duplicates_kept_when_merged",
     ("UPDATE possible_duplicates SET status = 'merged' WHERE id = :pair",
      "UPDATE possible_duplicates SET kept_application_id = :a WHERE id = :pair"),
     "UPDATE possible_duplicates SET status = 'merged', kept_application_id = :a WHERE id = :pair"),
    ("ck_voice_polls_quarter_when_pulse",
     ("UPDATE voice_polls SET kind = 'pulse' WHERE id = :poll",
      "UPDATE voice_polls SET pulse_quarter = '2026-Q1' WHERE id = :poll"),
     "UPDATE voice_polls SET kind = 'pulse', pulse_quarter = '2026-Q1' WHERE id = :poll"),
)
"""0030's CHECK constraints: a merged application and the one it was merged into, a merged pair and the
application kept, the pulse and its quarter (the enums stored by member name)."""
PUT_RIGHT = ("UPDATE applications SET state = 'submitted', merged_into_id = NULL",
             "UPDATE possible_duplicates SET status = 'open', kept_application_id = NULL",
             "UPDATE voice_polls SET kind = 'poll', pulse_quarter = NULL")


def _state_rows(**fields) -> dict[str, int]:
    """Two sent applications, an open pair of them and a poll, as the code writes them; their ids."""
    from tests import factories

    first, second = factories.application(**fields), factories.application(**fields)
    ids = {"a": first.id, "b": second.id, "pair": factories.possible_duplicate(first, second).id,
           "poll": factories.poll().id}
    db.session.remove()
    return ids


def _refused(statement: str, ids: dict[str, int], constraint: str) -> None:
    with pytest.raises(sa.exc.IntegrityError, match=constraint):
        db.session.execute(sa.text(statement), ids)
        db.session.flush()
    db.session.rollback()


def test_a_state_goes_with_its_column_or_the_database_refuses_the_row(ctx):
    """The code sets each state and its column together; the database refuses either alone."""
    ids = _state_rows()
    for constraint, alone, together in STATE_RULES:
        for statement in alone:
            _refused(statement, ids, constraint)
        db.session.execute(sa.text(together), ids)
        db.session.commit()
    stored = db.session.execute(sa.text(
        "SELECT a.state, a.merged_into_id, d.status, d.kept_application_id, p.kind, p.pulse_quarter "
        "FROM applications a, possible_duplicates d, voice_polls p WHERE a.id = :a AND d.id = :pair "
        "AND p.id = :poll"), ids).one()
    assert tuple(stored) == ("merged", ids["b"], "merged", ids["a"], "pulse", "2026-Q1")


def test_0030_stops_on_rows_breaking_a_rule_then_adds_its_checks_and_takes_them_away(database_url, tmp_path,
                                                                                      caplog):
    """Rows breaking the rules stop the upgrade (table, rule, count) and nothing changes; once put
    right it adds the checks; a downgrade takes them away again and the upgrade adds them back."""
    from academy import create_app
    from academy.config import TestConfig

    url, drop = other_database(database_url, tmp_path, "checks.db")
    app = create_app(TestConfig(url))

    def revision():
        with db.engine.connect() as connection:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()

    def run(statements, ids):
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement), ids)

    try:
        with app.app_context(), app.test_request_context():
            upgrade(revision="0029_snapshot_natural_key")
            ids = _state_rows(service_codes=())  # no reference data in this database
            breaking = [STATE_RULES[0][1][0], STATE_RULES[0][1][1], STATE_RULES[1][1][0], STATE_RULES[2][1][1]]
            run(breaking, ids)
            with pytest.raises(SystemExit) as stopped:  # flask db upgrade: the message, status 1
                upgrade(revision="0030_state_checks")
            assert stopped.value.code == 1
            assert "Migration 0030_state_checks changed nothing: put these rows right" in caplog.text
            assert ("applications: 2 rows break the rule \"state is 'merged' exactly when merged_into_id is set\" "
                    "(ck_applications_merged_into_when_merged)") in caplog.text
            assert ("possible_duplicates: 1 row breaks the rule \"status is 'merged' exactly when "
                    "kept_application_id is set\"") in caplog.text
            assert "voice_polls: 1 row breaks the rule \"kind is 'pulse' exactly when pulse_quarter is set\"" \
                in caplog.text
            assert revision() == "0029_snapshot_natural_key"

            run(PUT_RIGHT, ids)
            upgrade(revision="0030_state_checks")
            assert revision() == "0030_state_checks"
            for constraint, alone, together in STATE_RULES:
                for statement in alone:
                    _refused(statement, ids, constraint)
            run([together for _, _, together in STATE_RULES], ids)  # what the code writes is accepted

            downgrade(revision="0029_snapshot_natural_key")
            run(PUT_RIGHT + tuple(breaking), ids)  # no checks: the rows are accepted again
            run(PUT_RIGHT, ids)
            upgrade(revision="0030_state_checks")
            assert revision() == "0030_state_checks"
            _refused(breaking[0], ids, STATE_RULES[0][0])
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()


OLD_COLUMNS = "scope_type, scope_id, date, metric, numerator, denominator, source"  # outcome_snapshot before 0031


def insert_old_figures(connection, rows) -> None:
    """Figures into outcome_snapshot as it was before 0031: one row a figure (OLD_COLUMNS' order)."""
    for row in rows:
        connection.execute(sa.text(f"INSERT INTO outcome_snapshot ({OLD_COLUMNS}) VALUES (:s, :i, :d, :m, :n, :q, :o)"),
                           dict(zip("sidmnqo", row)))


OLD_FIGURES = [  # (scope_type, scope_id, date, metric, numerator, denominator, source) as stored before 0031
    ("workplace", 7, "2025-01-31", "vacancy_rate", 3.0, 40.0, "records"),
    ("workplace", 7, "2025-01-31", "turnover_rate", 9.04, 35.0, "declared"),
    ("workplace", 7, "2025-01-31", "filled_posts", 35.0, None, None),  # no denominator; stored before 0015
    ("workplace", 7, "2025-02-28", "training_compliance", None, 12.0, "records"),  # unknown numerator
    ("county", 0, "2025-01-31", "vacancy_rate", 1.0 / 3.0, 3.0, "mixed"),
]


def test_0031_gathers_each_scope_and_dates_figures_into_one_row_and_splits_them_back(database_url, tmp_path):
    """0031: one row a scope and date holding its figures as JSON; the same numbers (a third
    included, to the last bit), sources and empty values; downgrade gives the rows a figure back."""
    from academy import create_app
    from academy.config import TestConfig
    from academy.outcomes import snapshots

    url, drop = other_database(database_url, tmp_path, "rows.db")
    app = create_app(TestConfig(url))

    def old_rows(connection):
        rows = connection.execute(sa.text(f"SELECT {OLD_COLUMNS} FROM outcome_snapshot ORDER BY {OLD_COLUMNS}")).all()
        return sorted((s, i, str(d), m, n, q, o) for s, i, d, m, n, q, o in rows)

    try:
        with app.app_context():
            upgrade(revision="0030_state_checks")
            with db.engine.begin() as connection:
                insert_old_figures(connection, OLD_FIGURES)
            upgrade(revision="0031_snapshot_rows")
            with db.engine.connect() as connection:
                assert connection.execute(sa.text("SELECT count(*) FROM outcome_snapshot")).scalar_one() == 3
            with app.test_request_context():
                workplace = snapshots.load(db.session, "workplace", [7])
                county = snapshots.load(db.session, "county")
                db.session.remove()
            figures = {(r.metric, str(r.date)): (r.numerator, r.denominator, r.source)
                       for r in workplace.itertuples(index=False)}
            assert figures[("vacancy_rate", "2025-01-31")] == (3.0, 40.0, "records")
            assert figures[("turnover_rate", "2025-01-31")] == (9.04, 35.0, "declared")
            numerator, denominator, source = figures[("filled_posts", "2025-01-31")]
            assert numerator == 35.0 and pd.isna(denominator) and pd.isna(source)  # none
            numerator, denominator, source = figures[("training_compliance", "2025-02-28")]
            assert pd.isna(numerator) and denominator == 12.0 and source == "records"
            assert county.iloc[0]["numerator"] == 1.0 / 3.0 and county.iloc[0]["source"] == "mixed"
            downgrade(revision="0030_state_checks")
            with db.engine.connect() as connection:
                assert old_rows(connection) == sorted((s, i, d, m, n, q, o) for s, i, d, m, n, q, o in OLD_FIGURES)
            db.engine.dispose()
    finally:
        if drop:
            drop()


def test_0031_moves_nan_as_unknown_and_a_run_after_it_reads_them(database_url, tmp_path):
    """A NaN in the old float columns (PostgreSQL keeps them; SQLite stores NULL) is moved as an
    unknown value (JSON null), read back as NaN, and a store of the same figures writes nothing."""
    from datetime import date

    from academy import create_app
    from academy.config import TestConfig
    from academy.outcomes import snapshots

    url, drop = other_database(database_url, tmp_path, "nan.db")
    app = create_app(TestConfig(url))
    try:
        with app.app_context():
            upgrade(revision="0030_state_checks")
            with db.engine.begin() as connection:
                insert_old_figures(connection, [
                    ("county", 0, "2025-01-31", "vacancy_rate", float("nan"), 40.0, "records"),
                    ("county", 0, "2025-01-31", "turnover_rate", 2.0, float("nan"), "records")])
            upgrade(revision="0031_snapshot_rows")
            with app.test_request_context():
                back = snapshots.load(db.session, "county")
                assert back["metric"].tolist() == ["turnover_rate", "vacancy_rate"]
                assert back["numerator"].isna().tolist() == [False, True]
                assert back["denominator"].isna().tolist() == [True, False]
                written = snapshots.replace_snapshots(db.session.connection(), back.assign(
                    date=pd.to_datetime(back["date"])), [date(2025, 1, 31)])
                assert (written.inserted, written.updated, written.deleted) == (0, 0, 0)
                db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()


@pytest.mark.postgres
def test_0031_moves_doubles_exactly_whatever_the_databases_extra_float_digits(database_url):
    """PostgreSQL writes a double as jsonb by its text output, which is cut to 15 digits when
    extra_float_digits is 0 (a server, database or role setting): 0031 must not depend on it."""
    from academy import create_app
    from academy.config import TestConfig
    from academy.outcomes import snapshots
    from tests.conftest import _postgres_database

    url, drop = _postgres_database()
    app = create_app(TestConfig(url))
    try:
        with app.app_context():
            upgrade(revision="0030_state_checks")
            with db.engine.begin() as connection:
                name = connection.execute(sa.text("SELECT current_database()")).scalar_one()
                connection.execute(sa.text(f'ALTER DATABASE "{name}" SET extra_float_digits = 0'))
                insert_old_figures(connection, [
                    ("county", 0, "2025-01-31", "vacancy_rate", 0.1 + 0.2, 1 / 3, "records")])
            db.engine.dispose()  # new connections take the database's setting
            upgrade(revision="0031_snapshot_rows")
            with app.test_request_context():
                back = snapshots.load(db.session, "county")
                assert back[["numerator", "denominator"]].to_numpy().tolist() == [[0.1 + 0.2, 1 / 3]]
                db.session.remove()
            downgrade(revision="0030_state_checks")
            with db.engine.connect() as connection:
                assert connection.execute(sa.text(  # compared by the server: its text output is the cut one
                    "SELECT numerator = :n AND denominator = :q FROM outcome_snapshot"),
                    {"n": 0.1 + 0.2, "q": 1 / 3}).scalar_one()
            db.engine.dispose()
    finally:
        if drop:
            drop()
