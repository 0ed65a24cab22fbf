"""Authorisation walk: every route of the app, for anonymous visitors and every role.

The routes come from `app.url_map`, so a new page cannot be missed: a rule not in
tests/security/routes.py TABLE fails `test_every_route_is_in_the_table`. For each role one
world is built (tests/security/world.py) and the walk, inside one test:

1. GETs every case of every rule with GET and checks the status (and where redirects go);
2. POSTs, with a valid CSRF token and no form data, to every POST rule whose case refuses this
   role (403, 404, or sign in first) and checks the refusal and that the database is unchanged;
3. POSTs to every POST rule without a CSRF token: 400, and nothing changes.

"Nothing changes" leaves out the security log's refused_access rows (academy/auth/refusals.py):
recording a refusal is the one write a refused request makes, and every 403 a signed-in role gets
in step 2 must make it.

Nothing anywhere may answer 5xx.
"""
from __future__ import annotations

import functools

import pytest
import sqlalchemy as sa

from academy.auth.models import AuditEvent
from academy.auth.refusals import REFUSED_ACCESS
from academy.extensions import db
from tests.helpers import location_path
from tests.security.routes import (
    ANON, REDIRECT, ROLES, SIGN_IN, TABLE, arguments, url_for_case, walked_rules,
)
from tests.security.world import ensure_job, world  # noqa: F401 - the fixture

DENIALS = (403, 404, SIGN_IN)
ODD_QUERY = "page=-1&q=%00%27%22%3Cb%3E&scope=workplace-x&status=nonsense&sort=%F0%9F%92%A5&next=//evil.example"
# Views that are csrf.exempt and call csrf.protect() themselves after the role check (the ASC-WDS
# upload checks the body's size first): without a token, a role that may not use the page is
# refused as usual (403 / sign in) before the CSRF check; a role that may gets the 400.
CSRF_CHECKED_IN_VIEW = {"/ascwds/import"}


def test_every_route_is_in_the_table(app):
    rules = walked_rules(app)
    missing = sorted({r.rule for r in rules} - set(TABLE))
    assert not missing, ("these routes are not in the route walk: add them to the table in "
                         "tests/security/routes.py:\n" + "\n".join(f"  {r} ({_endpoint(app, r)})" for r in missing))
    stale = sorted(set(TABLE) - {r.rule for r in rules})
    assert not stale, "the route table names routes the app no longer has:\n" + "\n".join(stale)
    for rule in rules:
        cases = TABLE[rule.rule]
        assert cases, rule.rule
        for case in cases:
            assert set(case.params) == set(arguments(rule.rule)), f"{rule.rule}: case gives {case.params}"
            assert set(case.expect) == set(ROLES), rule.rule
        if any(a.endswith("_id") or a == "number" for a in arguments(rule.rule)):
            assert len(cases) >= 2, f"{rule.rule}: an id route needs the owner's id and someone else's"


def _endpoint(app, rule: str) -> str:
    return next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule)


def answer_ok(response, expected, ids) -> bool:
    if expected == REDIRECT:
        return response.status_code == 302
    if isinstance(expected, str):
        return response.status_code == 302 and location_path(response) == expected.format(**ids)
    return response.status_code == expected


def describe(response) -> str:
    where = f" -> {location_path(response)}" if response.status_code in (301, 302, 303) else ""
    return f"{response.status_code}{where}"


def _rows(table):
    """Every row of `table`, bar the security log's records of refused requests."""
    if table is AuditEvent.__table__:
        return sa.select(table).where(table.c.action != REFUSED_ACCESS)
    return sa.select(table)


def database_state() -> dict:
    """Every row of every table (read on a connection of its own), to prove nothing changed."""
    state = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(_rows(table)).all()
            state[table.name] = sorted(map(repr, rows))
    return state


@functools.cache
def _fingerprint_query():
    parts = []
    for table in db.metadata.sorted_tables:
        parts.append(sa.select(sa.func.count()).select_from(_rows(table).subquery()).scalar_subquery()
                     .label(f"n_{table.name}"))
        if "updated_at" in table.c:
            parts.append(sa.select(sa.func.max(table.c.updated_at)).scalar_subquery().label(f"u_{table.name}"))
    return sa.select(*parts)


def fingerprint() -> tuple:
    """Row count and latest updated_at of every table, in one query: cheap enough for every POST
    (the full `database_state` is compared around the whole batch)."""
    with db.engine.connect() as conn:
        row = conn.execute(_fingerprint_query()).one()
    return tuple(zip(row._fields, row))


