"""The tier evaluator: every criterion type, and each tier's boundary dates."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from academy.extensions import db
from academy.tiers.evaluator import evaluate, standings_for, tiers_for
from tests import factories
from tests.tiers.conftest import (
    ON, mandatory_training, months_before, people_at_every_rung, signed_off_certificate, tier2_ready, tier3_ready,
    worker_at,
)

DAY = timedelta(days=1)


def holds(evaluation, text):
    """Whether the criterion of the checklist whose description contains `text` holds."""
    matches = [c for c in evaluation.criteria if text in c.description]
    assert matches, f"no criterion like {text!r} in {[c.description for c in evaluation.criteria]}"
    return matches[0].holds


def test_nothing_recorded_means_no_tier_and_tier_1_next(ladder):
    who = worker_at(ladder)
    result = evaluate(db.session, who, ON)
    assert (result.awarded_tier, result.eligible_tier, result.next_tier) == (None, None, 1)
    assert [c.description for c in result.missing] == ["Care Certificate induction started"]
    assert result.missing[0].link_endpoint == "training.own_induction" and result.missing[0].how_to


def test_induction_started_holds_from_its_start_date(ladder):
    who = worker_at(ladder)
    factories.induction(who, started=ON)
    assert evaluate(db.session, who, ON).eligible_tier == 1
    assert evaluate(db.session, who, ON - DAY).eligible_tier is None


def test_care_certificate_signed_off_on_the_day_it_completed(ladder):
    who = worker_at(ladder)
    signed_off_certificate(who, ON)
    factories.induction(who, started=ON - timedelta(days=300), version="v2015")  # an older one in progress
    mandatory_training(who, ladder.courses, ON - timedelta(days=30))
    assert evaluate(db.session, who, ON).eligible_tier == 2
    before = evaluate(db.session, who, ON - DAY)
    assert before.eligible_tier == 1 and not holds(before, "Care Certificate signed off")


def test_care_certificate_in_progress_does_not_count(ladder):
    who = worker_at(ladder)
    factories.induction(who, started=ON - timedelta(days=30))
    result = evaluate(db.session, who, ON)
    assert result.next_tier == 2 and not holds(result, "Care Certificate signed off")


def test_mandatory_training_current_expiring_expired_and_missing(ladder):
    who = worker_at(ladder)
    signed_off_certificate(who, ON - timedelta(days=200))
    # Fire safety renews every 12 months: completed 12 months before ON expires on ON (expired that day).
    mandatory_training(who, ladder.courses, ON - timedelta(days=90), skip=("fire_safety",))
    fire = factories.training_record(who, ladder.courses["fire_safety"], completed=months_before(ON, 12))
    assert fire.expires_on == ON
    on_expiry = evaluate(db.session, who, ON)
    assert on_expiry.eligible_tier == 1
    line = next(c for c in on_expiry.missing if "mandatory" in c.description)
    assert "Fire safety" in line.detail and line.link_endpoint == "training.start"
    assert evaluate(db.session, who, ON - DAY).eligible_tier == 2  # expiring soon still counts as current
    # Never done counts as missing.
    other = worker_at(ladder)
    signed_off_certificate(other, ON - timedelta(days=200))
    mandatory_training(other, ladder.courses, ON - timedelta(days=30), skip=("data_protection",))
    assert evaluate(db.session, other, ON).eligible_tier == 1


def test_mandatory_training_needs_a_current_job(ladder):
    account = factories.care_worker()
    signed_off_certificate(account.person, ON - timedelta(days=200))
    result = evaluate(db.session, account.person, ON)
    assert result.eligible_tier == 1
    assert next(c for c in result.missing if "mandatory" in c.description).detail == "No current job role recorded"


def test_tier_3_qualification_level_months_in_care_and_specialist_course(ladder):
    who = tier2_ready(ladder, start=months_before(ON, 12))
    factories.qualification(who, "diploma_l2_adult_care", achieved=ON - timedelta(days=10))
    factories.training_record(who, ladder.courses["dementia"], completed=ON - timedelta(days=10))
    # Exactly 12 months in care on ON: holds; the day before: not yet.
    assert evaluate(db.session, who, ON).eligible_tier == 3
    before = evaluate(db.session, who, ON - DAY)
    assert before.eligible_tier == 2 and before.next_tier == 3
    assert not holds(before, "12 months") and holds(before, "Level 2") and holds(before, "Dementia awareness")


def test_qualification_must_be_relevant_and_achieved_by_the_date(ladder):
    who = tier2_ready(ladder)
    factories.training_record(who, ladder.courses["end_of_life"], completed=ON - timedelta(days=10))
    factories.qualification(who, "diploma_l2_adult_care", status="in_progress", achieved=None)
    factories.qualification(who, "nursing_associate", achieved=ON - timedelta(days=400))  # level 5, not social care
    result = evaluate(db.session, who, ON)
    assert result.eligible_tier == 2 and not holds(result, "Level 2")
    line = next(c for c in result.missing if "Level 2" in c.description)
    assert "Working towards" in line.detail and line.link_endpoint == "training.new_own_qualification"
    factories.qualification(who, "diploma_l3_adult_care", achieved=ON)  # a higher level counts too
    assert evaluate(db.session, who, ON).eligible_tier == 3
    assert evaluate(db.session, who, ON - DAY).eligible_tier == 2


def test_months_in_care_count_from_the_first_care_role_anywhere(ladder):
    who = tier2_ready(ladder, start=ON - timedelta(days=30))
    factories.qualification(who, "diploma_l2_adult_care", achieved=ON - timedelta(days=100))
    factories.training_record(who, ladder.courses["dementia"], completed=ON - timedelta(days=10))
    assert evaluate(db.session, who, ON).eligible_tier == 2
    earlier = factories.workplace()
    factories.employment(earlier, who=who, start=months_before(ON, 30), leaving=months_before(ON, 20))
    assert evaluate(db.session, who, ON).eligible_tier == 3
    # A role that is not care-providing does not count.
    office = worker_at(ladder, role_code="administrative", start=months_before(ON, 40))
    factories.employment(ladder.workplace, who=office, start=ON - timedelta(days=30))
    result = evaluate(db.session, office, ON)
    from academy.tiers.evaluator import passports_for
    assert passports_for(db.session, [office], ON)[office.id].first_care_start == ON - timedelta(days=30)
    assert result.eligible_tier is None


def test_specialist_course_must_be_in_the_set_and_current(ladder):
    who = tier2_ready(ladder)
    factories.qualification(who, "diploma_l2_adult_care", achieved=ON - timedelta(days=100))
    factories.training_record(who, ladder.courses["oral_health"], completed=ON - timedelta(days=10))  # not in set
    factories.training_record(who, ladder.courses["dementia"], completed=months_before(ON, 36))  # expires on ON
    result = evaluate(db.session, who, ON)
    assert result.eligible_tier == 2 and not holds(result, "Dementia awareness")
    line = next(c for c in result.missing if "Dementia" in c.description)
    assert "End of life care" in line.description and line.link_endpoint == "training.new_own_record"
    assert evaluate(db.session, who, ON - DAY).eligible_tier == 3


def test_tier_4_needs_level_3_and_a_leading_role(ladder):
    who = tier3_ready(ladder)
    factories.qualification(who, "diploma_l3_adult_care", achieved=ON - timedelta(days=5))
    result = evaluate(db.session, who, ON)
    assert result.eligible_tier == 3 and result.next_tier == 4
    assert holds(result, "Level 3") and not holds(result, "Team leader")
    assert "Care worker" in next(c for c in result.missing if "Team leader" in c.description).detail
    leader = tier3_ready(ladder, role_code="team_leader")
    factories.qualification(leader, "diploma_l3_adult_care", achieved=ON - timedelta(days=5))
    assert evaluate(db.session, leader, ON).eligible_tier == 4
    assert evaluate(db.session, leader, ON - timedelta(days=6)).eligible_tier == 2  # before the L3 and the role


def test_tier_5_needs_level_4_and_deputy_or_registered_manager(ladder):
    who = tier3_ready(ladder, role_code="deputy_manager")
    factories.qualification(who, "diploma_l3_adult_care", achieved=ON - timedelta(days=400))
    factories.qualification(who, "diploma_l5_leadership", achieved=ON)
    result = evaluate(db.session, who, ON)
    assert (result.eligible_tier, result.next_tier, result.criteria) == (5, None, [])
    assert evaluate(db.session, who, ON - DAY).eligible_tier == 4


def test_tiers_are_cumulative(ladder):
    """Tier 3's own criteria hold, but tier 2's do not: eligible for tier 1 only."""
    who = worker_at(ladder)
    factories.induction(who, started=ON - timedelta(days=30))
    factories.qualification(who, "diploma_l3_adult_care", achieved=ON - timedelta(days=100))
    factories.training_record(who, ladder.courses["dementia"], completed=ON - timedelta(days=10))
    result = evaluate(db.session, who, ON)
    assert (result.eligible_tier, result.next_tier) == (1, 2)


def test_job_role_in_counts_only_current_roles(ladder):
    from academy.tiers.models import Tier

    who = worker_at(ladder, role_code="care_worker")
    factories.employment(ladder.workplace, who=who, role_code="deputy_manager", start=months_before(ON, 20),
                         leaving=ON)
    db.session.delete(db.session.get(Tier, ladder.tiers[1].id))
    db.session.commit()
    factories.tier(1, criteria=[("job_role_in", None, "deputy_manager;registered_manager")])
    result = evaluate(db.session, who, ON)
    assert result.eligible_tier is None and "Deputy manager or Registered manager" in result.missing[0].description
    assert evaluate(db.session, who, ON - DAY).eligible_tier == 1


def test_qualification_type_in(ctx):
    factories.tier(1, criteria=[("qualification_type_in", None, "nmc_registration;nursing_associate")])
    who = worker_at(type("L", (), {"workplace": factories.workplace()}))
    assert evaluate(db.session, who, ON).eligible_tier is None
    assert "Nursing registration (NMC)" in evaluate(db.session, who, ON).criteria[0].description
    factories.qualification(who, "nursing_associate", achieved=ON)
    assert evaluate(db.session, who, ON).eligible_tier == 1


def test_awarded_tier_until_the_day_it_lapses(ladder):
    who = tier2_ready(ladder)
    factories.tier_award(who, 1, awarded=ON - timedelta(days=300))
    award = factories.tier_award(who, 2, awarded=ON - timedelta(days=50), lapsed_on=ON)
    assert evaluate(db.session, who, ON).awarded_tier == 1
    assert evaluate(db.session, who, ON - DAY).awarded_tier == 2
    assert evaluate(db.session, who, award.awarded_on - DAY).awarded_tier == 1
    assert evaluate(db.session, who, ON).awaiting_endorsement


def test_next_tier_checklist_shows_lower_tier_criteria_that_stopped_holding(ladder):
    who = worker_at(ladder)
    signed_off_certificate(who, ON - timedelta(days=500))
    mandatory_training(who, ladder.courses, months_before(ON, 13))  # 12-month courses expired
    factories.tier_award(who, 2, awarded=ON - timedelta(days=200))
    result = evaluate(db.session, who, ON)
    assert (result.awarded_tier, result.eligible_tier, result.next_tier) == (2, 1, 3)
    assert not result.awaiting_endorsement
    assert [c.tier for c in result.missing][0] == 2 and "mandatory" in result.missing[0].description


STATEMENTS = []


def _count_queries(work):
    statements = STATEMENTS
    statements.clear()

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def _staff(ladder, count):
    from academy.workplaces.models import ContractType, Employment, JobRole, Person
    from training.models import TrainingRecord
    from sqlalchemy import select

    role = db.session.scalar(select(JobRole).where(JobRole.code == "care_worker"))
    people = []
    for n in range(count):
        who = Person(full_name=f"Staff {n}")
        db.session.add(Employment(person=who, workplace=ladder.workplace, job_role=role,
                                  contract_type=ContractType.permanent, start_date=months_before(ON, 14)))
        for code in ("fire_safety", "dementia"):
            db.session.add(TrainingRecord(person=who, course=ladder.courses[code],
                                          completed_on=ON - timedelta(days=30)))
        people.append(who)
    db.session.commit()
    for who in people[:count // 2]:
        factories.qualification(who, "diploma_l2_adult_care", achieved=ON - timedelta(days=100))
    for who in people[: max(1, count // 3)]:
        signed_off_certificate(who, ON - timedelta(days=100))
        factories.tier_award(who, 1, awarded=ON - timedelta(days=200))
    return people


def _reloaded(ids):
    """The people as a list page loads them: fresh from one query, nothing else in the session."""
    from sqlalchemy import select

    from academy.workplaces.models import Person

    db.session.expunge_all()
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def test_tiers_for_uses_a_fixed_number_of_queries(ladder):
    few_ids = [p.id for p in _staff(ladder, 3)]
    many_ids = few_ids + [p.id for p in _staff(ladder, 297)]
    few = _reloaded(few_ids)
    small = _count_queries(lambda: tiers_for(db.session, few, ON))
    many = _reloaded(many_ids)
    results = {}
    large = _count_queries(lambda: results.update(tiers_for(db.session, many, ON)))
    assert len(results) == 300
    assert large == small, (small, large, [s[:90] for s in STATEMENTS[:40]])
    assert small <= 14
    # And the bulk answer is the same as evaluating one person at a time.
    for who in many[:5]:
        one = evaluate(db.session, who, ON)
        assert (one.eligible_tier, one.awarded_tier, one.next_tier) == (
            results[who.id].eligible_tier, results[who.id].awarded_tier, results[who.id].next_tier)


def test_standings_are_the_evaluations_without_the_checklists(ladder):
    """The summary's standings: the tier held, the tier eligible for and whether it waits for an
    endorsement are exactly what the full evaluation says, at every rung and on either side of a
    boundary date."""
    people = people_at_every_rung(ladder)
    seen = set()
    for day in (ON, ON - DAY, ON - timedelta(days=400), ON + timedelta(days=40)):
        full, short = tiers_for(db.session, people, day), standings_for(db.session, people, day)
        assert short.keys() == full.keys() == {p.id for p in people}
        for who in people:
            f, s = full[who.id], short[who.id]
            assert (s.awarded_tier, s.eligible_tier, s.awaiting_endorsement, s.tier_names, s.on) == (
                f.awarded_tier, f.eligible_tier, f.awaiting_endorsement, f.tier_names, f.on), (who.full_name, day)
            seen.add((s.awarded_tier, s.eligible_tier))
    eligible_on = {standings_for(db.session, people, ON)[p.id].eligible_tier for p in people}
    assert eligible_on == {None, 1, 2, 3, 4, 5}  # every rung was there to compare
    assert (2, 1) in seen and (1, 2) in seen  # an award above what holds; one below


def test_standings_use_a_fixed_number_of_queries_fewer_than_the_evaluations(ladder):
    few_ids = [p.id for p in _staff(ladder, 3)]
    many_ids = few_ids + [p.id for p in _staff(ladder, 57)]
    few = _reloaded(few_ids)
    small = _count_queries(lambda: standings_for(db.session, few, ON))
    many = _reloaded(many_ids)
    large = _count_queries(lambda: standings_for(db.session, many, ON))
    assert large == small
    again = _reloaded(many_ids)
    full = _count_queries(lambda: tiers_for(db.session, again, ON))
    assert small == full - 2  # no criterion names (courses, job roles) to look up


def test_passports_read_the_job_roles_current_employments_find(ladder):
    """The evaluator reads current job roles as plain values (training.people.current_jobs): the
    same employments, in the same order, as current_employments."""
    from training.people import current_employments, current_jobs

    people = people_at_every_rung(ladder)
    ids = [p.id for p in people]
    for day in (ON, ON - 2 * DAY, ON + DAY):
        employments = current_employments(db.session, ids, day)
        jobs = current_jobs(db.session, ids, day)
        assert {pid: [(e.job_role_id, e.job_role.code, e.job_role.name) for e in found]
                for pid, found in employments.items()} == \
            {pid: [(j.job_role_id, j.code, j.name) for j in found] for pid, found in jobs.items()}
    left, later = people[9], people[10]
    assert [j.code for j in current_jobs(db.session, ids, ON - 2 * DAY)[left.id]] == ["registered_manager",
                                                                                    "care_worker"]
    assert [j.code for j in current_jobs(db.session, ids, ON)[left.id]] == ["care_worker"]  # left yesterday
    assert later.id not in current_jobs(db.session, ids, ON) and later.id in current_jobs(db.session, ids, ON + DAY)
