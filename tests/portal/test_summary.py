"""The workplace summary: what needs attention (with counts and links), today's counts (as the staff
and vacancies pages count them, exactly), and the month-end figures labelled with their date: the
outcomes dashboard's stored snapshot when there is one, else the same formulas at that month end."""
import re
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import event

from academy.extensions import db
from academy.outcomes.models import OutcomeSnapshot
from academy.portal import summary as summaries
from academy.workplaces.models import ContractType
from recruitment.models import ReferralStatus
from tests import factories
from tests.helpers import text

TODAY = date.today()


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def test_month_end_figures_are_computed_at_the_month_end_when_no_snapshot_is_stored(client, two):
    a = two["a"]
    home = a["home"]
    month_end = summaries.latest_month_end(TODAY)
    a["employment"].start_date, a["vacancy"].opened_on = date(2020, 1, 1), date(2024, 1, 1)
    db.session.commit()
    factories.employment(home, start=month_end - timedelta(days=30))  # a starter before the month end
    factories.employment(home, start=date(2020, 1, 1), leaving=month_end - timedelta(days=5))  # a leaver
    factories.employment(home, start=month_end + timedelta(days=1))  # after the month end: not counted there
    result = summaries.workplace_summary(db.session, home, a["manager"])
    assert result.source == "computed" and result.as_of == month_end
    f = result.figures
    assert f["filled_posts"].numerator == 2  # the fixture's worker and the starter
    assert f["vacancy_rate"].numerator == 1 and f["vacancy_rate"].denominator == 3
    assert f["starters_rate"].numerator == 1 and f["turnover_rate"].numerator == 1
    client.sign_in(a["manager"])
    page = text(client.get(f"/portal/{home.id}/"))
    assert f"At {_long(month_end)}" in page and "33.3%" in page
    assert "not stored figures for this month end yet" in page
    assert "outcomes engine" not in page


def test_the_stored_snapshot_is_used_when_there_is_one(client, two):
    home = two["a"]["home"]
    month_end = summaries.latest_month_end(TODAY)
    db.session.add(OutcomeSnapshot(scope_type="workplace", scope_id=home.id, date=month_end, figures={
        metric: [numerator, denominator, "records"]
        for metric, numerator, denominator in (("filled_posts", 17, None), ("vacancy_rate", 3, 20),
                                               ("turnover_rate", 4, 17), ("starters_rate", 5, 17))}))
    db.session.commit()
    result = summaries.workplace_summary(db.session, home)
    assert result.source == "stored" and result.as_of == month_end
    assert result.figures["filled_posts"].numerator == 17 and result.figures["vacancy_rate"].rate == 0.15
    client.sign_in(two["a"]["manager"])
    page = text(client.get(f"/portal/{home.id}/"))
    assert "dashboard's own figures" in page and "15.0%" in page and ">17<" in page
    assert f"Workforce at {_long(month_end)}" in page
    # Today's counts stay live beside them: 1 on the staff list, 1 open vacancy.
    assert re.search(r'id="live-staff">1<', page) and re.search(r'id="live-vacancies">1 \(1 post\)', page)
    # The other workplace has no stored snapshot: computed.
    assert summaries.workplace_summary(db.session, two["b"]["home"]).source == "computed"


def test_the_tier_mix_counts_staff_in_post(client, two):
    home = two["a"]["home"]
    shown, mix = summaries.tier_mix(db.session, [two["a"]["employment"].person], TODAY)
    assert shown  # academy/tiers is in place
    assert sum(number for _, number in mix) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeSnapshot)) == 0
    client.sign_in(two["a"]["manager"])
    assert "Career tiers of staff in post" in text(client.get(f"/portal/{home.id}/"))


