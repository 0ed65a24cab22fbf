"""Headless Chromium: every HTML page each role may open, from the app's URL map, passes axe-core
(WCAG 2.2 A and AA, and its best-practice rules), fits a 390 px phone screen without scrolling
sideways, and has no fieldset without its question (a legend with words); and the applicant
completes the application with the keyboard alone.

The pages come from the route walk's table (tests/security/routes.py), which fails when a rule of
`app.url_map` is missing from it, so a new page cannot be missed here either. For each role, each
rule with GET is visited once, with the first case that role may open (200); downloads (JSON,
CSV, SVG, PDF, ZIP, spreadsheets) are fetched without the browser and skipped by content type.
"""
from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from academy.auth.models import Role
from recruitment.models import VALUES
from tests import factories
from tests.browser.conftest import (
    assert_accessible, axe_violations, fieldsets_without_a_question, overflow_at_phone_width, sign_in,
)
from tests.security.routes import ANON, REDIRECT, ROLES, TABLE, url_for_case, walked_rules
from tests.security.world import build_world


def pages_for(app, role: str, ids: dict) -> list[str]:
    """One URL per GET rule that `role` may open (status 200 in the table)."""
    urls = []
    for rule in walked_rules(app):
        if "GET" not in rule.methods:
            continue
        for case in TABLE.get(rule.rule, []):
            url = url_for_case(rule.rule, case, ids)
            if url is not None and case.expect[role] == 200:
                urls.append(url)
                break
    return urls


# Links that only set up this browser's session for a page the crawl then visits (the emailed poll
# link redirects to the poll's token-free page, which answers only in a browser that opened it).
OPENED_FIRST = ("/voice/answer/<token>",)


def opened_first(role: str, ids: dict) -> list[str]:
    """The set-up links `role` is redirected by (the first case of each rule in OPENED_FIRST)."""
    cases = [(rule, TABLE[rule][0]) for rule in OPENED_FIRST]
    return [url_for_case(rule, case, ids) for rule, case in cases if case.expect[role] == REDIRECT]


def crawl(context, role: str, urls: list[str]) -> tuple[list[str], int]:
    """Visit each HTML page in `context`: axe-core at desktop width, the fieldsets' legends, and no
    sideways scrolling at 390 px; returns (problems, pages checked)."""
    page = context.new_page()
    problems, visited = [], 0
    for url in urls:
        head = context.request.get(url, max_redirects=0)
        if head.status != 200:
            problems.append(f"{role} {url}: {head.status} (the route walk expects 200)")
            continue
        if not head.headers.get("content-type", "").startswith("text/html"):
            continue  # a download or data: nothing for axe to check
        response = page.goto(url)
        visited += 1
        if response is None or response.status != 200:
            problems.append(f"{role} {url}: {response.status if response else 'no response'} in the browser")
            continue
        problems += [f"{role} {url}: {line}" for line in axe_violations(page)]
        problems += [f"{role} {url}: no legend (question) on {line}" for line in fieldsets_without_a_question(page)]
        problems += [f"{role} {url}: at 390 px, {line}" for line in overflow_at_phone_width(page)]
        page.set_viewport_size(DESKTOP)
    page.close()
    return problems, visited


DESKTOP = {"width": 1280, "height": 720}


def test_every_page_of_every_role_passes_axe_fits_a_phone_and_asks_its_questions(app, ctx, chromium, live_server):
    world = build_world()
    problems, counts = [], {}
    for role in ROLES:
        context = chromium.new_context(base_url=live_server, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        try:
            if role != ANON:
                page = context.new_page()
                sign_in(page, world.users[role].email, factories.DEFAULT_PASSWORD)
                page.close()
            for url in opened_first(role, world.ids):
                assert context.request.get(url, max_redirects=0).status == 302, url
            found, counts[role] = crawl(context, role, pages_for(app, role, world.ids))
            problems += found
        finally:
            context.close()
    print("pages checked per role (axe-core, legends, 390 px):", counts)
    assert not problems, "\n".join(problems)
    assert all(counts[role] >= 10 for role in ROLES), counts


def test_the_crawls_checks_catch_a_page_too_wide_and_a_question_without_its_legend(page):
    """The checks the crawl runs on every page find what they look for (and pass what is fine)."""
    page.set_content("""<main>
      <fieldset><input name="start_date-day"></fieldset>
      <fieldset><legend> </legend><input type="radio" name="contract_type"></fieldset>
      <fieldset><legend>When did they start?</legend><input name="fine"></fieldset>
      <div class="scroller" style="overflow-x: auto"><div style="width: 900px">a wide table, scrolled on purpose</div></div>
    </main>""")
    assert fieldsets_without_a_question(page) == ["fieldset around start_date-day", "fieldset around contract_type"]
    assert overflow_at_phone_width(page) == []  # the 900 px inside a scrolling region does not widen the page
    page.set_viewport_size(DESKTOP)
    page.set_content('<main><p style="width: 585px">a passport table, not in a scrolling region</p></main>')
    problems = overflow_at_phone_width(page)
    assert problems[0].startswith("the page is 5") and "at 390 px" in problems[0], problems  # 585 + body margin
    assert any(line.startswith("p (right edge 5") for line in problems[1:]), problems


# --- the applicant's journey with the keyboard alone ---------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el) return {};
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {tag: el.tagName.toLowerCase(), name: el.name || "", value: el.value || "", type: el.type || "",
          label: label.trim(), text: (el.innerText || "").trim()};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, what: str, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies `matches`; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"{what}: not reached with the Tab key on {page.url}")


