"""A small world whose every outcome figure was worked out by hand from ../shared/DOMAIN.md (Outcomes)
and docs/outcomes.md, not from the engine's code or the benchmark's SQL: the engine must give the
same numbers (issue 14, part 4). Runs on SQLite and PostgreSQL (tests/outcomes is `postgres_too`).

The snapshot date D is 31 October 2026, so "the last 12 months" is (31 Oct 2025, 31 Oct 2026]:
a start or leaving ON 31 Oct 2025 is outside it, one ON 31 Oct 2026 inside. In post at D: started on
or before D and not left by D (a leaver ON D is not in post). A second date, N = 30 November 2026,
checks a role change dated 15 November 2026.

Mandatory courses: C1 for care workers, senior care workers, registered managers and deputy
managers; C2 for care workers and senior care workers. A line is current when the course was
completed on or before D and expires after D (or never).

Workplace A (Alban House, St Albans, older people residential); * = directly employed and in post at D

  who   role (contract)                 employment                    Care Certificate / L2 ASC    qualification
  Ann*  care worker                     2020-01-06 -                  2020-03-01                   L2 diploma 2021
  Bob*  care worker                     2026-02-02 -                  2026-04-27 (day 84)          -
  Cat*  care worker                     2026-02-02 -                  2026-04-28 (day 85)          -
  Dan*  care worker                     2026-06-01 -                  2024-05-01 (earlier job)     L3 diploma 2026-12-01 (after D)
  Eve*  care worker                     2026-09-01 -                  -                            -
  Fay*  registered manager              2019-04-01 -                  -                            L5 diploma 2020
  Gus   deputy manager, RM flag         2023-01-09 - 2026-10-31 (ON D) -                           -
  Hal   care worker (left, rejoined)    2024-03-04 - 2026-01-15       2024-05-20 (first spell)     L2 diploma 2025-06-01
  Hal*    ... rejoined                  2026-03-02 -
  Ida*  care worker                     2025-10-31 (window start) -   2026-01-10                   -
  Jon*  care worker                     2025-11-01 -                  2026-01-24 (day 84)          -
  Kim   care worker (bank)              2025-01-01 -                  -                            -
  Lee*  administrative                  2026-10-31 (ON D) -           -                            "other" (not social care)
  Max*  care worker -> RM on 2026-11-15 2022-06-06 -                  L2 ASC Certificate 2023      (the same, Level 2)
  Ned   care worker (temporary)         2025-06-02 - 2025-10-31 (window start)
  Oli*  care worker                     2026-07-06 -                  2026-07-01 (before starting) -
  Pam   care worker, moved to B         2021-02-01 - 2026-04-30       2021-04-01                   L2 diploma 2022

Workplace B (Watford Homecare, Watford, homecare)
  Pam*  care worker (moved from A)      2026-05-01 -
  Quin  registered manager              2024-01-08 - 2026-03-31       -                            -
  Rae*  senior care worker, RM flag     2026-04-01 -                  2026-06-25 (day 85)          -
  Sam   care worker (agency)            2025-01-01 -                  -                            -
  Tia*  care worker                     2023-09-04 -                  -                            other social care (no level)
  Uma*  care worker                     2026-10-01 -                  2026-10-20 (day 19)          -
  Vic   care worker                     2025-12-01 - 2026-08-31       2026-02-10 (day 71)          -
  Wyn*  care worker                     2024-02-05 -                  2024-04-01                   L3 diploma ON D
  Xav*  registered manager              2026-04-01 -                  -                            L4 diploma 2018
"""
import json
from datetime import date, timedelta

import pandas as pd
import pytest

from academy.extensions import db
from academy.outcomes import snapshots
from academy.workplaces.models import ContractType
from tests import factories

pytestmark = pytest.mark.postgres_too

