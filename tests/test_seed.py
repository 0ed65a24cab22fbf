"""`flask seed demo` and `flask seed reference` are idempotent and give every role a user."""
from sqlalchemy import func, select

from academy.auth.models import Role, User
from academy.extensions import db
from academy.workplaces.models import District, ServiceType, Vacancy, Workplace


def test_seed_demo_twice_changes_nothing_the_second_time(app, ctx):
    runner = app.test_cli_runner()
    app.config["DEVELOPMENT"] = True
    try:
        first = runner.invoke(args=["seed", "demo"])
        counts = (db.session.scalar(select(func.count(Workplace.id))), db.session.scalar(select(func.count(User.id))),
                  db.session.scalar(select(func.count(Vacancy.id))))
        second = runner.invoke(args=["seed", "demo"])
    finally:
        app.config["DEVELOPMENT"] = False
    assert first.exit_code == 0 and "Demo sign-ins" in first.output
    assert second.exit_code == 0 and "Demo sign-ins" not in second.output  # passwords printed once
    assert counts == (db.session.scalar(select(func.count(Workplace.id))),
                      db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Vacancy.id))))
    assert counts[0] == 40 and counts[2] > 0
    assert {u.role for u in db.session.scalars(select(User))} == set(Role)
    assert db.session.scalar(select(func.count(District.id))) == 10
    assert db.session.scalar(select(func.count(ServiceType.id))) == 5
    types_used = db.session.scalar(select(func.count(func.distinct(Workplace.service_type_id))))
    assert types_used == 5


def test_seed_demo_is_refused_outside_development(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "development only" in result.output
