"""The referrals inbox in the portal: this workplace's referrals, each step, the shared passport link."""
from datetime import timedelta

import sqlalchemy as sa

from academy.auth.models import AuditEvent
from academy.extensions import db, utcnow
from recruitment.models import ReferralStatus, State
from tests import factories
from tests.helpers import location_path, text


def test_the_inbox_lists_only_this_workplaces_referrals_and_runs_each_step(client, two):
    a, b = two["a"], two["b"]
    client.sign_in(a["manager"])
    inbox = text(client.get(f"/portal/{a['home'].id}/referrals"))
    assert "Candidate for Verulam House" in inbox and "Candidate for Gade House" not in inbox
    url = f"/portal/{a['home'].id}/referrals/{a['referral'].id}"
    assert location_path(client.submit(url, {"step": "decision", "decision": "accept", "version": "1"})) == url
    client.submit(url, {"step": "interview", "version": "2", "interview_date": ["2", "3", "2027"],
                        "interview_time": "10:15", "interview_format": "in_person",
                        "interview_place": "Verulam House, AL1 3JE"})
    response = client.submit(url, {"step": "outcome", "version": "3", "outcome": "offer",
                                   "offer_details": "Days, £13 an hour"})
    assert location_path(response) == url
    db.session.refresh(a["referral"])
    assert a["referral"].status == ReferralStatus.offered and a["application"].state == State.offered
    assert b["referral"].status == ReferralStatus.sent
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "viewed_portal_referral", AuditEvent.actor_id == a["manager"].id)) >= 1


def test_declining_needs_a_reason_and_saves_nothing_without_one(client, two):
    a = two["a"]
    client.sign_in(a["manager"])
    url = f"/portal/{a['home'].id}/referrals/{a['referral'].id}"
    response = client.submit(url, {"step": "decision", "decision": "decline", "reason": "", "version": "1"})
    assert response.status_code == 422 and "Tell us why you are declining" in text(response)
    db.session.refresh(a["referral"])
    assert a["referral"].status == ReferralStatus.sent


def test_the_old_address_moves_the_manager_to_the_portal_keeping_a_post(client, two):
    a = two["a"]
    client.sign_in(a["manager"])
    old = f"/recruitment/referrals/{a['referral'].id}"
    token = client.csrf_token(f"/portal/{a['home'].id}/referrals")
    response = client.post(old, {"step": "decision", "decision": "accept", "version": "1", "csrf_token": token})
    assert response.status_code == 307
    assert location_path(response) == f"/portal/{a['home'].id}/referrals/{a['referral'].id}"


def test_a_passport_shared_with_the_workplace_is_linked(client, two):
    from training import passport

    a = two["a"]
    candidate = a["application"].user
    person = factories.person(candidate.full_name, user_account=candidate)
    url = f"/portal/{a['home'].id}/referrals/{a['referral'].id}"
    client.sign_in(a["manager"])
    assert "has not shared a training passport" in text(client.get(url))
    passport.create_share(db.session, person, "Gade House", 7, candidate)  # shared with someone else
    db.session.commit()
    assert "/training/shared/" not in text(client.get(url))
    passport.create_share(db.session, person, "Verulam House manager", 7, candidate, now=utcnow() - timedelta(days=1))
    db.session.commit()
    page = text(client.get(url))
    assert "/training/shared/" in page and "shared training passport" in page


def test_the_cv_link_escapes_what_the_applicant_typed_as_their_name(client, two):
    a = two["a"]
    a["application"].full_name = 'Sam <img src=x onerror="alert(1)">'
    a["application"].cv_stored_name, a["application"].cv_original_name = "c" * 32 + ".pdf", "sam.pdf"
    a["application"].cv_kind = "pdf"
    db.session.commit()
    client.sign_in(a["manager"])
    page = text(client.get(f"/portal/{a['home'].id}/referrals/{a['referral'].id}"))
    assert "Download Sam &lt;img src=x onerror=&#34;alert(1)&#34;&gt;'s CV (PDF)</a>" in page
    assert "<img src=x" not in page