def tab_to_label(page, label: str) -> None:
    tab_to(page, lambda e: e.get("label") == label, f"the field labelled {label!r}")


def type_into(page, label: str, text: str) -> None:
    tab_to_label(page, label)
    page.keyboard.type(text)


def tick(page, label: str) -> None:
    """A checkbox: Tab to it, Space ticks it."""
    tab_to_label(page, label)
    page.keyboard.press("Space")


def choose(page, name: str, value: str) -> None:
    """A radio group: Tab into it, arrow keys move the choice, Space selects."""
    tab_to(page, lambda e: e.get("name") == name and e.get("type") == "radio", f"the {name} radios")
    for _ in range(12):
        if focused(page).get("value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no {name} radio with value {value}")


def press_button(page, name: str) -> None:
    """Tab to the button and press Enter; wait for the page it loads."""
    tab_to(page, lambda e: e.get("tag") in ("button", "a") and e.get("text") == name
           or e.get("tag") == "input" and e.get("type") == "submit" and e.get("value") == name,
           f"the {name!r} button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_applicant_completes_the_application_with_the_keyboard_alone(ctx, page, tmp_path):
    applicant = factories.user(Role.applicant, full_name="Kofi Boateng")
    page.goto("/sign-in")
    type_into(page, "Email address", applicant.email)
    type_into(page, "Password", factories.DEFAULT_PASSWORD)
    press_button(page, "Sign in")
    page.goto("/recruitment/")
    assert_accessible(page)
    press_button(page, "Start your application")

    steps = [
        lambda: type_into(page, "What is your full name?", "Kofi Boateng"),
        lambda: type_into(page, "What is your phone number?", "07700 900983"),
        lambda: type_into(page, "What is your postcode?", "AL1 3JE"),
        lambda: None,  # district: worked out from the postcode
        lambda: choose(page, "right_to_work", "settled"),
        lambda: (choose(page, "driving_licence", "yes"), choose(page, "has_car", "no")),
        lambda: (tick(page, "Days"), tick(page, "Weekends"),
                 type_into(page, "How many hours a week would you like to work?", "25")),
        lambda: tick(page, "Older people residential homes"),
        lambda: choose(page, "experience", "under_one_year"),
        lambda: None,  # qualifications: optional
        lambda: type_into(page, "Which languages do you speak?", "English, Twi"),
        lambda: choose(page, "heard_about", "recruitment_fair"),
        *[lambda v=v: (tab_to(page, lambda e: e.get("name") == "answer", "the answer box"),
                       page.keyboard.type(f"A specific example about {v}.")) for v in VALUES],
    ]
    for step in steps:  # the question pages: no applicant in the route walk's world has a draft
        assert_accessible(page)
        step()
        press_button(page, "Continue")
        assert "There is a problem" not in page.content(), page.url
    assert "/apply/cv" in page.url
    assert_accessible(page)
    cv = tmp_path / "kofi-cv.pdf"
    cv.write_bytes(b"%PDF-1.4\n%%EOF\n")
    tab_to_label(page, "Upload a file (optional)")
    chooser = None
    for key in ("Space", "Enter", "Space"):  # Chromium opens the chooser on either; one key was seen to
        try:                                 # miss on a loaded machine, so each gets another go
            with page.expect_file_chooser(timeout=10_000) as opening:
                page.keyboard.press(key)
            chooser = opening.value
            break
        except PlaywrightTimeout:
            continue
    assert chooser is not None, "the file input did not open a chooser from the keyboard"
    chooser.set_files(str(cv))
    press_button(page, "Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending your application"
    assert "kofi-cv.pdf" in page.content()
    assert_accessible(page)
    press_button(page, "Accept and send")
    assert "Application sent" in page.content()
    assert_accessible(page)

    from academy.extensions import db
    from recruitment.models import Application, State

    db.session.expire_all()
    sent = db.session.scalars(db.select(Application).filter_by(user_id=applicant.id)).one()
    assert sent.state == State.submitted and sent.full_name == "Kofi Boateng" and sent.hours_per_week == 25
    assert sent.cv_original_name == "kofi-cv.pdf" and sent.has_car is False
