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
    # The second run says it added nothing, and how to get new passwords.
    assert "Demo data is already loaded (40 workplaces" in second.output and "nothing was added" in second.output
    assert "seed demo --new-passwords" in second.output and " added;" not in second.output.split("Outcomes:")[0]
    assert "Demo data: 40 workplaces and" in first.output
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


def test_seed_demo_sets_up_two_step_for_staff_and_prints_their_keys_in_development(app, ctx, client):
    import re

    import pyotp

    runner = app.test_cli_runner()
    app.config["DEVELOPMENT"] = True
    try:
        output = runner.invoke(args=["seed", "demo"]).output
    finally:
        app.config["DEVELOPMENT"] = False
    line = next(line for line in output.splitlines() if "admin@demo.goodcare.example" in line)
    email, password, key = re.match(r"\s*(\S+)\s+(\S+)\s+authenticator key: (\S+)$", line).groups()
    staff = db.session.scalars(select(User).where(User.role.in_([Role.hcpa_staff, Role.admin]))).all()
    assert staff and all(u.two_step_enabled for u in staff)
    assert all(f"authenticator key: {u.totp_secret}" in output for u in staff)
    admin = next(u for u in staff if u.email == email)
    client.sign_in(admin, password)  # through the real second step, with a code from the printed key
    assert client.get("/admin/users").status_code == 200
    assert pyotp.TOTP(key).now() == pyotp.TOTP(admin.totp_secret).now()
    worker = db.session.scalar(select(User).where(User.role == Role.care_worker))
    assert not worker.two_step_enabled  # offered, not imposed


def test_demo_sign_ins_are_printed_only_in_development():
    from academy.demo import DemoResult

    result = DemoResult(passwords={"admin@demo.goodcare.example": "pw"},
                        authenticator_keys={"admin@demo.goodcare.example": "JBSWY3DPEHPK3PXP"})
    assert any("JBSWY3DPEHPK3PXP" in line for line in result.sign_in_lines(development=True))
    assert result.sign_in_lines(development=False) == []
