"""The outcomes pages: who may see and do what, recompute, charts, downloads and baselines."""
import csv
import io
import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from rq import Queue

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.jobs import redis_connection
from academy.outcomes import jobs, report, snapshots
from academy.outcomes.baselines import seed_baselines
from academy.outcomes.metrics import STRATEGY_METRICS
from academy.outcomes.models import Baseline, OutcomeSnapshot
from tests import factories, jobs_for_tests
from tests.helpers import has_error_summary, location_path, text

TODAY = date.today()


@pytest.fixture
def places(ctx):
    """Two workplaces with staff and vacancies, snapshots for the last two months, and the baselines."""
    own = factories.workplace(name="Own Home", district_name="St Albans")
    other = factories.workplace(name="=HYPERLINK(\"http://evil.example\")", district_name="Watford")
    for place in (own, other):
        factories.employment(place, start=TODAY - timedelta(days=900))
        factories.employment(place, start=TODAY - timedelta(days=400), leaving=TODAY - timedelta(days=20))
        factories.vacancy(place, opened=TODAY - timedelta(days=100))
    seed_baselines(db.session)
    db.session.commit()
    snapshots.run_outcomes(db.session, TODAY - timedelta(days=40), TODAY)
    return {"own": own, "other": other}


def sign_in_as(client, role, places):
    user = factories.user(role, workplaces=[places["own"]] if role == Role.manager else ())
    client.sign_in(user)
    return user


@pytest.mark.parametrize("role, expected", [
    (None, 302), (Role.applicant, 403), (Role.care_worker, 403), (Role.manager, 200),
    (Role.hcpa_staff, 200), (Role.admin, 200),
])
def test_who_may_open_the_dashboard(client, places, role, expected):
    if role:
        sign_in_as(client, role, places)
    response = client.get("/outcomes/")
    assert response.status_code == expected
    if role is None:
        assert location_path(response) == "/sign-in"


def test_hcpa_sees_the_county_outcomes_against_the_baselines(client, places):
    sign_in_as(client, Role.hcpa_staff, places)
    district = places["own"].district_id
    page = text(client.get(f"/outcomes/?compare=district-{district}"))
    for label in ("Vacancy rate", "Turnover rate", "Qualification uptake", "Care inductions",
                  "Registered-manager turnover", "Good Care Recruitment"):
        assert label in page
    assert "Hertfordshire" in page and "St Albans" in page
    # County: 2 vacancies over 2 filled + 2 vacant; the Hertfordshire 2024 baseline is 6.1%, lower is better.
    assert "50.0%" in page and "2 of 4" in page
    assert "is higher than Hertfordshire 2024: 6.1%: worse" in page
    assert 'style="' not in page.split("<main")[1]


def test_a_manager_sees_only_their_own_workplace(client, places):
    sign_in_as(client, Role.manager, places)
    page = text(client.get("/outcomes/"))
    assert "Own Home" in page and "HYPERLINK" not in page and "Good Care Recruitment" not in page
    assert "Recompute outcomes" not in page
    assert client.get(f"/outcomes/?scope=workplace-{places['other'].id}").status_code == 404
    assert client.get("/outcomes/?scope=county").status_code == 404
    assert client.get(f"/outcomes/?scope=district-{places['own'].district_id}").status_code == 404
    assert client.get(f"/outcomes/charts/vacancy_rate.svg?scope=workplace-{places['other'].id}").status_code == 404
    assert client.get(f"/outcomes/download.csv?scope=workplace-{places['other'].id}").status_code == 404
    assert client.get(f"/outcomes/charts/vacancy_rate.svg?scope=workplace-{places['own'].id}").status_code == 200


