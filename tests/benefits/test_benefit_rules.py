"""The benefit rules without a request: who is eligible (tier, job roles, member provider, dates),
declared use, the managers' counts ("fewer than 5" below 5; people who used it while working there, to
the end of last month, so nobody's use shows by a count changing) and HCPA's checks on a benefit."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.benefits import catalogue, members, workplace_use
from academy.benefits.catalogue import BenefitProblem, BenefitValues
from academy.benefits.eligibility import Job, MemberFacts, facts_for, is_eligible
from academy.benefits.models import BenefitUse
from academy.extensions import db, utcnow
from tests import factories

TODAY = date.today()


def facts(tier=None, *jobs):
    return MemberFacts(tier, list(jobs))


def role_id(code: str) -> int:
    return factories.job_role(code).id


def test_a_benefit_for_every_member_holds_with_no_tier_and_no_job(ctx):
    benefit = factories.benefit()
    assert is_eligible(benefit, facts(), TODAY)


def test_the_minimum_tier_needs_that_tier_or_higher(ctx):
    benefit = factories.benefit(min_tier=3)
    assert not is_eligible(benefit, facts(None), TODAY)
    assert not is_eligible(benefit, facts(2), TODAY)
    assert is_eligible(benefit, facts(3), TODAY)
    assert is_eligible(benefit, facts(5), TODAY)


def test_job_roles_need_a_current_job_in_one_of_them(ctx):
    benefit = factories.benefit(roles=["senior_care_worker", "team_leader"])
    assert not is_eligible(benefit, facts(2), TODAY)  # between jobs
    assert not is_eligible(benefit, facts(2, Job(role_id("care_worker"), True)), TODAY)
    assert is_eligible(benefit, facts(2, Job(role_id("care_worker"), False), Job(role_id("team_leader"), False)), TODAY)


def test_member_provider_only_needs_a_job_at_a_member_provider_and_the_same_job_in_the_role(ctx):
    benefit = factories.benefit(member_provider_only=True)
    assert not is_eligible(benefit, facts(1), TODAY)
    assert not is_eligible(benefit, facts(1, Job(role_id("care_worker"), False)), TODAY)
    assert is_eligible(benefit, facts(1, Job(role_id("care_worker"), True)), TODAY)
    both = factories.benefit(roles=["team_leader"], member_provider_only=True)
    split = facts(1, Job(role_id("team_leader"), False), Job(role_id("care_worker"), True))
    assert not is_eligible(both, split, TODAY)  # the role at one employer, membership at another
    assert is_eligible(both, facts(1, Job(role_id("team_leader"), True)), TODAY)


def test_dates_and_withdrawal_decide_when_a_benefit_is_live(ctx):
    later = factories.benefit(opens_on=TODAY + timedelta(days=1))
    closed = factories.benefit(closes_on=TODAY - timedelta(days=1))
    last_day = factories.benefit(opens_on=TODAY - timedelta(days=5), closes_on=TODAY)
    withdrawn = factories.benefit(withdrawn_at=utcnow())
    everyone = facts(5, Job(role_id("care_worker"), True))
    assert [is_eligible(b, everyone, TODAY) for b in (later, closed, last_day, withdrawn)] == [False, False, True, False]
    assert is_eligible(later, everyone, TODAY + timedelta(days=1))


def test_facts_read_the_held_tier_and_todays_jobs_only(ctx):
    member_place = factories.workplace(hcpa_member=True)
    other_place = factories.workplace()
    worker = factories.care_worker(other_place, role_code="senior_care_worker")
    person = worker.person
    factories.employment(member_place, who=person, role_code="care_worker", start=TODAY - timedelta(days=400),
                         leaving=TODAY - timedelta(days=30))  # left: no longer counts
    factories.tier_award(person, tier_number=3, awarded=TODAY - timedelta(days=60), lapsed_on=TODAY - timedelta(days=1))
    factories.tier_award(person, tier_number=2, awarded=TODAY - timedelta(days=90))
    got = facts_for(db.session, person, TODAY)
    assert got.tier == 2  # tier 3 lapsed
    assert got.jobs == [Job(role_id("senior_care_worker"), False)]


def test_a_member_sees_only_the_benefits_they_are_eligible_for(ctx):
    place = factories.workplace(hcpa_member=True)
    worker = factories.care_worker(place)
    factories.tier_award(worker.person, tier_number=2)
    mine = [factories.benefit("Gym discount"), factories.benefit("Counselling", kind="employee_assistance",
                                                                  member_provider_only=True),
            factories.benefit("Carers' cafe", kind="wellbeing_service", roles=["care_worker"])]
    factories.benefit("Leaders' retreat", min_tier=4)
    factories.benefit("Nurses' fund", roles=["registered_nurse"])
    factories.benefit("Old offer", closes_on=TODAY - timedelta(days=1))
    got = members.eligible_benefits(db.session, worker.person, TODAY)
    assert sorted(b.title for b in got) == sorted(b.title for b in mine)
    assert [b.kind.name for b in got] == ["discount", "employee_assistance", "wellbeing_service"]


def test_declaring_use_keeps_one_row_per_member_benefit_and_workplace_and_refuses_what_is_not_theirs(ctx):
    place = factories.workplace()
    worker = factories.care_worker(place)
    benefit, not_theirs = factories.benefit(), factories.benefit(min_tier=5)
    members.record_use(db.session, benefit, worker.person, worker, TODAY - timedelta(days=3))
    [again] = members.record_use(db.session, benefit, worker.person, worker, TODAY)
    db.session.commit()
    assert db.session.query(BenefitUse).count() == 1
    # the date shown to the member moves; the first one, which managers' counts use, does not
    assert (again.workplace_id, again.first_used_on, again.used_on) == (place.id, TODAY - timedelta(days=3), TODAY)
    assert members.used_on(db.session, worker.person, [benefit.id]) == {benefit.id: TODAY}
    with pytest.raises(NotAllowed):
        members.record_use(db.session, not_theirs, worker.person, worker)
    someone_else = factories.care_worker(factories.workplace())
    with pytest.raises(NotAllowed):
        members.record_use(db.session, benefit, worker.person, someone_else)


def test_a_member_in_two_jobs_counts_at_both_and_one_between_jobs_at_neither(ctx):
    first, second = factories.workplace(), factories.workplace()
    worker = factories.care_worker(first)
    factories.employment(second, who=worker.person)
    benefit = factories.benefit()
    uses = members.record_use(db.session, benefit, worker.person, worker, TODAY)
    assert sorted(use.workplace_id for use in uses) == sorted([first.id, second.id])
    between_jobs = factories.care_worker(first)
    between_jobs.person.employments[0].leaving_date = TODAY - timedelta(days=1)
    [use] = members.record_use(db.session, benefit, between_jobs.person, between_jobs, TODAY)
    assert use.workplace_id is None


@pytest.mark.parametrize(("count", "shown"), [(0, "fewer than 5"), (1, "fewer than 5"), (4, "fewer than 5"),
                                               (5, "5"), (12, "12")])
def test_a_count_below_5_is_never_shown_as_a_number(count, shown):
    assert workplace_use.count_text(count) == shown


LAST_MONTH = TODAY.replace(day=1) - timedelta(days=1)


def shown(place, title, on=TODAY):
    return {line.benefit.title: line.shown for line in workplace_use.use_counts(db.session, place, on)}.get(title)


def test_use_counts_are_of_people_who_used_it_while_working_here_to_the_end_of_last_month(ctx):
    place, elsewhere = factories.workplace(), factories.workplace()
    popular, rare, unused = factories.benefit("Popular"), factories.benefit("Rare"), factories.benefit("Unused")
    for _ in range(5):
        factories.benefit_use(popular, factories.employment(place).person, used=LAST_MONTH)
    factories.benefit_use(rare, factories.employment(place).person, used=LAST_MONTH - timedelta(days=40))
    leaver = factories.employment(place, leaving=TODAY - timedelta(days=1)).person
    factories.benefit_use(popular, leaver, used=LAST_MONTH)  # used it here, since left: still counted
    factories.benefit_use(popular, factories.employment(elsewhere).person, used=LAST_MONTH)  # another workplace's
    factories.benefit_use(popular, factories.employment(place).person, used=TODAY)  # this month: not yet
    starter = factories.employment(elsewhere, leaving=TODAY - timedelta(days=60)).person
    factories.benefit_use(popular, starter, used=TODAY - timedelta(days=90))  # at their previous job
    factories.employment(place, who=starter, start=TODAY - timedelta(days=30))
    lines = {line.benefit.title: line for line in workplace_use.use_counts(db.session, place, TODAY)}
    assert {title: (line.count, line.shown) for title, line in lines.items()} == {
        "Popular": (6, "6"), "Rare": (1, "fewer than 5"), "Unused": (0, "fewer than 5")}
    assert workplace_use.staff_count(db.session, place, TODAY) == 8
    assert workplace_use.counted_to(date(2026, 3, 1)) == date(2026, 2, 28)
    assert workplace_use.counted_to(date(2026, 12, 31)) == date(2026, 11, 30)


def test_staff_leaving_or_starting_never_changes_a_count(ctx):
    place, previous = factories.workplace(), factories.workplace()
    counselling = factories.benefit("Counselling", kind="employee_assistance")
    for _ in range(5):
        factories.benefit_use(counselling, factories.employment(place).person, used=LAST_MONTH)
    alex = factories.employment(place)
    factories.benefit_use(counselling, alex.person, used=LAST_MONTH)
    assert shown(place, "Counselling") == "6"
    alex.leaving_date = TODAY
    db.session.commit()
    assert shown(place, "Counselling") == "6"  # Alex's leaving does not give away that Alex used it
    starter = factories.employment(previous, start=TODAY - timedelta(days=400), leaving=TODAY - timedelta(days=30))
    factories.benefit_use(counselling, starter.person, used=TODAY - timedelta(days=200))
    factories.employment(place, who=starter.person, start=TODAY)
    assert shown(place, "Counselling") == "6"  # nor a starter's use at their previous job


def test_pressing_the_button_shows_nowhere_until_the_month_turns_and_again_never_hides_it(ctx):
    place = factories.workplace()
    benefit = factories.benefit("Counselling", kind="employee_assistance")
    staff = [factories.care_worker(place) for _ in range(6)]
    for worker in staff[:5]:
        members.record_use(db.session, benefit, worker.person, worker, LAST_MONTH)
    db.session.commit()
    assert shown(place, "Counselling") == "5"
    members.record_use(db.session, benefit, staff[5].person, staff[5], TODAY)  # watched live: nothing moves
    members.record_use(db.session, benefit, staff[0].person, staff[0], TODAY)  # again: still counted
    db.session.commit()
    assert shown(place, "Counselling") == "5"
    next_month = (TODAY.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert shown(place, "Counselling", next_month) == "6"


def test_only_benefits_live_today_have_a_row_whoever_used_the_others(ctx):
    place = factories.workplace()
    withdrawn = factories.benefit("Old debt advice", withdrawn_at=utcnow())
    closed = factories.benefit("Summer offer", closes_on=TODAY - timedelta(days=1))
    factories.benefit("Live offer")
    for _ in range(6):
        person = factories.employment(place).person
        factories.benefit_use(withdrawn, person, used=LAST_MONTH)
        factories.benefit_use(closed, person, used=LAST_MONTH)
    assert [line.benefit.title for line in workplace_use.use_counts(db.session, place, TODAY)] == ["Live offer"]


def test_members_are_the_staff_in_post_with_a_member_number(ctx):
    place = factories.workplace()
    member, not_member = factories.employment(place), factories.employment(place)
    factories.cpa_membership(member.person)
    gone = factories.employment(place, leaving=TODAY - timedelta(days=2))
    factories.cpa_membership(gone.person)
    rows = db.session.scalars(workplace_use.members_query(place, TODAY)).unique().all()
    assert [e.person_id for e in rows] == [member.person_id]
    assert not_member.person_id not in [e.person_id for e in rows]


@pytest.mark.parametrize("link", ["https://www.example.org/offer", "https://example.org", "HTTPS://Example.org/a?b=c"])
def test_a_claim_link_must_be_https_with_a_real_host(link):
    assert catalogue.clean_claim_url(f"  {link} ") == link


@pytest.mark.parametrize("link", ["http://example.org", "javascript:alert(1)", "https://", "https://localhost/",
                                  "https://exa mple.org", "https://user:pw@example.org", "https://example.org:99999x",
                                  "//example.org", "https://example..org", "https://example.org/\x00", "www.example.org"])
def test_anything_else_is_refused_with_advice(link):
    with pytest.raises(BenefitProblem) as refused:
        catalogue.clean_claim_url(link)
    assert refused.value.field == "claim_url" and "https://" in str(refused.value)


def good_values(**changes) -> BenefitValues:
    values = BenefitValues("Gym discount", "discount", "20% off.", "Show your member number.")
    for name, value in changes.items():
        setattr(values, name, value)
    return values


def test_hcpa_saves_a_benefit_and_a_change_names_the_fields_that_changed(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    benefit, changed = catalogue.save_benefit(db.session, good_values(job_role_ids=[role_id("care_worker")],
                                                                      min_tier=2), hcpa)
    assert "title" in changed and [r.code for r in benefit.job_roles] == ["care_worker"] and benefit.min_tier == 2
    _, changed = catalogue.save_benefit(db.session, good_values(job_role_ids=[role_id("care_worker")], min_tier=3,
                                                                claim_url="https://example.org"), hcpa, benefit)
    assert changed == ["claim_url", "min_tier"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "  "}, "title"), ({"kind": "lottery"}, "kind"), ({"how_to_claim": ""}, "how_to_claim"),
    ({"min_tier": 6}, "min_tier"), ({"job_role_ids": [999999]}, "job_role_ids"),
    ({"opens_on": TODAY + timedelta(days=9), "closes_on": TODAY + timedelta(days=2)}, "closes_on"),
    ({"closes_on": TODAY - timedelta(days=1)}, "closes_on"), ({"claim_url": "ftp://example.org"}, "claim_url"),
])
def test_bad_values_are_refused_on_their_field(ctx, changes, field):
    with pytest.raises(BenefitProblem) as refused:
        catalogue.save_benefit(db.session, good_values(**changes), factories.user(Role.hcpa_staff))
    assert refused.value.field == field


def test_only_hcpa_changes_the_catalogue_and_a_benefit_is_withdrawn_once(ctx):
    with pytest.raises(NotAllowed):
        catalogue.save_benefit(db.session, good_values(), factories.user(Role.admin))
    hcpa = factories.user(Role.hcpa_staff)
    benefit = factories.benefit()
    with pytest.raises(NotAllowed):
        catalogue.withdraw(db.session, benefit, factories.manager())
    catalogue.withdraw(db.session, benefit, hcpa)
    assert benefit.withdrawn_at is not None and benefit.status_on(TODAY) == "Withdrawn"
    with pytest.raises(Invalid):
        catalogue.withdraw(db.session, benefit, hcpa)


def test_the_subject_access_export_has_the_members_uses_and_erasure_removes_them(ctx):
    from academy.privacy import erasure, subject_access

    worker = factories.care_worker(factories.workplace())
    benefit = factories.benefit("Gym discount")
    factories.benefit_use(benefit, worker.person)
    export = str(subject_access.build_export(db.session, subject_access.subject_for_user(db.session, worker)))
    assert "benefit uses" in export
    erasure.confirm_erasure(db.session, factories.erasure_request(worker), factories.user(Role.hcpa_staff))
    db.session.commit()
    assert db.session.query(BenefitUse).count() == 0
    assert any("member benefits" in item.what for item in erasure.WE_DELETE)
