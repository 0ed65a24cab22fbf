"""Two workplaces, each with its own manager, staff, a vacancy and a referral."""
import pytest

from recruitment.models import State
from tests import factories


@pytest.fixture
def two(ctx):
    world = {}
    for key, name in (("a", "Verulam House"), ("b", "Gade House")):
        home = factories.workplace(name=name)
        manager = factories.manager(workplaces=[home], full_name=f"Manager of {name}")
        worker = factories.employment(home, who=factories.person(f"Worker at {name}"))
        vacancy = factories.vacancy(home)
        application = factories.application_at(State.referred, at_vacancy=vacancy, full_name=f"Candidate for {name}")
        world[key] = {"home": home, "manager": manager, "employment": worker, "vacancy": vacancy,
                      "referral": application.referrals[-1], "application": application}
    return world