def test_chart_is_an_svg_image_with_no_script(client, places):
    sign_in_as(client, Role.hcpa_staff, places)
    response = client.get(f"/outcomes/charts/turnover_rate.svg?compare=service_type-{places['own'].service_type_id}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = text(response)
    assert body.lstrip().startswith("<?xml") and "<svg" in body and "<script" not in body
    assert client.get("/outcomes/charts/nonsense.svg").status_code == 404
    assert client.get("/outcomes/charts/turnover_rate.svg?compare=district-99999").status_code == 404


def test_each_outcome_is_a_headline_a_chart_and_its_figures_behind_a_disclosure(client, places):
    sign_in_as(client, Role.hcpa_staff, places)
    page = text(client.get("/outcomes/"))
    latest = snapshots.latest_date(db.session)
    rows = {row.metric: row for row in report.outcome_rows(db.session, "county", [latest], [0])}
    for metric in STRATEGY_METRICS:
        section = re.search(rf'<section class="app-outcome" aria-labelledby="outcome-{metric.key}">(.*?)</section>',
                            page, re.S).group(1)
        # The headline: the latest figure, its numerator and denominator, its source and the baseline.
        row = rows[metric.key]
        figure = re.search(r'<p class="app-outcome__figure">([^<]*)</p>', section).group(1)
        assert figure == (report.format_rate(row) or "No figure")  # no registered managers here: no figure
        assert f"{int(row.numerator)} of {int(row.denominator)}" in section
        assert "Source: Service records" in section and "Hertfordshire 2024" in section
        # The chart, drawn for a phone too; then the month table inside the closed disclosure.
        picture = re.search(r"<picture>(.*?)</picture>", section, re.S).group(1)
        assert f"/outcomes/charts/{metric.key}.svg?size=narrow" in picture
        assert re.search(rf'<img class="app-outcome__chart" src="/outcomes/charts/{metric.key}.svg"', picture)
        details = re.search(r'<details class="govuk-details[^"]*">(.*?)</details>', section, re.S)
        assert details and section.index("<picture>") < details.start()
        summary = re.search(r'<summary class="govuk-details__summary">(.*?)</summary>', details.group(1), re.S)
        assert re.sub(r"<[^>]+>", "", summary.group(1)).startswith("Show the figures")
        assert f"{metric.label} by month</caption>" in details.group(1)
        assert figure in details.group(1) and "Published baselines" in details.group(1)


@pytest.mark.parametrize("size, width", [("wide", 600), ("narrow", 350)])
def test_chart_text_is_16_px_and_names_the_baseline(client, places, size, width):
    sign_in_as(client, Role.hcpa_staff, places)
    response = client.get(f"/outcomes/charts/vacancy_rate.svg?size={size}")
    svg = ElementTree.fromstring(response.data)
    assert svg.get("width") == str(width)
    scale = width / float(svg.get("viewBox").split()[2])  # CSS px per user unit, shown at its own width
    texts = svg.findall(".//{http://www.w3.org/2000/svg}text")
    sizes = {round(float(re.search(r"font-size: ([\d.]+)px", t.get("style")).group(1)) * scale, 1) for t in texts}
    assert sizes == {16.0}
    words = " ".join(t.text or "" for t in texts)
    assert "Hertfordshire 2024 baseline:" in words and "6.1%" in words and "Hertfordshire" in words
    assert client.get("/outcomes/charts/vacancy_rate.svg?size=huge").status_code == 404


def test_downloads_neutralise_formulas_and_are_audited(client, places):
    manager = factories.manager(workplaces=[places["other"]])
    client.sign_in(manager)
    response = client.get(f"/outcomes/download.csv?scope=workplace-{places['other'].id}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:4] == ["Scope type", "Scope", "Date", "Metric"]
    assert all(row[1].startswith("'=HYPERLINK") for row in rows[1:])
    workbook = load_workbook(io.BytesIO(client.get(
        f"/outcomes/download.xlsx?scope=workplace-{places['other'].id}").data))
    sheet = workbook.active
    assert sheet["B2"].value.startswith("'=HYPERLINK") and sheet["B2"].data_type == "s"
    events = db.session.query(AuditEvent).filter_by(action="downloaded_outcomes", actor_id=manager.id).all()
    assert len(events) == 2
    assert client.get("/outcomes/download.pdf").status_code == 404


def test_hcpa_starts_a_recompute_and_watches_it_finish(client, places):
    user = sign_in_as(client, Role.hcpa_staff, places)
    db.session.query(OutcomeSnapshot).delete()
    db.session.commit()
    start = TODAY - timedelta(days=70)
    response = client.submit("/outcomes/recompute", {"start": [start.day, start.month, start.year],
                                                     "end": [TODAY.day, TODAY.month, TODAY.year]})
    assert response.status_code == 302 and location_path(response).startswith("/jobs/outcomes-")
    status = client.get(location_path(response))
    assert status.status_code == 200 and "Finished" in text(status) and "Recompute outcomes" in text(status)
    # The finished job's page leads back to the dashboard.
    assert re.search(r'<a class="govuk-link" href="/outcomes/">See the outcomes</a>', text(status))
    assert db.session.query(OutcomeSnapshot).count() > 0
    assert db.session.query(AuditEvent).filter_by(action="started_outcomes_recompute", actor_id=user.id).count() == 1
    assert redis_connection().get(jobs.LOCK_KEY) is None  # the lock is let go when the job ends


@pytest.mark.parametrize("start, end, message", [
    (["1", "2", str(TODAY.year - 1)], ["31", "1", str(TODAY.year - 1)], "must be the same as or after the start date"),
    (["1", "1", str(TODAY.year)], ["1", "1", str(TODAY.year + 1)], "must be today or in the past"),
    (["31", "2", "2025"], ["1", "3", "2025"], "must be a real date"),
    (["", "", ""], ["1", "3", "2025"], "Enter the date to recompute from"),
    (["1"], ["1", "3", "2025"], "must be a real date"),
])
def test_bad_recompute_dates_are_refused_with_422(client, places, start, end, message):
    sign_in_as(client, Role.hcpa_staff, places)
    response = client.submit("/outcomes/recompute", {"start": start, "end": end})
    assert response.status_code == 422 and has_error_summary(response)
    assert message in text(response)


def test_a_recompute_already_running_is_not_started_twice(client, places):
    sign_in_as(client, Role.hcpa_staff, places)
    queued = Queue("outcomes", connection=redis_connection(), is_async=True).enqueue(
        jobs_for_tests.record_steps, 1, "never_run")
    redis_connection().set(jobs.LOCK_KEY, queued.id)
    before = db.session.query(OutcomeSnapshot).count()
    response = client.submit("/outcomes/recompute", {"start": ["1", "1", "2025"], "end": ["31", "1", "2025"]})
    assert response.status_code == 422 and "already running" in text(response)
    assert "A recompute is running" in text(client.get("/outcomes/"))
    assert db.session.query(OutcomeSnapshot).count() == before
    with pytest.raises(snapshots.AlreadyRunning):
        jobs.start_recompute(date(2025, 1, 1), date(2025, 1, 31), owner_id=None)
    # Once that job has gone, its stale lock is taken over.
    queued.delete()
    assert jobs.start_recompute(date(2025, 1, 1), date(2025, 1, 31), owner_id=None).startswith("outcomes-")


@pytest.mark.parametrize("role", [Role.manager, Role.care_worker, Role.applicant])
def test_only_hcpa_and_admin_may_start_a_recompute(client, places, role):
    sign_in_as(client, role, places)
    assert client.get("/outcomes/recompute").status_code == 403
    token = client.csrf_token("/account")
    response = client.post("/outcomes/recompute", data={"csrf_token": token, "start": ["1", "1", "2025"],
                                                        "end": ["31", "1", "2025"]})
    assert response.status_code == 403


def test_recompute_needs_the_csrf_token(client, places):
    sign_in_as(client, Role.hcpa_staff, places)
    response = client.post("/outcomes/recompute", data={"start": ["1", "1", "2025"], "end": ["31", "1", "2025"]})
    assert response.status_code == 400


def test_admin_edits_a_baseline_and_others_may_not(client, places):
    herts = db.session.query(Baseline).filter_by(outcome="vacancy_rate", geography="Hertfordshire", year=2024).one()
    sign_in_as(client, Role.hcpa_staff, places)
    assert client.get("/outcomes/baselines").status_code == 403
    assert client.get(f"/outcomes/baselines/{herts.id}/edit").status_code == 403
    client.sign_out()
    sign_in_as(client, Role.admin, places)
    assert "Hertfordshire" in text(client.get("/outcomes/baselines"))
    url = f"/outcomes/baselines/{herts.id}/edit"
    bad = client.submit(url, {"outcome": "vacancy_rate", "geography": "Hertfordshire", "year": "2024",
                              "value": "140", "good_direction": "down"})
    assert bad.status_code == 422 and "between 0 and 100" in text(bad)
    clash = client.submit(url, {"outcome": "vacancy_rate", "geography": "Hertfordshire", "year": "2023",
                                "value": "5", "good_direction": "down"})
    assert clash.status_code == 422 and "already a Hertfordshire 2023 baseline" in text(clash)
    good = client.submit(url, {"outcome": "vacancy_rate", "geography": "Hertfordshire", "year": "2024",
                               "value": "5.5", "good_direction": "down", "source": "Skills for Care 2024"})
    assert good.status_code == 302
    db.session.expire_all()
    assert float(db.session.get(Baseline, herts.id).value) == 5.5
    added = client.submit("/outcomes/baselines/new", {"outcome": "turnover_rate", "geography": "Dacorum",
                                                       "year": "2025", "value": "19", "good_direction": "down"})
    assert added.status_code == 302
    assert client.get("/outcomes/baselines/99999/edit").status_code == 404


def test_dashboard_before_any_computation_says_so(client, ctx):
    client.sign_in(factories.user(Role.hcpa_staff))
    page = client.get("/outcomes/")
    assert page.status_code == 200 and "No outcomes have been computed yet" in text(page)
    assert client.get("/outcomes/charts/vacancy_rate.svg").status_code == 404


def test_the_dashboard_shows_how_care_starters_came_to_hold_the_care_certificate(client, places):
    """Three care starters at the manager's workplace: one arrived with it, one completed it in 84
    days, one has not completed it: one of three in each part, two of three held it by 12 weeks."""
    own = places["own"]
    start = TODAY - timedelta(days=150)
    arrived, on_time, late = (factories.employment(own, start=start).person for _ in range(3))
    for who, completed in ((arrived, start - timedelta(days=400)), (on_time, start + timedelta(days=84))):
        induction = factories.induction(who, started=completed - timedelta(days=30))
        induction.completed_on = completed
    factories.induction(late, started=start)
    db.session.commit()
    snapshots.run_outcomes(db.session, TODAY - timedelta(days=40), TODAY)
    sign_in_as(client, Role.manager, places)
    page = text(client.get("/outcomes/"))
    section = " ".join(re.sub(r"<[^>]+>", " ", page.split("Care starters and the Care Certificate")[1]).split())
    for label in ("Held it by 12 weeks (the figure) 66.7% 2 of 3", "Arrived already holding it 33.3% 1 of 3",
                  "Completed within 12 weeks 33.3% 1 of 3", "Not by 12 weeks 33.3% 1 of 3"):
        assert label in section