def test_the_tier_figures_are_the_full_evaluations_and_the_endorsement_pages(ctx):
    """The summary counts tiers from the standings (not the checklists): its tier mix and its
    endorsements waiting are what the full evaluation of each member of staff gives, and the count
    is the length of the endorsements page's list, with staff at every rung."""
    from academy.portal.matrix import staff_in_post
    from academy.tiers.awards import awaiting_endorsement
    from academy.tiers.evaluator import tiers_for
    from tests.tiers.conftest import ON, people_at_every_rung

    class Ladder:
        tiers = factories.tiers()
        courses = factories.catalogue()
        workplace = factories.workplace()

    manager = factories.manager(workplaces=[Ladder.workplace])
    people_at_every_rung(Ladder)
    result = summaries.workplace_summary(db.session, Ladder.workplace, manager, today=ON)
    full = tiers_for(db.session, [m.person for m in staff_in_post(db.session, Ladder.workplace, ON)], ON)
    assert len(full) == 10  # everyone but the starter of tomorrow
    assert result.tiers_shown and result.tier_mix == summaries.tier_rows(full)
    assert len(result.tier_mix) == 3  # tiers 1 and 2 awarded, and none yet
    endorsements = next(item for item in result.attention if item.key == "endorsements")
    waiting = sum(1 for evaluation in full.values() if evaluation.awaiting_endorsement)
    assert endorsements.count == waiting == len(awaiting_endorsement(db.session, manager, ON)) == 8


def _page_total(page: str, noun: str) -> int:
    found = re.search(rf"Showing \d+ to \d+ of (\d+) {noun}", page)
    return int(found.group(1)) if found else 0


def _posts_listed(page: str) -> int:
    return sum(int(n) for n in re.findall(r'govuk-table__cell--numeric">(\d+)</td>', page))


def test_todays_counts_agree_with_the_staff_and_vacancies_pages(client, two):
    a = two["a"]
    home = a["home"]
    factories.employment(home, contract=ContractType.bank)  # on the list, not a filled post
    factories.employment(home, contract=ContractType.agency)
    factories.employment(home, start=TODAY + timedelta(days=20))  # starts later: listed, flagged
    factories.employment(home, start=date(2020, 1, 1), leaving=TODAY - timedelta(days=3))  # left: not listed
    factories.employment(home, start=date(2020, 1, 1), leaving=TODAY + timedelta(days=30))  # leaving later: listed
    factories.vacancy(home, posts=3)
    factories.vacancy(home, contract_type=ContractType.bank)
    factories.vacancy(home, closed_on=TODAY - timedelta(days=1))  # closed: not open
    factories.vacancy(two["b"]["home"], posts=4)  # another workplace's
    client.sign_in(a["manager"])
    summary_page = text(client.get(f"/portal/{home.id}/"))
    staff_page = text(client.get(f"/portal/{home.id}/staff"))
    vacancies_page = text(client.get(f"/portal/{home.id}/vacancies"))
    live = summaries.live_counts(db.session, home, TODAY)
    assert live.staff == _page_total(staff_page, "staff") == 5
    assert live.starting_later == staff_page.count("Starts later") == 1
    assert live.vacancies == _page_total(vacancies_page, "vacancies") == 3
    assert live.vacant_posts == _posts_listed(vacancies_page) == 5
    assert 'id="live-staff">5 (1 starting later)<' in summary_page
    assert 'id="live-vacancies">3 (5 posts)<' in summary_page


def _attention(page: str) -> dict[str, str]:
    return dict(re.findall(r'<li id="attention-(\w+)">(.*?)</li>', page, re.S))


