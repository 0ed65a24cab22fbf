"""Recognition pages through the test client: who may open what, bad input as 422, and the flow
from a nomination to a winner shown (or not) on the worker's passport and profile."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.auth.models import Role
from academy.extensions import db
from academy.recognition.models import AwardRound, Nomination, NominationStatus, Thanks
from tests import factories
from tests.helpers import Client, has_error_summary, location_path, text

TODAY = date.today()
REASON = "Organised the garden party that residents still talk about."


@pytest.fixture
def scene(ctx):
    class Scene:
        workplace = factories.workplace()
        worker = factories.care_worker(workplace, full_name="Wren Worker")
        manager = factories.manager([workplace], full_name="Mo Manager")
        other_manager = factories.manager([factories.workplace()])
        hcpa = factories.user(Role.hcpa_staff)
        colleague = factories.user(Role.applicant)
        category = factories.award_category("Rising star")
        open_round = factories.award_round("Awards 2027")
    Scene.member = factories.cpa_membership(Scene.worker.person, visible=True)
    return Scene


def as_user(app, user):
    other = Client(app)
    other.sign_in(user)
    return other


def test_hcpa_adds_a_category_and_a_round_and_bad_input_is_422(app, scene):
    hcpa = as_user(app, scene.hcpa)
    assert hcpa.submit("/recognition/awards/categories", {"category-name": "Team of the year"},
                       form_page="/recognition/awards").status_code == 302
    closes = TODAY + timedelta(days=10)
    done = hcpa.submit("/recognition/awards/rounds", {"round-name": "Awards 2028",
                                                      "round-closes_on": [closes.day, closes.month, closes.year]},
                       form_page="/recognition/awards")
    assert done.status_code == 302
    assert db.session.query(AwardRound).filter_by(name="Awards 2028").one().closes_on == closes
    past = TODAY - timedelta(days=1)
    bad = hcpa.submit("/recognition/awards/rounds", {"round-name": "Old",
                                                     "round-closes_on": [past.day, past.month, past.year]},
                      form_page="/recognition/awards")
    assert bad.status_code == 422 and has_error_summary(bad) and "today or in the future" in text(bad)
    duplicate = hcpa.submit("/recognition/awards/categories", {"category-name": "Rising star"},
                            form_page="/recognition/awards")
    assert duplicate.status_code == 422 and "already a category" in text(duplicate)


def test_anyone_signed_in_nominates_and_hcpa_shortlists_and_records_the_winner(app, scene, outbox):
    nominator = as_user(app, scene.colleague)
    found = nominator.get("/recognition/nominate?name=wren")
    assert scene.member.member_number in text(found)
    sent = nominator.submit("/recognition/nominate", {"round_id": scene.open_round.id, "category_id": scene.category.id,
                                                      "member_number": scene.member.member_number, "reason": REASON})
    assert sent.status_code == 302
    nomination = db.session.query(Nomination).one()
    hcpa = as_user(app, scene.hcpa)
    page = hcpa.get(f"/recognition/awards/rounds/{scene.open_round.id}")
    assert "Wren Worker" in text(page) and REASON in text(page)
    form_page = f"/recognition/awards/rounds/{scene.open_round.id}"
    assert hcpa.submit(f"/recognition/awards/nominations/{nomination.id}/shortlist",
                       form_page=form_page).status_code == 302
    assert hcpa.submit(f"/recognition/awards/nominations/{nomination.id}/winner",
                       form_page=form_page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.winner
    assert [m["Subject"] for m in outbox[-2:]] == ["You have been shortlisted: Rising star", "You have won: Rising star"]


def test_a_nomination_for_a_closed_round_or_hidden_member_is_422(app, scene):
    nominator = as_user(app, scene.colleague)
    bad = nominator.submit("/recognition/nominate", {"round_id": scene.open_round.id, "category_id": scene.category.id,
                                                     "member_number": "CPA-999999", "reason": REASON})
    assert bad.status_code == 422 and "whose profile is visible" in text(bad)
    scene.open_round.closes_on = TODAY - timedelta(days=1)
    db.session.commit()
    closed = nominator.get("/recognition/nominate")
    assert "No awards round is open" in text(closed)
    assert db.session.query(Nomination).count() == 0


@pytest.mark.parametrize("role", [Role.manager, Role.admin, Role.care_worker, Role.applicant])
def test_only_hcpa_runs_the_awards(app, scene, role):
    nomination = factories.nomination(scene.worker.person, scene.open_round, scene.category)
    someone = as_user(app, factories.user(role) if role != Role.manager else scene.manager)
    assert someone.get("/recognition/awards").status_code == 403
    assert someone.get(f"/recognition/awards/rounds/{scene.open_round.id}").status_code == 403
    token_page = "/account"
    refused = someone.submit(f"/recognition/awards/nominations/{nomination.id}/shortlist", form_page=token_page)
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.nominated


def test_a_manager_thanks_own_staff_and_another_managers_staff_is_404(app, scene, outbox):
    other = as_user(app, scene.other_manager)
    assert other.get(f"/recognition/thanks/{scene.worker.person.id}").status_code == 404
    assert other.submit(f"/recognition/thanks/{scene.worker.person.id}", {"message": "Hi"},
                        form_page="/recognition/thanks").status_code == 404
    boss = as_user(app, scene.manager)
    assert "Thank Wren Worker" in text(boss.get("/recognition/thanks"))
    empty = boss.submit(f"/recognition/thanks/{scene.worker.person.id}", {"message": " "})
    assert empty.status_code == 422 and has_error_summary(empty)
    sent = boss.submit(f"/recognition/thanks/{scene.worker.person.id}", {"message": "You made Mrs B's birthday."})
    assert sent.status_code == 302 and db.session.query(Thanks).count() == 1
    assert outbox[-1]["To"] == scene.worker.email
    worker = as_user(app, scene.worker)
    assert "You made Mrs B&#39;s birthday." in text(worker.get("/account"))
    assert "You made Mrs B" not in text(worker.get("/training/"))  # hidden from the passport by default


def test_the_worker_chooses_whether_the_passport_and_profile_show_recognition(app, scene):
    factories.nomination(scene.worker.person, scene.open_round, scene.category, status="winner")
    worker = as_user(app, scene.worker)
    assert "Rising star" in text(worker.get("/recognition/mine"))
    assert "Rising star" not in text(worker.get("/training/"))
    boss = as_user(app, scene.manager)
    profile = f"/tiers/members/{scene.member.member_number}"
    assert "Rising star" not in text(boss.get(profile))
    assert worker.submit("/recognition/mine", {"show": "yes"}).status_code == 302
    assert "Rising star" in text(worker.get("/training/"))
    assert "Rising star" in text(boss.get(profile))
    assert "Rising star" in text(boss.get(f"/training/people/{scene.worker.person.id}"))
    assert worker.submit("/recognition/mine", {"show": "no"}).status_code == 302
    assert "Rising star" not in text(boss.get(profile))


def test_a_shared_passport_shows_recognition_only_when_the_worker_chose_to(app, scene):
    from training import passport

    factories.thanks(scene.worker.person, by=scene.manager, message="Brilliant with the new starters.")
    share, _code = passport.create_share(db.session, scene.worker.person, "A new employer", 7, scene.worker)
    db.session.commit()
    url = f"/training/shared/{passport.share_token(share)}"
    employer = Client(app)
    assert "Brilliant with the new starters." not in text(employer.get(url))
    factories.recognition_choice(scene.worker.person, show=True)
    assert "Brilliant with the new starters." in text(employer.get(url))
