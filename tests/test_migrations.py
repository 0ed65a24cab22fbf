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
