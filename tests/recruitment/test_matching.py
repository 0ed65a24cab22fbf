"""Matching is a pure ranking: district, kind of care, hours, shifts and driving for homecare."""
from datetime import date

from recruitment.matching import Candidate, Post, rank_candidates, rank_posts, registrations_in, score


def candidate(**fields):
    values = dict(id=1, name="Ama", district="St Albans", service_types=frozenset({"residential_older_people"}),
                  hours_per_week=30, days=True, nights=False, weekends=True, drives=False, experienced=False)
    values.update(fields)
    return Candidate(**values)


def post(id=1, **fields):
    values = dict(id=id, workplace=f"Home {id}", district="St Albans", service_type="residential_older_people",
                  service_type_name="Older people residential homes", job_role="care_worker",
                  job_role_name="Care worker", hours_per_week=30.0, days=True, nights=False, weekends=True,
                  driving_needed=False, opened_on=date(2026, 1, 1))
    values.update(fields)
    return Post(**values)


def test_a_perfect_match_scores_highest_and_says_why():
    match = score(candidate(), post())
    assert match.suitable and match.score == 35 + 25 + 15 + 15
    assert match.reasons == ["In St Albans, where they want to work",
                             "Older people residential homes: a kind of care they chose",
                             "30 hours a week (they want 30)", "Can work the shifts: days, weekends"]
    assert match.concerns == []


def test_ranking_orders_by_district_then_type_then_hours_and_shifts():
    posts = [
        post(1, district="Watford"),                                    # far away
        post(2, district="Welwyn Hatfield"),                            # next door
        post(3),                                                        # perfect
        post(4, service_type="mental_health", service_type_name="Mental health"),
        post(5, nights=True),                                           # needs nights they cannot do
        post(6, hours_per_week=37.5),                                   # hours a bit off
    ]
    ranked = rank_posts(candidate(), posts)
    # 90 perfect; 82 hours off by 7.5; 70 next door; 45 far (-10); 45 needs nights (-30); 40 a kind
    # of care they did not choose (-25). (Issue 15: mismatches take points away; before, a post far
    # away or of another kind of care only missed the points, 55 and 65.)
    assert [(m.post.id, m.score) for m in ranked] == [(3, 90), (6, 82), (2, 70), (1, 45), (5, 45), (4, 40)]
    assert "Needs nights, which they cannot work" in ranked[4].concerns
    assert "In Welwyn Hatfield, next to St Albans" in ranked[2].reasons


def test_homecare_needs_a_driver_with_a_car():
    homecare = post(1, service_type="homecare", service_type_name="Homecare (domiciliary)")
    not_driving = score(candidate(service_types=frozenset({"homecare"})), homecare)
    assert not not_driving.suitable and "Needs a driver with a car" in not_driving.concerns
    driving = score(candidate(service_types=frozenset({"homecare"}), drives=True), homecare)
    assert driving.suitable and "Drives, with a car, as homecare needs" in driving.reasons
    ranked = rank_posts(candidate(), [homecare, post(2, district="Watford")])
    assert [m.post.id for m in ranked] == [2, 1]  # unsuitable last, whatever its score


def test_ties_go_to_the_vacancy_open_longest():
    ranked = rank_posts(candidate(), [post(1, opened_on=date(2026, 3, 1)), post(2, opened_on=date(2026, 1, 5))])
    assert [m.post.id for m in ranked] == [2, 1]


def test_senior_roles_prefer_experience():
    senior = post(1, job_role="senior_care_worker", job_role_name="Senior care worker")
    assert score(candidate(experienced=True), senior).score - score(candidate(), senior).score == 10


def test_candidates_for_a_vacancy_rank_the_same_way():
    people = [candidate(id=1, name="Far", district="Watford"), candidate(id=2, name="Near"),
              candidate(id=3, name="Nights", nights=True, district="Dacorum")]
    ranked = rank_candidates(post(nights=True), people)
    assert [(m.candidate.name, m.score) for m in ranked] == [("Nights", 70), ("Near", 45), ("Far", 0)]
    assert all(m.reasons or m.concerns for m in ranked)


# Issue 15 point 5 ----------------------------------------------------------------------------------

NURSE = dict(job_role="registered_nurse", job_role_name="Registered nurse")


def test_a_registered_nurse_post_is_never_suggested_without_an_nmc_pin():
    for experienced in (False, True):
        match = score(candidate(experienced=experienced), post(1, **NURSE))
        assert not match.suitable
        assert "Registered nurse needs an NMC registration (PIN), which they have not given" in match.concerns
    ranked = rank_posts(candidate(), [post(1, **NURSE), post(2, district="Watford")])
    assert [m.post.id for m in ranked] == [2, 1] and not ranked[1].suitable
    registered = score(candidate(experienced=True, registrations=frozenset({"nmc"})), post(1, **NURSE))
    assert registered.suitable and not any("NMC" in c for c in registered.concerns)


def test_an_nmc_pin_in_the_qualifications_answer_counts_as_registration():
    assert registrations_in("RGN, NMC PIN 12a3456e, renewal 2027") == frozenset({"nmc"})
    assert registrations_in("Level 2 Diploma in Care") == frozenset()
    assert registrations_in(None) == frozenset()


def test_homecare_is_not_ranked_first_for_someone_who_did_not_choose_it():
    homecare = post(1, service_type="homecare", service_type_name="Homecare (domiciliary)", driving_needed=True)
    residential_next_door = post(2, district="Welwyn Hatfield")
    ranked = rank_posts(candidate(drives=True), [homecare, residential_next_door])
    assert [m.post.id for m in ranked] == [2, 1]
    assert "Homecare (domiciliary) is not one of the kinds of care they chose" in ranked[1].concerns
    chosen = candidate(drives=True, service_types=frozenset({"homecare", "residential_older_people"}))
    assert rank_posts(chosen, [homecare, residential_next_door])[0].post.id == 1


def test_mismatches_lower_the_rank_and_are_listed():
    fits, needs_weekends = post(1, weekends=False), post(2, weekends=True)
    weekdays_only = candidate(weekends=False)
    ranked = rank_posts(weekdays_only, [needs_weekends, fits])
    assert [m.post.id for m in ranked] == [1, 2]
    assert ranked[1].concerns == ["Needs weekends, which they cannot work"]
    assert ranked[0].score - ranked[1].score == 15 + 30
    far_hours = score(candidate(hours_per_week=16), post(3, hours_per_week=40.0))
    assert "40 hours a week (they want 16)" in far_hours.concerns and far_hours.score == 35 + 25 - 10 + 15


def test_the_vacancy_asked_about_on_the_jobs_board_ranks_first_among_suitable_ones():
    asker = candidate(interested_vacancy_id=2)
    best, asked = post(1), post(2, district="Watford", hours_per_week=12.0)
    ranked = rank_posts(asker, [best, asked])
    assert [m.post.id for m in ranked] == [2, 1] and ranked[0].score < ranked[1].score
    assert ranked[0].asked_about and "The applicant asked about this vacancy on the jobs board" in ranked[0].reasons
    unsuitable = post(3, service_type="homecare", service_type_name="Homecare")  # no car
    assert [m.post.id for m in rank_posts(candidate(interested_vacancy_id=3), [best, unsuitable])] == [1, 3]
    assert [m.candidate.id for m in rank_candidates(asked, [candidate(), candidate(id=2, name="Zed",
                                                                                   interested_vacancy_id=2)])] == [2, 1]