def refusals_recorded() -> int:
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(AuditEvent.__table__)
                           .where(AuditEvent.action == REFUSED_ACCESS))


def changed_tables(before, after) -> list[str]:
    if isinstance(before, tuple):
        return sorted({name[2:] for (name, old), (_, new) in zip(before, after) if old != new})
    return [name for name in before if before[name] != after[name]]


def sign_in_as(client, world, role):
    if role != ANON:
        client.sign_in(world.users[role])


def walk_get(client, app, role, world) -> tuple[list[str], int]:
    failures, count, ids = [], 0, world.ids
    for rule in walked_rules(app):
        if "GET" not in rule.methods:
            continue
        for case in TABLE.get(rule.rule, []):
            url = url_for_case(rule.rule, case, ids)
            if url is None:
                continue
            if "@job" in case.params.values():
                ensure_job(world)
            response = client.get(url)
            count += 1
            expected = case.expect[role]
            if response.status_code >= 500:
                failures.append(f"GET {url}: {response.status_code} (server error)")
            elif not answer_ok(response, expected, ids):
                failures.append(f"GET {url}: expected {expected}, got {describe(response)}")
            if expected == 200 and not case.query:
                # The same page with nonsense in the usual query parameters: answered, never a 5xx.
                odd = client.get(f"{url}?{ODD_QUERY}")
                count += 1
                if odd.status_code >= 500:
                    failures.append(f"GET {url}?{ODD_QUERY}: {odd.status_code} (server error)")
    return failures, count


def walk_refused_posts(client, app, role, ids) -> tuple[list[str], int]:
    failures, count = [], 0
    token = client.csrf_token("/account" if role != ANON else SIGN_IN)
    whole_before = database_state()
    after = fingerprint()
    for rule in walked_rules(app):
        if "POST" not in rule.methods:
            continue
        for case in TABLE.get(rule.rule, []):
            expected = case.for_method("POST")[role]
            url = url_for_case(rule.rule, case, ids)
            if url is None or expected not in DENIALS:
                continue
            before, refused_before = after, refusals_recorded()
            response = client.post(url, data={"csrf_token": token})
            count += 1
            after = fingerprint()
            changed = changed_tables(before, after)
            if role != ANON and response.status_code == 403 and refusals_recorded() != refused_before + 1:
                failures.append(f"POST {url}: 403 not counted in the security log")
            if response.status_code >= 500:
                failures.append(f"POST {url}: {response.status_code} (server error)")
            elif not answer_ok(response, expected, ids):
                failures.append(f"POST {url}: expected {expected}, got {describe(response)}")
            if changed:
                failures.append(f"POST {url} (refused) changed {', '.join(changed)}")
    changed = changed_tables(whole_before, database_state())
    if changed:
        failures.append(f"the refused POSTs changed {', '.join(changed)}")
    return failures, count


def walk_posts_without_token(client, app, role, ids) -> tuple[list[str], int]:
    failures, count = [], 0
    before = database_state()
    for rule in walked_rules(app):
        if "POST" not in rule.methods:
            continue
        for case in TABLE.get(rule.rule, []):
            url = url_for_case(rule.rule, case, ids)
            if url is None:
                continue
            response = client.post(url, data={})
            count += 1
            refusal = case.for_method("POST")[role]
            if rule.rule in CSRF_CHECKED_IN_VIEW and refusal in DENIALS and answer_ok(response, refusal, ids):
                continue
            if response.status_code != 400:
                failures.append(f"POST {url} without a CSRF token: expected 400, got {describe(response)}")
    changed = changed_tables(before, database_state())
    if changed:
        failures.append(f"POSTs without a CSRF token changed {', '.join(changed)}")
    return failures, count


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, client, world, role):
    sign_in_as(client, world, role)
    got, gets = walk_get(client, app, role, world)
    refused, posts = walk_refused_posts(client, app, role, world.ids)
    tokenless, bare = walk_posts_without_token(client, app, role, world.ids)
    missing = sorted({r.rule for r in walked_rules(app)} - set(TABLE))
    failures = got + refused + tokenless + [f"{rule}: not in the table (add it to tests/security/routes.py)"
                                            for rule in missing]
    assert not failures, f"{role}: {len(failures)} problems in {gets} GETs, {posts} refused POSTs and " \
                         f"{bare} POSTs without a token:\n" + "\n".join(failures)
    assert gets > 100 and bare > 30
