"""The passport: share links signed, time-limited, revocable and tamper-proof; short codes;
the fingerprint and its signed verify code; the PDF holds the name and every verified line."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.access import Invalid, NotAllowed
from academy.extensions import db, utcnow
from tests import factories
from training import passport
from training.models import Passport
from training.pdf import render_passport_pdf


@pytest.fixture
def worker(ctx):
    return factories.care_worker(factories.workplace(), full_name="Zofia Kowalska-Brown")


def test_share_link_opens_until_it_expires(worker):
    now = utcnow()
    share, code = passport.create_share(db.session, worker.person, "Verulam House", 7, worker, now=now)
    token = passport.share_token(share)
    assert passport.open_share_token(db.session, token, now + timedelta(days=6, hours=23)).ok
    late = passport.open_share_token(db.session, token, now + timedelta(days=7))
    assert late.problem == "expired" and late.share is share


def test_revoked_link_and_code_stop_working(worker):
    share, code = passport.create_share(db.session, worker.person, "Verulam House", 30, worker)
    token = passport.share_token(share)
    assert passport.open_share_code(db.session, code).ok
    assert passport.open_share_code(db.session, passport.format_code(code).lower()).ok  # forgiving typing
    passport.revoke_share(db.session, share, worker)
    assert passport.open_share_token(db.session, token).problem == "revoked"
    assert passport.open_share_code(db.session, code).problem == "revoked"


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),   # signature changed
    lambda t: "x" + t,                                              # payload changed
    lambda t: "",
    lambda t: "not-a-token",
])
def test_tampered_links_are_refused(worker, tamper):
    share, _ = passport.create_share(db.session, worker.person, "Verulam House", 7, worker)
    assert passport.open_share_token(db.session, tamper(passport.share_token(share))).problem == "invalid"


def test_forged_expiry_in_a_link_is_refused(worker, app):
    from itsdangerous import URLSafeSerializer

    share, _ = passport.create_share(db.session, worker.person, "Verulam House", 1, worker)
    forged = URLSafeSerializer("someone-else's-key", salt="goodcare-passport-share").dumps(
        {"s": share.id, "e": int((utcnow() + timedelta(days=999)).timestamp())})
    assert passport.open_share_token(db.session, forged).problem == "invalid"


def test_wrong_code_is_invalid(worker):
    passport.create_share(db.session, worker.person, "Verulam House", 7, worker)
    assert passport.open_share_code(db.session, "ABCDE-23456").problem == "invalid"
    assert passport.open_share_code(db.session, "short").problem == "invalid"


def test_only_the_worker_shares_and_revokes(worker):
    manager = factories.manager([worker.person.employments[0].workplace])
    with pytest.raises(NotAllowed):
        passport.create_share(db.session, worker.person, "Someone", 7, manager)
    share, _ = passport.create_share(db.session, worker.person, "Someone", 7, worker)
    with pytest.raises(NotAllowed):
        passport.revoke_share(db.session, share, manager)


@pytest.mark.parametrize("who, days, message", [("", 7, "Enter who"), ("Verulam", 5, "how long"),
                                                 ("x" * 201, 7, "200 characters")])
def test_share_bad_input(worker, who, days, message):
    with pytest.raises(Invalid, match=message):
        passport.create_share(db.session, worker.person, who, days, worker)


def test_openings_are_counted(worker):
    share, _ = passport.create_share(db.session, worker.person, "Verulam House", 7, worker)
    passport.record_opening(db.session, share)
    passport.record_opening(db.session, share)
    assert share.open_count == 2 and share.first_opened_at <= share.last_opened_at


def test_fingerprint_is_stable_and_changes_with_the_record(worker):
    first = passport.build_view(db.session, worker.person, date(2026, 6, 1))
    again = passport.build_view(db.session, worker.person, date(2026, 7, 1))
    assert first.fingerprint == again.fingerprint and len(first.fingerprint) == 64
    check = passport.check_fingerprint(db.session, first.verify_code)
    assert check.genuine and check.unchanged and check.person_name == "Zofia Kowalska-Brown"
    factories.training_record(worker.person)
    check = passport.check_fingerprint(db.session, first.verify_code)
    assert check.genuine and not check.unchanged


def test_the_short_check_code_is_typable_and_says_genuine_then_changed(worker):
    first = passport.build_view(db.session, worker.person, date(2026, 6, 1))
    code = first.check_code
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){5}[A-HJ-NP-Z2-9]{4}", code), code  # 6 groups of 4, no 0/O/1/I
    typed = code.replace("-", " ").lower()  # as a person types it from paper
    check = passport.check_fingerprint(db.session, typed)
    assert check.genuine and check.unchanged and check.issued_on == date(2026, 6, 1)
    assert check.person_name == "Zofia Kowalska-Brown"
    factories.training_record(worker.person)
    check = passport.check_fingerprint(db.session, code)
    assert check.genuine and not check.unchanged and check.issued_on == date(2026, 6, 1)


@pytest.mark.parametrize("change", [0, 5, 12, 23])
def test_a_check_code_with_one_character_changed_is_not_genuine(worker, change):
    letters = passport.build_view(db.session, worker.person).check_code.replace("-", "")
    wrong = passport.CODE_ALPHABET[(passport.CODE_ALPHABET.index(letters[change]) + 1) % 32]
    assert not passport.check_fingerprint(db.session, letters[:change] + wrong + letters[change + 1:]).genuine


def test_a_check_code_made_with_another_secret_is_not_genuine(app, worker):
    code = passport.build_view(db.session, worker.person).check_code
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "someone-else's-secret"
    try:
        assert not passport.check_fingerprint(db.session, code).genuine
    finally:
        app.config["SECRET_KEY"] = secret


def test_forged_verify_code_is_not_genuine(worker):
    view = passport.build_view(db.session, worker.person)
    assert not passport.check_fingerprint(db.session, view.verify_code[:-3] + "abc").genuine
    assert not passport.check_fingerprint(db.session, "").genuine


def _check_url(view) -> str:
    from academy.mail import public_url

    return public_url("training.verify", code=view.check_code)


def test_pdf_contains_the_name_and_every_verified_line(worker):
    from io import BytesIO

    from pypdf import PdfReader

    manager = factories.manager([worker.person.employments[0].workplace], full_name="Morgan Manager")
    catalogue = factories.catalogue()
    verified = ["moving_handling", "fire_safety", "safeguarding_adults", "end_of_life", "cc2025_16"]
    for code in verified:
        factories.training_record(worker.person, catalogue[code], verified_by=manager)
    factories.training_record(worker.person, catalogue["dementia"])  # self-declared
    factories.qualification(worker.person, "diploma_l2_adult_care", status="in_progress")
    view = passport.build_view(db.session, worker.person)
    reader = PdfReader(BytesIO(render_passport_pdf(view, "Good Care", _check_url(view))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Zofia Kowalska-Brown" in text
    for code in verified:
        assert catalogue[code].name in text
    assert text.count("Verified by Morgan Manager") == len(verified)
    assert "Self-declared" in text
    assert "Level 2 Diploma in Care (Adult Care)" in text
    assert f"Check code: {view.check_code}" in text  # typable: 24 letters and numbers in groups of 4
    assert f"http://localhost/training/verify?code={view.check_code}" in text.replace(" ", "")
    assert view.verify_code not in text.replace(" ", "")  # no longer the 141-character code
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1  # the QR code of that address


def test_the_passport_carries_the_current_career_tier_into_the_page_pdf_and_fingerprint(worker):
    from io import BytesIO

    from pypdf import PdfReader

    factories.tiers()
    manager = factories.manager([worker.person.employments[0].workplace], full_name="Morgan Manager")
    before = passport.build_view(db.session, worker.person)
    assert before.tier is None
    factories.tier_award(worker.person, 1, awarded=date(2026, 1, 5), by=manager, lapsed_on=date(2026, 3, 1))
    factories.tier_award(worker.person, 2, awarded=date(2026, 4, 1), by=manager)
    view = passport.build_view(db.session, worker.person, date(2026, 6, 1))
    assert (view.tier.number, view.tier.awarded_on, view.tier.endorsed_by) == (2, date(2026, 4, 1), "Morgan Manager")
    assert view.fingerprint != before.fingerprint  # the tier is part of the record it signs
    earlier = passport.build_view(db.session, worker.person, date(2026, 2, 1))
    assert earlier.tier.number == 1
    assert passport.build_view(db.session, worker.person, date(2026, 3, 15)).tier is None  # lapsed, not yet tier 2
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(render_passport_pdf(view, "Good Care", _check_url(view)))).pages)
    assert f"Tier 2: {view.tier.name}. Awarded on 1 Apr 2026, endorsed by Morgan Manager" in text.replace("April", "Apr")


def test_the_pdf_reads_signed_off_by_and_gives_dates_in_uk_time(worker):
    """'3. Duty of care: Signed off by Morgan Manager on 1 Jul 2026', never 'Signed off - signed off by';
    a moment late on 30 June UTC is 1 July in the UK (BST), and the PDF says the UK date."""
    from datetime import datetime, timezone
    from io import BytesIO

    from pypdf import PdfReader

    from training.models import StandardState

    manager = factories.manager([worker.person.employments[0].workplace], full_name="Morgan Manager")
    late_june = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 July in London
    record = factories.training_record(worker.person, verified_by=manager)
    record.verified_at = late_june
    induction = factories.induction(worker.person)
    signed = induction.standards[2]
    signed.state, signed.signed_off_by_id, signed.signed_off_at = StandardState.signed_off, manager.id, late_june
    db.session.commit()
    view = passport.build_view(db.session, worker.person)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(render_passport_pdf(view, "Good Care", _check_url(view)))).pages)
    assert f"{signed.standard_number}. " in text and "Signed off by Morgan Manager on 1 Jul 2026" in text
    assert "signed off by" not in text.replace("Signed off by", "")
    assert "Verified by Morgan Manager, 1 Jul 2026" in text and "30 Jun 2026" not in text


@pytest.mark.postgres_too
def test_a_second_first_request_takes_the_passport_the_first_made(ctx, monkeypatch):
    """Two first requests at once (two tabs): both find no passport; the second's insert meets the
    unique person and it takes the first's passport instead of failing (a 500 in the step load)."""
    passports = passport
    person = factories.person()
    made = passports.get_or_create_passport(db.session, person)
    db.session.commit()
    real_scalar = db.session.scalar
    calls = []

    def none_the_first_time(statement, *args, **kwargs):  # as if read just before the other request's insert
        calls.append(statement)
        return None if len(calls) == 1 else real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", none_the_first_time)
    again = passports.get_or_create_passport(db.session, person)
    monkeypatch.undo()
    assert again.id == made.id and len(calls) == 2
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Passport).where(
        Passport.person_id == person.id)) == 1



@pytest.mark.postgres_too
def test_a_second_first_visit_takes_the_person_record_another_request_made(ctx):
    """The same race for a care worker's own Person (people.user_id is unique): this request read
    "no person" just before another request made one; its insert meets the unique key and it takes
    that Person instead of failing."""
    from academy.auth.models import Role
    from academy.workplaces.models import Person
    from training.people import ensure_own_person

    user = factories.user(Role.care_worker, full_name="Ama Mensah")
    assert user.person is None  # read by this request
    with db.engine.begin() as other:  # the other request, on its own connection, commits first
        other.execute(sa.insert(Person.__table__).values(full_name="Ama Mensah", email=user.email, user_id=user.id,
                                                         created_at=utcnow(), updated_at=utcnow()))
    person = ensure_own_person(db.session, user)
    db.session.commit()
    assert person.user_id == user.id and user.person.id == person.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.user_id == user.id)) == 1
