"""Recognition's domain rules: rounds close, only HCPA shortlists and records winners, a manager
thanks only their own staff, and what shows on the passport is the worker's choice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.auth.access import DomainError, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.recognition import awards, display, thanks
from academy.recognition.models import Nomination, NominationStatus, Thanks
from tests import factories

TODAY = date.today()


@pytest.fixture
def scene(ctx):
    class Scene:
        workplace = factories.workplace()
        worker = factories.care_worker(workplace, full_name="Wren Worker")
        manager = factories.manager([workplace], full_name="Mo Manager")
        other_manager = factories.manager([factories.workplace()], full_name="Oz Other")
        hcpa = factories.user(Role.hcpa_staff)
        colleague = factories.user(Role.care_worker)
        category = factories.award_category("Care worker of the year")
        open_round = factories.award_round("Awards 2027", closes=TODAY)
        closed_round = factories.award_round("Awards 2025", closes=TODAY - timedelta(days=1))
    Scene.member = factories.cpa_membership(Scene.worker.person, visible=True)
    return Scene


REASON = "Stayed late through the storm so that nobody was left alone."


def test_a_nomination_in_an_open_round_is_saved(scene):
    nomination = awards.nominate(db.session, scene.open_round, scene.category, scene.member.member_number.lower(),
                                 REASON, scene.colleague, TODAY)
    db.session.commit()
    assert (nomination.person_id, nomination.status, nomination.nominated_by_id) == (
        scene.worker.person.id, NominationStatus.nominated, scene.colleague.id)


def test_a_closed_round_refuses_nominations(scene):
    with pytest.raises(awards.NominationProblem, match="closed on") as refused:
        awards.nominate(db.session, scene.closed_round, scene.category, scene.member.member_number, REASON,
                        scene.colleague, TODAY)
    assert refused.value.field == "round_id"
    assert db.session.query(Nomination).count() == 0


@pytest.mark.parametrize("number, field", [("CPA-999999", "member_number"), ("", "member_number")])
def test_only_a_visible_member_can_be_nominated(scene, number, field):
    with pytest.raises(awards.NominationProblem) as refused:
        awards.nominate(db.session, scene.open_round, scene.category, number, REASON, scene.colleague, TODAY)
    assert refused.value.field == field


def test_a_hidden_profile_cannot_be_nominated_nor_found_by_name(scene):
    scene.member.profile_visible = False
    db.session.commit()
    assert awards.find_nominees(db.session, "Wren") == []
    with pytest.raises(awards.NominationProblem, match="visible"):
        awards.nominate(db.session, scene.open_round, scene.category, scene.member.member_number, REASON,
                        scene.colleague, TODAY)


def test_name_search_finds_visible_members(scene):
    assert [m.member_number for m in awards.find_nominees(db.session, "wren")] == [scene.member.member_number]
    assert awards.find_nominees(db.session, "%%") == []  # typed wildcards are plain characters


def test_no_self_nomination_and_no_repeat(scene):
    with pytest.raises(awards.NominationProblem, match="yourself"):
        awards.nominate(db.session, scene.open_round, scene.category, scene.member.member_number, REASON,
                        scene.worker, TODAY)
    awards.nominate(db.session, scene.open_round, scene.category, scene.member.member_number, REASON,
                    scene.colleague, TODAY)
    with pytest.raises(awards.NominationProblem, match="already nominated"):
        awards.nominate(db.session, scene.open_round, scene.category, scene.member.member_number, REASON,
                        scene.colleague, TODAY)


@pytest.mark.parametrize("role", [Role.manager, Role.admin, Role.care_worker])
def test_only_hcpa_shortlists_and_records_winners(scene, outbox, role):
    nomination = factories.nomination(scene.worker.person, scene.open_round, scene.category)
    someone = factories.user(role)
    with pytest.raises(NotAllowed):
        awards.shortlist(db.session, nomination, someone)
    nomination.status = NominationStatus.shortlisted
    with pytest.raises(NotAllowed):
        awards.record_winner(db.session, nomination, someone)
    db.session.rollback()
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.nominated
    assert outbox == []


def test_hcpa_shortlists_then_records_the_winner_and_the_worker_is_emailed(scene, outbox):
    nomination = factories.nomination(scene.worker.person, scene.open_round, scene.category)
    with pytest.raises(DomainError, match="shortlist it first"):
        awards.record_winner(db.session, nomination, scene.hcpa)
    awards.shortlist(db.session, nomination, scene.hcpa)
    db.session.commit()
    assert outbox[-1]["To"] == scene.worker.email and "shortlisted" in outbox[-1]["Subject"]
    awards.record_winner(db.session, nomination, scene.hcpa)
    db.session.commit()
    assert nomination.status == NominationStatus.winner
    assert "You have won: Care worker of the year" == outbox[-1]["Subject"]
    assert [n.id for n in awards.awards_of(db.session, scene.worker.person)] == [nomination.id]


def test_a_manager_thanks_only_their_own_staff(scene, outbox):
    with pytest.raises(NotAllowed):
        thanks.thank(db.session, scene.worker.person, "Thank you!", scene.other_manager)
    with pytest.raises(NotAllowed):
        thanks.thank(db.session, scene.worker.person, "Thank you!", scene.hcpa)
    db.session.rollback()
    assert db.session.query(Thanks).count() == 0 and outbox == []
    sent = thanks.thank(db.session, scene.worker.person, "Thank you for Saturday.", scene.manager)
    db.session.commit()
    assert sent.workplace_id == scene.workplace.id and sent.from_name == "Mo Manager"
    assert outbox[-1]["To"] == scene.worker.email and "Thank you for Saturday." in outbox[-1].get_content()


def test_recognition_shows_on_the_passport_only_when_the_worker_chooses(scene):
    factories.nomination(scene.worker.person, scene.open_round, scene.category, status="winner")
    factories.nomination(scene.worker.person, scene.open_round, factories.award_category())  # only nominated
    factories.thanks(scene.worker.person, by=scene.manager)
    assert not display.shown_recognition(db.session, scene.worker.person)
    own = display.recognition_of(db.session, scene.worker.person)
    assert (len(own.awards), len(own.thanks)) == (1, 1)
    with pytest.raises(NotAllowed):
        display.set_choice(db.session, scene.worker.person, True, scene.manager)
    display.set_choice(db.session, scene.worker.person, True, scene.worker)
    db.session.commit()
    shown = display.shown_recognition(db.session, scene.worker.person)
    assert [n.status for n in shown.awards] == [NominationStatus.winner] and len(shown.thanks) == 1


def test_the_subject_access_export_has_recognition_and_erasure_removes_it(scene):
    from academy.privacy import erasure, subject_access

    factories.nomination(scene.worker.person, scene.open_round, scene.category, status="winner")
    factories.thanks(scene.worker.person, by=scene.manager)
    factories.recognition_choice(scene.worker.person, show=True)
    factories.thanks(factories.care_worker(scene.workplace).person, by=scene.manager, message="From Mo")
    export = str(subject_access.build_export(db.session, subject_access.subject_for_user(db.session, scene.worker)))
    assert "award nominations" in export and "staff thanks" in export and "recognition choices" in export
    assert "Thank you for covering the late shift." in export
    person = scene.worker.person
    request = factories.erasure_request(scene.worker)
    erasure.confirm_erasure(db.session, request, scene.hcpa)
    manager_request = factories.erasure_request(scene.manager)
    erasure.confirm_erasure(db.session, manager_request, scene.hcpa)
    db.session.commit()
    assert db.session.query(Nomination).filter_by(person_id=person.id).count() == 0
    assert db.session.query(Thanks).filter_by(person_id=person.id).count() == 0
    assert not display.shows_on_passport(db.session, person)
    assert [(t.from_name, t.from_user_id) for t in db.session.query(Thanks)] == [("Erased account", None)]