TODAY = date(2026, 12, 5)
D, N = date(2026, 10, 31), date(2026, 11, 30)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def build_world():
    a = factories.workplace(name="Alban House", district_name="St Albans", service_code="residential_older_people")
    b = factories.workplace(name="Watford Homecare", district_name="Watford", service_code="homecare")
    c1 = factories.course(renewal_months=12, mandatory_for=("care_worker", "senior_care_worker",
                                                            "registered_manager", "deputy_manager"))
    c2 = factories.course(renewal_months=12, mandatory_for=("care_worker", "senior_care_worker"))
    people = {}

    def work(name, at, role, start, leaving=None, contract=ContractType.permanent, rm_flag=False):
        who = people.get(name) or factories.person(name)
        people[name] = who
        return factories.employment(at, who=who, role_code=role, start=_day(start),
                                    leaving=_day(leaving) if leaving else None, contract=contract,
                                    is_registered_manager=rm_flag)

    def inducted(name, completed):
        induction = factories.induction(people[name], started=_day(completed) - timedelta(days=20))
        induction.completed_on = _day(completed)
        db.session.commit()

    def qualified(name, kind, achieved):
        factories.qualification(people[name], kind, achieved=_day(achieved))

    def trained(name, course, completed, expires_on=None):
        fields = {"expires_on": _day(expires_on)} if expires_on else {}
        factories.training_record(people[name], course, completed=_day(completed), **fields)

    # Workplace A
    work("Ann", a, "care_worker", "2020-01-06")
    inducted("Ann", "2020-03-01")
    qualified("Ann", "diploma_l2_adult_care", "2021-05-01")
    trained("Ann", c1, "2026-03-01")
    trained("Ann", c2, "2025-10-31")                      # expires 2026-10-31, ON D: not current
    work("Bob", a, "care_worker", "2026-02-02")
    inducted("Bob", "2026-04-27")                         # 84 days after starting
    trained("Bob", c1, "2026-02-10")
    trained("Bob", c2, "2026-02-10")
    work("Cat", a, "care_worker", "2026-02-02")
    inducted("Cat", "2026-04-28")                         # 85 days after starting
    trained("Cat", c1, "2026-03-01")
    work("Dan", a, "care_worker", "2026-06-01")
    inducted("Dan", "2024-05-01")                         # from an earlier job
    qualified("Dan", "diploma_l3_adult_care", "2026-12-01")
    work("Eve", a, "care_worker", "2026-09-01")
    work("Fay", a, "registered_manager", "2019-04-01")
    qualified("Fay", "diploma_l5_leadership", "2020-01-01")
    trained("Fay", c1, "2025-12-01")
    work("Gus", a, "deputy_manager", "2023-01-09", "2026-10-31", rm_flag=True)
    work("Hal", a, "care_worker", "2024-03-04", "2026-01-15")
    work("Hal", a, "care_worker", "2026-03-02")
    inducted("Hal", "2024-05-20")
    qualified("Hal", "diploma_l2_adult_care", "2025-06-01")
    trained("Hal", c1, "2025-11-15")
    work("Ida", a, "care_worker", "2025-10-31")
    inducted("Ida", "2026-01-10")
    trained("Ida", c1, "2026-10-31")                      # completed ON D: current
    trained("Ida", c2, "2026-11-01")                      # after D: not yet
    work("Jon", a, "care_worker", "2025-11-01")
    inducted("Jon", "2026-01-24")                         # 84 days after starting
    work("Kim", a, "care_worker", "2025-01-01", contract=ContractType.bank)
    work("Lee", a, "administrative", "2026-10-31")
    qualified("Lee", "other", "2020-01-01")
    max_ = work("Max", a, "care_worker", "2022-06-06")
    qualified("Max", "l2_adult_social_care_certificate", "2023-01-01")
    trained("Max", c1, "2026-01-05")
    trained("Max", c2, "2026-01-05")
    factories.role_change(max_, "registered_manager", on=_day("2026-11-15"))
    work("Ned", a, "care_worker", "2025-06-02", "2025-10-31", contract=ContractType.temporary)
    work("Oli", a, "care_worker", "2026-07-06")
    inducted("Oli", "2026-07-01")
    work("Pam", a, "care_worker", "2021-02-01", "2026-04-30")
    inducted("Pam", "2021-04-01")
    qualified("Pam", "diploma_l2_adult_care", "2022-01-01")
    factories.vacancy(a, "care_worker", opened=_day("2026-09-01"), posts=2)                              # open: 2
    factories.vacancy(a, "care_worker", opened=_day("2026-05-01"), closed_on=_day("2026-10-31"))         # closed ON D
    factories.vacancy(a, "care_worker", opened=_day("2026-01-01"), posts=3, contract_type=ContractType.bank)
    factories.vacancy(a, "registered_manager", opened=_day("2026-10-31"))                                # opened ON D: 1

    # Workplace B
    work("Pam", b, "care_worker", "2026-05-01")
    work("Quin", b, "registered_manager", "2024-01-08", "2026-03-31")
    work("Rae", b, "senior_care_worker", "2026-04-01", rm_flag=True)
    inducted("Rae", "2026-06-25")                         # 85 days after starting
    work("Sam", b, "care_worker", "2025-01-01", contract=ContractType.agency)
    work("Tia", b, "care_worker", "2023-09-04")
    qualified("Tia", "other_social_care", "2024-01-01")
    work("Uma", b, "care_worker", "2026-10-01")
    inducted("Uma", "2026-10-20")
    trained("Uma", c1, "2026-10-15")
    trained("Uma", c2, "2025-11-01")                      # expires 2026-11-01, after D: current
    work("Vic", b, "care_worker", "2025-12-01", "2026-08-31")
    inducted("Vic", "2026-02-10")                         # 71 days after starting
    work("Wyn", b, "care_worker", "2024-02-05")
    inducted("Wyn", "2024-04-01")
    qualified("Wyn", "diploma_l3_adult_care", "2026-10-31")
    trained("Wyn", c1, "2025-10-30")                      # expired 2026-10-30
    work("Xav", b, "registered_manager", "2026-04-01")
    qualified("Xav", "diploma_l4_adult_care", "2018-01-01")
    trained("Xav", c1, "2026-06-01")
    factories.vacancy(b, "care_worker", opened=_day("2026-01-01"), contract_type=ContractType.temporary)  # open: 1
    factories.vacancy(b, "care_worker", opened=_day("2026-11-01"), posts=4)                              # after D
    return a, b


