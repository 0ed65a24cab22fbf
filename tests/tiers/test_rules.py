"""Tier rules as data: the seed, and admins' criterion edits checked before they are saved."""
from __future__ import annotations

import pytest

from academy.auth.access import Invalid
from academy.extensions import db
from academy.tiers.models import CriterionKind
from academy.tiers.rules import CriterionInput, remove_criterion, save_criterion, seed_tiers
from tests import factories


def test_seed_gives_the_five_tiers_of_the_domain_and_is_idempotent(ladder):
    tiers = ladder.tiers
    assert [tiers[n].name for n in range(1, 6)] == [
        "New to care", "Care or support worker", "Enhanced care worker", "Supervisor or practice leader",
        "Deputy or registered manager"]
    assert {c.kind for c in tiers[2].criteria} == {CriterionKind.care_certificate_signed_off,
                                                   CriterionKind.mandatory_training_current}
    months = next(c for c in tiers[3].criteria if c.kind == CriterionKind.months_in_care_at_least)
    assert months.number == 12
    assert {"dementia", "end_of_life"} <= set(next(c for c in tiers[3].criteria
                                                   if c.kind == CriterionKind.specialist_course_in).code_list)
    assert seed_tiers(db.session) == 0


@pytest.mark.parametrize("values, field, message", [
    (CriterionInput(None), "kind", "Select what the criterion checks"),
    (CriterionInput("months_in_care_at_least"), "number", "months from 1 to 600"),
    (CriterionInput("months_in_care_at_least", number=0), "number", "months from 1 to 600"),
    (CriterionInput("qualification_level_at_least", number=9), "number", "level from 1 to 8"),
    (CriterionInput("specialist_course_in"), "courses", "Select at least one course"),
    (CriterionInput("specialist_course_in", courses=["no_such_course"]), "courses", "from the list"),
    (CriterionInput("job_role_in", job_roles=["astronaut"]), "job_roles", "from the list"),
    (CriterionInput("qualification_type_in"), "qualification_types", "Select at least one"),
])
def test_bad_criteria_are_refused_naming_the_field(ladder, values, field, message):
    with pytest.raises(Invalid) as problem:
        save_criterion(db.session, ladder.tiers[3], values)
    assert problem.value.field == field and message in str(problem.value)


def test_add_change_and_remove_a_criterion(ladder):
    tier = ladder.tiers[3]
    added = save_criterion(db.session, tier, CriterionInput("specialist_course_in", courses=["stroke", "stroke"]))
    assert (added.kind, added.codes, added.number) == (CriterionKind.specialist_course_in, "stroke", None)
    save_criterion(db.session, tier, CriterionInput("months_in_care_at_least", number=18), added)
    assert (added.kind, added.number, added.codes) == (CriterionKind.months_in_care_at_least, 18, None)
    remove_criterion(db.session, added)
    db.session.commit()
    assert added not in tier.criteria


def test_a_tier_keeps_at_least_one_criterion(ctx):
    only = factories.tier(1, criteria=[("induction_started", None, None)])
    with pytest.raises(Invalid, match="at least one criterion"):
        remove_criterion(db.session, only.criteria[0])
