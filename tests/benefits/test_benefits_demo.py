"""The demo data reaches the benefit and award pages: the demo care worker sees the benefits they
are eligible for (and not the two they are not), the manager's portal page shows a count and a
"fewer than 5", and last year's closed round has the worker as a winner on their passport."""
from __future__ import annotations

from sqlalchemy import select

from academy.auth.models import User
from academy.demo import seed_demo_data
from academy.extensions import db
from academy.workplaces.models import Workplace
from tests.helpers import Client, text


def test_the_demo_shows_benefits_counts_and_a_winner_on_the_passport(app, ctx):
    seed_demo_data(db.session)
    seed_demo_data(db.session)  # idempotent: nothing twice
    db.session.commit()
    users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
    worker = Client(app)
    worker.sign_in(users["careworker"], password=_password(users["careworker"]))
    mine = text(worker.get("/benefits/"))
    assert "Employee Assistance Programme" in mine and "Hertfordshire wellbeing service" in mine
    assert "Leadership coaching" not in mine and "study grant" not in mine and "Summer cinema" not in mine
    passport = text(worker.get("/training/"))
    assert "Winner" in passport and "Care worker of the year" in passport
    manager = Client(app)
    manager.sign_in(users["manager"], password=_password(users["manager"]))
    verulam = db.session.scalar(select(Workplace).where(Workplace.name == "Verulam House"))
    portal = text(manager.get(f"/benefits/workplaces/{verulam.id}"))
    assert ">8<" in portal and "fewer than 5" in portal and "CPA-" in portal
    assert "9 of your" in portal  # eight staff and the demo care worker are members (docs/benefits.md)


def _password(user) -> str:
    from tests.factories import DEFAULT_PASSWORD

    user.set_password(DEFAULT_PASSWORD)
    db.session.commit()
    return DEFAULT_PASSWORD
