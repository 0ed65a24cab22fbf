"""Training web-test helpers: a team (workplace, worker, manager) and extra signed-in clients."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from academy.auth.models import User
from academy.workplaces.models import Workplace
from tests import factories
from tests.helpers import Client


@dataclass
class Team:
    workplace: Workplace
    worker: User
    manager: User


@pytest.fixture
def team(ctx):
    workplace = factories.workplace(name="Verulam House")
    return Team(workplace, factories.care_worker(workplace, full_name="Casey Carer"),
                factories.manager([workplace], full_name="Morgan Manager"))


@pytest.fixture
def new_client(app):
    """Another browser: `new_client(user)` is a client signed in as `user` (None: anonymous)."""
    def make(user: User | None = None) -> Client:
        other = Client(app)
        if user is not None:
            other.sign_in(user)
        return other

    return make


def date_parts(day) -> list[str]:
    """A GOV.UK date input's three values (day, month, year) as the form posts them."""
    return [str(day.day), str(day.month), str(day.year)]