def test_needs_your_attention_counts_each_item_and_links_to_its_page(client, two):
    a, b = two["a"], two["b"]
    home = a["home"]
    factories.tier(1, criteria=[("induction_started", None, None)])
    course = factories.course(renewal_months=12, mandatory_for=["care_worker"])
    worker = a["employment"].person
    factories.training_record(worker, of=course, completed=TODAY - timedelta(days=400))  # expired
    soon = factories.employment(home, start=date(2024, 1, 1)).person
    factories.training_record(soon, of=course, completed=TODAY - timedelta(days=365 - 20))  # expires in 20 days
    later = factories.employment(home, start=date(2024, 1, 1)).person
    factories.training_record(later, of=course, completed=TODAY - timedelta(days=365 - 50))  # 50 days: not yet
    factories.induction(later, started=date(2024, 1, 8)).completed_on = date(2024, 3, 1)  # completed: done
    factories.induction(worker, started=TODAY - timedelta(weeks=13))  # past its 12-week target
    factories.induction(soon, started=TODAY - timedelta(weeks=2))  # within target
    factories.employment(home, start=TODAY - timedelta(weeks=4))  # none started, 4 weeks in: fine
    factories.employment(home, start=TODAY - timedelta(weeks=14))  # none started, 14 weeks in: past
    factories.referral(factories.application(), at_vacancy=a["vacancy"])  # a second one waiting
    factories.referral(factories.application(), at_vacancy=a["vacancy"], status=ReferralStatus.declined)
    factories.referral(factories.application(), at_vacancy=b["vacancy"])  # another workplace's
    client.sign_in(a["manager"])
    items = _attention(text(client.get(f"/portal/{home.id}/")))
    assert "2 referrals waiting for your decision" in items["referrals"]
    assert f'href="/portal/{home.id}/referrals"' in items["referrals"]
    # Expired (the worker) and expiring within 30 days (soon); the new starters have it missing, not due.
    assert "2 mandatory courses expired or expiring within 30 days" in items["training"]
    assert f'href="/portal/{home.id}/training-needs"' in items["training"]
    assert "2 Care Certificate inductions past 12 weeks" in items["inductions"]
    assert f'href="/portal/{home.id}/inductions"' in items["inductions"]
    # Tier 1 needs an induction started: the worker, soon and later meet it and hold none.
    assert "3 career tiers waiting for endorsement" in items["endorsements"]
    assert 'href="/tiers/endorsements"' in items["endorsements"]
    # Each link opens for the manager.
    for item in items.values():
        href = re.search(r'href="([^"]+)"', item).group(1)
        assert client.get(href).status_code == 200


def test_hcpa_sees_the_list_without_the_managers_only_endorsement_link(client, two):
    from academy.auth.models import Role

    factories.tier(1, criteria=[("induction_started", None, None)])
    factories.induction(two["a"]["employment"].person)
    client.sign_in(factories.user(Role.hcpa_staff))
    items = _attention(text(client.get(f"/portal/{two['a']['home'].id}/")))
    assert "1 career tier waiting for endorsement" in items["endorsements"] and "href" not in items["endorsements"]
    assert "1 referral waiting" in items["referrals"]


def test_the_summary_takes_the_same_queries_for_2_and_12_staff(client, two):
    a = two["a"]
    home = a["home"]
    factories.tier(1, criteria=[("induction_started", None, None)])
    course = factories.course(renewal_months=12, mandatory_for=["care_worker"])

    def add_staff(count):
        for _ in range(count):
            person = factories.employment(home).person
            factories.training_record(person, of=course, completed=TODAY - timedelta(days=400))
            factories.induction(person, started=TODAY - timedelta(weeks=13))
            factories.referral(factories.application(), at_vacancy=factories.vacancy(home))

    def queries():
        seen = []

        def count(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(f"/portal/{home.id}/")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return seen, text(response)

    client.sign_in(a["manager"])
    add_staff(1)
    queries()  # warm up (first-request loads)
    few, _ = queries()
    add_staff(10)
    many, page = queries()
    # 11 expired; the fixture's worker (a year in post, no induction) is past 12 weeks too.
    assert "11 mandatory courses expired" in page and "12 Care Certificate inductions past 12 weeks" in page
    assert len(many) == len(few)
    # The inductions' standards (16 rows each) are never read: the summary shows no progress.
    assert not [statement for statement in many if "care_certificate_standards" in statement]
