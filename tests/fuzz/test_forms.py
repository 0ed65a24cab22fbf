"""Property-based: arbitrary text, numbers, dates and unicode thrown at every form of the service.

Every form is found, not listed: each GET page of the route table (tests/security/routes.py) is
opened by a role that may use it, in the route walk's world, and every POST form on it (bar
sign-out) is filled by hypothesis — valid choices mixed with junk, over-long and hostile strings,
impossible dates — and posted with its CSRF token. Whatever is sent: no 5xx; and an answer that
refuses the input (400/422) changed nothing in the database (bar the audit log, which records
that a sensitive page, shown again with its errors, was viewed).
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CSRF
from tests.security.routes import ANON, TABLE, url_for_case, walked_rules
from tests.security.test_route_walk import changed_tables, fingerprint, sign_in_as
from tests.security.world import world  # noqa: F401 - the fixture

EXAMPLES = 8  # per form; each is a GET (for a fresh token) and a POST
# The role that fills each page's forms: the first in this order the table lets open it.
FILLERS = ("applicant", "care_worker", "manager", "hcpa_staff", "admin", ANON)
NOT_FUZZED = {"/sign-out"}  # signing out would only end the walk's session
# Emailed links whose token moves into the session and redirect to the page with the form.
TOKEN_LINKS = {"/password/reset/<token>", "/invitation/<token>"}

HOSTILE = st.sampled_from([
    "", " ", "0", "-1", "1e309", "NaN", "99999999999999999999", "31", "02", "2024", "31/02/2024", "29/02/2023",
    "<script>alert(1)</script>", "'; DROP TABLE users; --", "=HYPERLINK(\"http://x\")", "+cmd", "@SUM(1)",
    "\u202egnp.exe", "\x00", "😀" * 50, "ß" * 300, "a" * 5000, "ＡＢＣ", "\r\n\r\n", "%s%n", "../../etc/passwd",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=80), st.integers(-10**12, 10**12).map(str),
                 st.dates().map(lambda d: d.strftime("%d/%m/%Y")))


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name -> kind, allowed values, given value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["values"].append(a.get("value", ""))
            return
        fields = self._form["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            field = fields.setdefault(name, {"kind": kind, "values": [], "given": a.get("value", ""), "count": 0})
            field["count"] += 1
            if kind in ("radio", "checkbox"):
                field["values"].append(a.get("value", "on"))
        elif tag in ("textarea", "select"):
            fields[name] = {"kind": tag, "values": [], "given": "", "count": 1}
            if tag == "select":
                self._select = fields[name]
        if tag == "option" and self._select is not None:
            self._select["values"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def strategy_for(field: dict):
    kind, values = field["kind"], field["values"]
    if kind == "hidden":
        return st.one_of(st.just(field["given"]), TEXT)
    if kind == "file":
        return st.none()  # uploads are checked by content in their own tests
    if kind == "checkbox":
        return st.lists(st.one_of(st.sampled_from(values), TEXT), max_size=len(values) + 1)
    if kind in ("radio", "select") and values:
        return st.one_of(st.sampled_from(values), TEXT)
    if field["count"] > 1:  # a GOV.UK date input: day, month and year boxes under one name
        return st.lists(TEXT, min_size=field["count"], max_size=field["count"])
    return TEXT


def fill(form: dict):
    fields = {name: f for name, f in form["fields"].items() if name != "csrf_token"}
    return st.fixed_dictionaries({name: strategy_for(f) for name, f in fields.items()})


def pages_for(app, ids) -> list[tuple[str, str]]:
    """(role, path) for each GET page with a case its filler role may open."""
    pages = []
    for rule in walked_rules(app):
        if "GET" not in rule.methods or rule.rule in NOT_FUZZED:
            continue
        for case in TABLE.get(rule.rule, [])[:1]:  # the owner's own record finds the form; the walk checks all are listed
            opens = (200,) if rule.rule not in TOKEN_LINKS else (200, case.expect.get(ANON))
            role = next((r for r in FILLERS if case.expect.get(r) in opens), None)
            url = url_for_case(rule.rule, case, ids)
            if role is not None and url is not None:
                pages.append((role, url))
    return pages


def fuzz(client, page_url: str, form: dict, problems: list[str]) -> None:
    action = urljoin(page_url, form["action"]) if form["action"] else page_url
    if urlsplit(action).path in NOT_FUZZED:
        return

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fill(form))
    def post(values):
        page = client.get(page_url).get_data(as_text=True)
        token = CSRF.search(page)
        data = {k: v for k, v in values.items() if v is not None}
        data["csrf_token"] = token.group(1) if token else ""
        before = fingerprint()
        response = client.post(urlsplit(action).path, data=data)
        if response.status_code >= 500:
            problems.append(f"{action}: {response.status_code} for {data!r:.300}")
        elif response.status_code in (400, 422) and (changed := set(changed_tables(before, fingerprint()))
                                                     - {"audit_events"}):
            problems.append(f"{action}: refused ({response.status_code}) but changed {changed}")

    post()


@pytest.mark.parametrize("role", FILLERS)
def test_no_form_answers_5xx_and_refused_input_changes_nothing(app, client, world, role):  # noqa: F811
    sign_in_as(client, world, role)
    problems, forms = [], 0
    for filler, url in pages_for(app, world.ids):
        if filler != role:
            continue
        response = client.get(url)
        if response.status_code == 302 and urlsplit(response.headers["Location"]).path in ("/password/reset",
                                                                                              "/invitation"):
            url = response.headers["Location"]  # a token link: the form is on the clean page
            response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            forms += 1
            fuzz(client, url, form, problems)
    assert not problems, f"{len(problems)} problems in {forms} forms:\n" + "\n".join(problems[:20])
