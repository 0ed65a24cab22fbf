"""Browser fixtures: the app served on a free local port, driven by headless Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by scripts/test); Playwright drives it
without downloading a browser of its own. axe-core comes bundled in axe-playwright-python.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                   "best-practice"]},
             "resultTypes": ["violations"]}
PHONE = {"width": 390, "height": 844}  # a phone held upright (the issue 15 walk used 390 px)


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; scripts/test installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations and its best-practice rules (every piece of content in a
    landmark, one main, headings in order...) on the page, as readable lines (empty = clean)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_RULES)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


# What sticks out past the right edge of the page: the widest elements not inside a region that
# scrolls sideways on purpose (the table macro's .app-table-wrapper, or any overflow-x: auto/scroll).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const inScroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden") return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0 && !inScroller(el)) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.classList.length ? "." + [...el.classList].join(".") : "");
      wide.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return [`the page is ${document.documentElement.scrollWidth} px wide at ${width} px`, ...wide.slice(-3)];
}"""


def overflow_at_phone_width(page) -> list[str]:
    """At 390 px wide, does the page scroll sideways? Content inside a region that scrolls on purpose
    does not widen the page. Returns what sticks out (empty = fits); leaves the page at 390 px."""
    page.set_viewport_size(PHONE)
    return page.evaluate(OVERFLOW)


# Every fieldset says its question: a legend that is its first child, with words in it.
FIELDSETS_WITHOUT_A_QUESTION = """() => [...document.querySelectorAll("fieldset")]
  .filter((set) => {
    const legend = set.querySelector(":scope > legend");
    return !legend || !legend.textContent.trim();
  })
  .map((set) => {
    const input = set.querySelector("input, select, textarea");
    return `fieldset ${set.id ? "#" + set.id : ""}around ${input ? input.name || input.id : "nothing"}`;
  })"""


def fieldsets_without_a_question(page) -> list[str]:
    return page.evaluate(FIELDSETS_WITHOUT_A_QUESTION)


def assert_fits_a_phone(page) -> None:
    """The page does not scroll sideways at 390 px (it is left at that width)."""
    problems = overflow_at_phone_width(page)
    assert not problems, f"wider than a phone: {page.url}:\n" + "\n".join(problems)


def assert_accessible(page) -> None:
    problems = axe_violations(page)
    assert not problems, f"axe-core violations on {page.url}:\n" + "\n".join(problems)


def assert_checked(page) -> None:
    """A journey page's checks: axe-core, every fieldset's question, and no sideways scrolling at
    390 px; the page is left at a desktop width (1280 x 720) for the next step."""
    assert_accessible(page)
    assert fieldsets_without_a_question(page) == []
    assert_fits_a_phone(page)
    page.set_viewport_size({"width": 1280, "height": 720})


def sign_out(page) -> None:
    click_through(page.get_by_role("button", name="Sign out"))


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the real pages: the password, then, when the service asks for it, the
    6-digit code the user's authenticator app would show (from their secret in the database)."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    click_through(page.get_by_role("button", name="Sign in"))
    if page.url.split("?")[0].endswith("/sign-in/two-step"):
        page.get_by_label("Code", exact=True).fill(user_code(email))
        click_through(page.get_by_role("button", name="Continue"))


def user_code(email: str) -> str:
    """A not-yet-used code for the user with this email (the live server shares the test's database)."""
    from sqlalchemy import select

    from academy.auth.models import User
    from academy.extensions import db
    from tests.helpers import fresh_code

    db.session.expire_all()
    return fresh_code(db.session.scalar(select(User).where(User.email == email)))


def click_through(locator) -> None:
    """Click a link or button that loads a new page, and wait for that page to load.

    A bare click returns once the navigation has started; reading the page straight after it
    can race the old document (a flake seen under a loaded two-worker run).
    """
    with locator.page.expect_navigation():
        locator.click()
