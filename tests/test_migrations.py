"""The schema comes only from migrations: upgrade from empty works and matches the models."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from academy.extensions import db


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

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        drop = None
    else:
        from tests.conftest import _postgres_database

        url, drop = _postgres_database()
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

    if database_url.startswith("sqlite"):
        url, drop = f"sqlite:///{tmp_path / 'backfill.db'}", None
    else:
        from tests.conftest import _postgres_database

        url, drop = _postgres_database()
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
