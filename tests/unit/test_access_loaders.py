"""One signature for "load this record for this user, or 404" (docs/DEVELOPING.md, "Loading a record
for a user"): every `*_or_404` function in the application packages is found by importing them all,
so a new loader that drifts (takes the user from the request, puts the id first, lives in a view
module, or refuses without naming the user) fails here."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import pytest

PACKAGES = ("academy", "recruitment", "training")
ID_SUFFIXES = ("_id", "_number")  # a record's key: its id, or a CPA member number


def loaders() -> list:
    found = []
    for top in PACKAGES:
        package = importlib.import_module(top)
        names = [top] + [info.name for info in pkgutil.walk_packages(package.__path__, top + ".")]
        for name in names:
            module = importlib.import_module(name)
            found += [function for function_name, function in vars(module).items()
                      if function_name.endswith("_or_404") and inspect.isfunction(function)
                      and function.__module__ == name]
    return sorted(found, key=lambda function: f"{function.__module__}.{function.__name__}")


LOADERS = loaders()


def loader_id(function) -> str:
    return f"{function.__module__}.{function.__name__}"


def test_the_loaders_are_found():
    names = {loader_id(function) for function in LOADERS}
    assert {"academy.workplaces.directory.get_workplace_or_404",
            "academy.portal.access.get_portal_workplace_or_404",
            "academy.portal.vacancies.get_vacancy_or_404",
            "recruitment.referrals.get_referral_or_404",
            "training.records.get_record_or_404", "academy.auth.lifecycle.get_user_or_404"} <= names
    assert len(LOADERS) >= 15


@pytest.mark.parametrize("function", LOADERS, ids=loader_id)
def test_a_loader_takes_session_the_records_key_and_the_user_then_keywords_only(function):
    parameters = list(inspect.signature(function).parameters.values())
    first_three = [parameter.name for parameter in parameters[:3]]
    assert function.__name__.startswith("get_")
    assert first_three[0] == "session" and first_three[2] == "for_user", first_three
    assert first_three[1].endswith(ID_SUFFIXES), first_three
    assert all(parameter.kind == parameter.POSITIONAL_OR_KEYWORD for parameter in parameters[:3])
    assert all(parameter.kind == parameter.KEYWORD_ONLY for parameter in parameters[3:]), \
        "extras (write=, workplace_id=, kind=) are keyword-only"


def called_name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


@pytest.mark.parametrize("function", LOADERS, ids=loader_id)
def test_a_loader_lives_in_a_domain_module_and_names_the_user_when_it_refuses(function):
    assert not function.__module__.rsplit(".", 1)[-1].endswith("views")
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    calls = [(called_name(node), node) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    refusals = [call for name, call in calls if name == "refuse"]
    loads_through_another = [call for name, call in calls if name.endswith("_or_404")]
    assert refusals or loads_through_another
    for call in refusals:
        assert len(call.args) >= 2 and ast.unparse(call.args[1]) == "for_user", ast.unparse(call)
