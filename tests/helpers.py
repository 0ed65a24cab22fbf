"""Helpers that let tests read like the journey they check."""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp
from flask import g
from flask.testing import FlaskClient

from academy.auth.models import User
from academy.extensions import db
from tests.factories import DEFAULT_PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _fresh_g() -> None:
    """Requests made inside the test's own context share its `g`; empty it so each request
    starts as a real one would (no cached signed-in user, CSRF token or nonce)."""
    for name in list(vars(g)):
        delattr(g, name)


def fresh_code(user) -> str:
    """The code `user`'s authenticator app shows, and that the service has not yet accepted (it
    refuses a code used before). The current 30-second step, else the next (also accepted); a
    third sign-in of one user within 30 seconds (only tests do that) forgets the last code used."""
    current = db.session.get(User, user.id)
    db.session.refresh(current)
    totp = pyotp.TOTP(current.totp_secret)
    now = totp.timecode(time.time())
    for step in (now, now + 1):
        if current.totp_last_step is None or step > current.totp_last_step:
            return totp.generate_otp(step)
    current.totp_last_step = None
    db.session.commit()
    return totp.generate_otp(now)


class Client:
    """A test client with CSRF on: `submit` fetches the form first and posts with its token."""

    def __init__(self, app):
        self.app = app
        self.http: FlaskClient = app.test_client()

    def get(self, url, **kwargs):
        _fresh_g()
        return self.http.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        """A raw POST (no CSRF token unless given)."""
        _fresh_g()
        return self.http.post(url, data=data or {}, **kwargs)

    def csrf_token(self, page_url: str) -> str:
        page = self.get(page_url)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {page_url} (status {page.status_code})"
        return match.group(1)

    def submit(self, url, data=None, form_page=None, follow_redirects=False, **kwargs):
        """POST a form as a browser would: with the CSRF token from the page that shows it."""
        token = self.csrf_token(form_page or url)
        _fresh_g()
        return self.http.post(url, data={**(data or {}), "csrf_token": token},
                              follow_redirects=follow_redirects, **kwargs)

    def sign_in(self, user, password: str = DEFAULT_PASSWORD):
        """Sign in through the real pages: the password, then (if the user has it on) the
        two-step code, computed from their authenticator secret as their app would."""
        response = self.submit("/sign-in", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if location_path(response) == "/sign-in/two-step":
            response = self.submit("/sign-in/two-step", {"code": fresh_code(user)})
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def sign_out(self):
        return self.submit("/sign-out", form_page="/account")


def text(response) -> str:
    return response.get_data(as_text=True)


def location_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def links_in(mail) -> list[str]:
    return re.findall(r"https?://\S+", mail.get_content())


def path_of(url: str) -> str:
    return urlsplit(url).path


def has_error_summary(response) -> bool:
    body = text(response)
    return "govuk-error-summary" in body and "There is a problem" in body


def statements_for(client, url: str) -> int:
    """How many SQL statements a GET of `url` sends (for list pages' fixed query counts); it must be a 200."""
    return page_statements(client, url)[0]


def page_statements(client, url: str) -> tuple[int, str]:
    """(SQL statements sent, page text) for a GET of `url`, which must answer 200."""
    from sqlalchemy import event

    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, text(response)[:500]
    return len(seen), text(response)
