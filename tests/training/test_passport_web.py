"""Sharing the passport through the pages: link and code, what a stranger sees (and does not),
revoked, expired and tampered links, the PDF download and the verify page, all audit-logged."""
import re
from datetime import timedelta

from academy.auth.models import AuditEvent
from academy.extensions import db, utcnow
from tests import factories
from tests.helpers import location_path, text
from training.models import PassportShare


def _share(client, who="Gade House manager", days="7"):
    response = client.submit("/training/passport/share", {"shared_with": who, "days": days})
    assert response.status_code == 200, text(response)[:500]
    page = text(response)
    link = re.search(r'id="share-link">([^<]+)<', page).group(1)
    code = re.search(r'id="share-code">([^<]+)<', page).group(1)
    return link.replace("http://localhost", ""), code


def _actions():
    return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def test_stranger_with_the_link_sees_the_shared_passport_and_nothing_else(client, team, new_client):
    record = factories.training_record(team.worker.person, factories.course(name="Fire safety"),
                                       verified_by=team.manager)
    client.sign_in(team.worker)
    link, code = _share(client)
    stranger = new_client()
    page = stranger.get(link)
    body = text(page)
    assert page.status_code == 200
    assert "Casey Carer" in body and "Fire safety" in body and "Verified" in body and "Morgan Manager" in body
    assert "Fingerprint" in body and "/training/verify?code=" in body
    assert "/certificate" not in body and "Remove" not in body  # no actions on the shared view
    # ... and nothing else:
    assert location_path(stranger.get(f"/training/people/{team.worker.person.id}")) == "/sign-in"
    assert location_path(stranger.get(f"/training/records/{record.id}/certificate")) == "/sign-in"
    assert location_path(stranger.get("/training/passport.pdf")) == "/sign-in"
    share = db.session.query(PassportShare).one()
    assert share.open_count == 1 and share.first_opened_at is not None
    event = db.session.query(AuditEvent).filter_by(action="opened_passport_share").one()
    assert event.subject_user_id == team.worker.id and event.actor_id is None
    assert "shared_passport" in _actions()
    # The worker sees that it was opened.
    assert "1 time" in text(client.get("/training/passport/share"))


def test_a_manager_with_the_link_sees_it_too(client, team, new_client):
    client.sign_in(team.worker)
    link, _ = _share(client)
    other_manager = factories.manager([factories.workplace()])
    assert "Casey Carer" in text(new_client(other_manager).get(link))


def test_the_code_opens_the_passport(client, team, new_client):
    client.sign_in(team.worker)
    _, code = _share(client)
    stranger = new_client()
    response = stranger.submit("/training/shared", {"code": code.lower()})
    assert response.status_code == 200 and "Casey Carer" in text(response)
    wrong = stranger.submit("/training/shared", {"code": "AAAAA-BBBBB"})
    assert wrong.status_code == 422 and "There is no passport with that code" in text(wrong)


def test_revoked_link_shows_a_clear_page_and_no_record(client, team, new_client):
    client.sign_in(team.worker)
    link, code = _share(client)
    share = db.session.query(PassportShare).one()
    client.submit(f"/training/passport/shares/{share.id}/revoke", form_page="/training/passport/share")
    stranger = new_client()
    response = stranger.get(link)
    assert response.status_code == 410
    assert "withdrawn" in text(response) and "Casey Carer" not in text(response)
    by_code = stranger.submit("/training/shared", {"code": code})
    assert by_code.status_code == 410 and "Casey Carer" not in text(by_code)
    assert _actions().count("passport_share_revoked") == 2
    assert "Revoked" in text(client.get("/training/passport/share"))


def test_expired_link_shows_a_clear_page_and_no_record(client, team, new_client):
    client.sign_in(team.worker)
    link, _ = _share(client, days="1")
    share = db.session.query(PassportShare).one()
    share.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = new_client().get(link)
    # The signed expiry in the link no longer matches the record: refused either way, never shown.
    assert response.status_code in (404, 410) and "Casey Carer" not in text(response)


def test_link_expires_by_its_own_signed_time(client, team, new_client, monkeypatch):
    client.sign_in(team.worker)
    link, _ = _share(client, days="1")
    import training.passport as passport_module

    later = utcnow() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(passport_module, "utcnow", lambda: later)
    response = new_client().get(link)
    assert response.status_code == 410 and "expired" in text(response) and "Casey Carer" not in text(response)
    assert "passport_share_expired" in _actions()


def test_tampered_link_shows_a_clear_page_and_is_logged(client, team, new_client):
    client.sign_in(team.worker)
    link, _ = _share(client)
    response = new_client().get(link[:-3] + ("xyz" if not link.endswith("xyz") else "abc"))
    assert response.status_code == 404
    assert "This link does not work" in text(response) and "Casey Carer" not in text(response)
    assert "passport_share_invalid" in _actions()


def test_only_the_owner_revokes(client, team, new_client):
    client.sign_in(team.worker)
    _share(client)
    share = db.session.query(PassportShare).one()
    other = factories.care_worker(factories.workplace())
    intruder = new_client(other)
    response = intruder.submit(f"/training/passport/shares/{share.id}/revoke", form_page="/training/passport/share")
    assert response.status_code == 404
    db.session.refresh(share)
    assert share.revoked_at is None