# Expected at D, worked by hand from the tables above: (numerator, denominator); None = no denominator.
EXPECTED_A = {
    # In post: Ann Bob Cat Dan Eve Fay Hal(2nd) Ida Jon Lee Max Oli = 12. Not: Gus (left ON D), Hal's first
    # spell, Ned and Pam (left), Kim (bank).
    "filled_posts": (12, None),
    # Vacant: 2 (care, open) + 1 (RM, opened ON D) = 3; the one closed ON D and the bank one do not count.
    "vacancy_rate": (3, 12 + 3),
    # Leavers in (31 Oct 2025, 31 Oct 2026]: Gus (ON D), Hal (15 Jan), Pam (30 Apr, moved to B) = 3;
    # not Ned (left ON 31 Oct 2025, the window's open end).
    "turnover_rate": (3, 12),
    # Starters: Bob Cat Dan Eve Hal(rejoined 2 Mar) Jon(1 Nov 2025) Lee(ON D) Oli = 8; not Ida (ON 31 Oct 2025).
    "starters_rate": (8, 12),
    # Relevant Level 2+ achieved by D: Ann (L2), Fay (L5), Hal (L2), Max (L2 ASC Certificate) = 4. Not Dan
    # (L3 after D), Lee ("other", not social care).
    "qualification_uptake": (4, 12),
    # Care-providing in post: the 10 care workers Ann Bob Cat Dan Eve Hal Ida Jon Max Oli (Max is an RM only
    # from 15 Nov); inducted by D: all but Eve = 9 (Max by his L2 ASC Certificate).
    "care_induction": (9, 10),
    # Care starters: Bob Cat Dan Eve Hal Jon Oli = 7 (Lee is not care-providing). Held it by 12 weeks:
    # arrived with it Dan, Hal (from his first spell), Oli (5 days before) = 3; completed within 84 days
    # Bob, Jon (both day 84) = 2; not by 12 weeks Cat (day 85), Eve (none yet) = 2.
    "care_induction_12_weeks": (5, 7),
    "care_induction_12_weeks_arrived_holding": (3, 7),
    "care_induction_12_weeks_completed": (2, 7),
    "care_induction_12_weeks_not_completed": (2, 7),
    # RM posts at D: Fay (role). Not Gus (RM flag, left ON D), not Max (RM from 15 Nov). RM leavers: Gus.
    "rm_turnover": (1, 1),
    # Lines: 10 care workers x 2 + Fay x 1 (C1) + Lee x 0 = 21. Current: Ann C1, Bob C1 C2, Cat C1, Fay C1,
    # Hal C1, Ida C1 (completed ON D), Max C1 C2 = 9 (Ann's C2 expires ON D; Ida's C2 is after D).
    "training_compliance": (9, 21),
}
EXPECTED_B = {
    # In post: Pam Rae Tia Uma Wyn Xav = 6. Not: Quin, Vic (left), Sam (agency).
    "filled_posts": (6, None),
    "vacancy_rate": (1, 6 + 1),           # the temporary post; the one opened 1 Nov is after D
    "turnover_rate": (2, 6),              # Quin (31 Mar), Vic (31 Aug)
    "starters_rate": (5, 6),              # Pam (moved in 1 May), Rae, Uma, Vic, Xav
    # Pam (L2), Wyn (L3 achieved ON D), Xav (L4) = 3; Tia's has no level.
    "qualification_uptake": (3, 6),
    # Care-providing in post: Pam Rae Tia Uma Wyn = 5 (Xav is the RM); inducted: all but Tia = 4.
    "care_induction": (4, 5),
    # Care starters: Pam Rae Uma Vic = 4 (Vic has left since; Xav is not care-providing). Arrived with it:
    # Pam (2021, at A) = 1; completed within 84 days: Uma (19), Vic (71) = 2; not: Rae (day 85) = 1.
    "care_induction_12_weeks": (3, 4),
    "care_induction_12_weeks_arrived_holding": (1, 4),
    "care_induction_12_weeks_completed": (2, 4),
    "care_induction_12_weeks_not_completed": (1, 4),
    "rm_turnover": (1, 2),                # RM posts: Rae (flag), Xav (role); RM leavers: Quin
    # Lines: Pam Rae Tia Uma Wyn x 2 + Xav x 1 = 11; current: Uma C1 C2, Xav C1 = 3 (Wyn's C1 expired 30 Oct).
    "training_compliance": (3, 11),
}
# The county (and each district and service type, one workplace each) is the sum of A and B.
EXPECTED_COUNTY = {key: (EXPECTED_A[key][0] + EXPECTED_B[key][0],
                         None if EXPECTED_A[key][1] is None else EXPECTED_A[key][1] + EXPECTED_B[key][1])
                   for key in EXPECTED_A}