def test_bad_share_input(client, team):
    client.sign_in(team.worker)
    response = client.submit("/training/passport/share", {"shared_with": "", "days": "3"})
    assert response.status_code == 422 and "Enter who" in text(response)
    assert db.session.query(PassportShare).count() == 0


def test_pdf_download_is_audited(client, team):
    factories.training_record(team.worker.person, factories.course(name="Fire safety"), verified_by=team.manager)
    client.sign_in(team.worker)
    response = client.get("/training/passport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    event = db.session.query(AuditEvent).filter_by(action="downloaded_passport_pdf").one()
    assert event.subject_user_id == team.worker.id


def test_verify_page_confirms_genuine_and_flags_changes_and_forgeries(client, team, new_client):
    client.sign_in(team.worker)
    link, _ = _share(client)
    stranger = new_client()
    shared_page = text(stranger.get(link))
    verify_url = re.search(r'href="(/training/verify\?code=[^"]+)"', shared_page).group(1).replace("&amp;", "&")
    assert "genuine passport for Casey Carer" in text(stranger.get(verify_url))
    factories.training_record(team.worker.person)
    assert "changed since" in text(stranger.get(verify_url))
    forged = stranger.submit("/training/verify", {"code": "eyJwIjoxfQ.forged"})
    assert "was not issued by" in text(forged)
    assert "passport_verify_failed" in _actions()


def test_the_check_page_shows_its_result_as_markup_not_as_text(client, team, new_client):
    from training import passport

    code = passport.build_view(db.session, team.worker.person).check_code
    db.session.commit()
    stranger = new_client()
    for typed in (code, code.replace("-", "").lower()):
        html = stranger.submit("/training/verify", {"code": typed}).get_data(as_text=True)
        assert '<h3 class="govuk-notification-banner__heading">This is a genuine passport for Casey Carer</h3>' in html
        assert "&lt;h3" not in html and "&lt;p" not in html  # was escaped: the page showed "<h3 class=..."
    factories.training_record(team.worker.person)
    html = stranger.get(f"/training/verify?code={code}").get_data(as_text=True)  # the PDF's address
    assert "Genuine, but changed since" in html and "&lt;h3" not in html
    assert re.search(r"<h3 class=\"govuk-notification-banner__heading\">This passport for Casey Carer was issued", html)


def test_passport_page_queries_do_not_grow_with_the_record(client, team):
    from sqlalchemy import event

    client.sign_in(team.worker)

    def queries(url):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for _ in range(2):
        factories.training_record(team.worker.person, factories.course(), verified_by=team.manager)
    few = queries("/training/")
    others = [factories.manager([team.workplace]) for _ in range(3)]
    for n in range(25):
        factories.training_record(team.worker.person, factories.course(), verified_by=others[n % 3])
        factories.qualification(team.worker.person, "other_social_care", status="in_progress", level=3,
                                title=f"Award {n}")
    many = queries("/training/")
    assert many <= few, (few, many)


def test_an_expired_share_opened_by_its_code_shows_a_clear_page_and_is_logged(client, team, new_client):
    client.sign_in(team.worker)
    _, code = _share(client, days="1")
    share = db.session.query(PassportShare).one()
    share.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = new_client().submit("/training/shared", {"code": code})
    assert response.status_code == 410 and "expired" in text(response) and "Casey Carer" not in text(response)
    assert "passport_share_expired" in _actions()
    assert "Expired" in text(client.get("/training/passport/share"))


def test_the_worker_the_manager_and_a_shared_link_see_the_career_tier(client, team, new_client):
    tiers = factories.tiers()
    factories.tier_award(team.worker.person, 2, by=team.manager)
    expected = f"Tier 2: {tiers[2].name}"
    client.sign_in(team.worker)
    assert expected in text(client.get("/training/"))
    link, _ = _share(client)
    assert expected in text(new_client().get(link))
    manager = new_client()
    manager.sign_in(team.manager)
    assert expected in text(manager.get(f"/training/people/{team.worker.person.id}"))


def test_share_times_are_shown_in_uk_time(client, team, new_client):
    """A link that ends at 23:30 UTC on 30 June ends at 12:30am on 1 July in the UK (BST): the pages say so."""
    from datetime import datetime, timezone

    from recruitment.dates import date_and_time

    client.sign_in(team.worker)
    link, _ = _share(client)
    share = db.session.query(PassportShare).one()
    shared = text(new_client().get(link))  # the link is signed with its end: opened before changing it
    assert f"works until {date_and_time(share.expires_at)} (UK time)" in shared
    share.expires_at = datetime(2030, 6, 30, 23, 30, tzinfo=timezone.utc)
    share.last_opened_at = share.first_opened_at = datetime(2030, 1, 15, 9, 5, tzinfo=timezone.utc)  # GMT
    share.open_count = 1
    db.session.commit()
    page = text(client.get("/training/passport/share"))
    assert "1 July 2030 at 12:30am" in page and "15 January 2030 at 9:05am" in page and "UTC" not in page


def test_checking_codes_by_their_address_is_rate_limited(ctx, new_client):
    """The check code is short (its seal 36 bits), so guessing by GET is throttled like the form's POST."""
    stranger = new_client()
    statuses = [stranger.get("/training/verify?code=ABCD-EFGH-JKLM-NPQR-STUV-WXYZ").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