# At N (30 Nov 2026), workplace A: Max is the registered manager from 15 Nov; nobody else came or went.
EXPECTED_A_AT_N = {
    "care_induction": (8, 9),             # 9 care workers (not Max); inducted: all but Eve
    "rm_turnover": (1, 2),                # RM posts Fay, Max; RM leavers in (30 Nov 2025, 30 Nov 2026]: Gus
    # Lines: 9 care workers x 2 + Fay x 1 + Max x 1 (C1 only, as an RM) = 20. Current at N: Ann C1, Bob C1 C2,
    # Cat C1, Fay C1 (expires 1 Dec), Ida C1 C2 (C2 completed 1 Nov), Max C1 = 8; Hal's C1 expired 15 Nov.
    "training_compliance": (8, 20),
    "filled_posts": (12, None),
}


def figures(scope_type, scope_id, day):
    frame = snapshots.load(db.session, scope_type, [scope_id], [day])
    return {row.metric: (None if pd.isna(row.numerator) else int(row.numerator),
                         None if pd.isna(row.denominator) else int(row.denominator))
            for row in frame.itertuples()}


@pytest.fixture
def world(ctx):
    a, b = build_world()
    snapshots.run_outcomes(db.session, D, N, today=TODAY)
    return a, b


def test_the_engine_matches_the_hand_worked_figures_for_each_workplace(world):
    a, b = world
    at_a, at_b = figures("workplace", a.id, D), figures("workplace", b.id, D)
    assert {key: at_a[key] for key in EXPECTED_A} == EXPECTED_A
    assert {key: at_b[key] for key in EXPECTED_B} == EXPECTED_B


def test_the_roll_ups_match_the_hand_worked_sums(world):
    a, b = world
    county = figures("county", 0, D)
    assert {key: county[key] for key in EXPECTED_COUNTY} == EXPECTED_COUNTY
    assert {key: figures("district", a.district_id, D)[key] for key in EXPECTED_A} == EXPECTED_A
    assert {key: figures("service_type", b.service_type_id, D)[key] for key in EXPECTED_B} == EXPECTED_B


def test_the_role_change_counts_from_its_date(world):
    a, _ = world
    at_n = figures("workplace", a.id, N)
    assert {key: at_n[key] for key in EXPECTED_A_AT_N} == EXPECTED_A_AT_N


def test_the_parts_add_up_and_show_uses_them(world, app):
    county = figures("county", 0, D)
    parts = ("care_induction_12_weeks_arrived_holding", "care_induction_12_weeks_completed",
             "care_induction_12_weeks_not_completed")
    assert sum(county[part][0] for part in parts) == county["care_induction_12_weeks"][1] == 11
    shown = app.test_cli_runner().invoke(args=["outcomes", "show", "--as-of", D.isoformat(), "--format", "json"])
    rows = {row["metric"]: (row["numerator"], row["denominator"]) for row in json.loads(shown.stdout)}
    assert [rows[part] for part in parts] == [(4, 11), (4, 11), (3, 11)]
    table = app.test_cli_runner().invoke(args=["outcomes", "show", "--as-of", D.isoformat()]).output
    assert "Induction within 12 weeks: arrived already holding it" in table
