"""The GCR funnel (academy/outcomes/funnel.py): worked out by hand on a small history, stored by the
outcomes job, shown on the dashboard, printed by `flask outcomes show` and in the downloads."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.outcomes import funnel, readers, report, snapshots
from academy.outcomes.models import OutcomeSnapshot
from recruitment.models import HeardAbout, State, StateChange
from tests import factories

FEB, MAR = date(2025, 2, 28), date(2025, 3, 31)


def _seconds(text: str) -> int:
    return int(np.datetime64(text, "s").astype(np.int64))


def _day(text: str) -> float:
    return float(np.datetime64(text, "D").astype(np.int64))


def hand_made_history():
    """Ten applications from social media (source 2) in district 5 sent, then leaving "sent, waiting
    for screening" on 20 March 2025 after 0, 1, 1, 2, 3, 5, 8, 12, 30 and 100 days: seven went on to
    screening, two withdrew, one was not progressed. Application 11 (an advertising campaign, source 1)
    was sent on 1 March, put on hold on the 5th, resumed on the 10th and screened on the 15th: one stay
    of 14 days. Four forms begun in March: a draft that saved 3 pages (no source or district yet), one
    that saved none, one that saved 12 (source 3), and one sent on 4 March (its furthest page was never
    recorded: a sent form went through them all)."""
    changes, apps = [], []
    leaving = "2025-03-20T12:00:00"
    exits = ["screening"] * 7 + ["withdrawn", "withdrawn", "not_progressed"]
    for n, (days, exit_to) in enumerate(zip([0, 1, 1, 2, 3, 5, 8, 12, 30, 100], exits), start=1):
        changes += [(n, "submitted", _seconds(leaving) - days * 86400), (n, exit_to, _seconds(leaving))]
        apps.append((n, _day("2024-11-01"), _day("2024-11-02"), 2, 5, 19))
    changes += [(11, "submitted", _seconds("2025-03-01T09:00:00")), (11, "on_hold", _seconds("2025-03-05T09:00:00")),
                (11, "submitted", _seconds("2025-03-10T09:00:00")), (11, "screening", _seconds("2025-03-15T09:00:00"))]
    apps.append((11, _day("2025-01-20"), _day("2025-03-01"), 1, 5, 19))
    apps += [(12, _day("2025-03-03"), np.nan, 0, 0, 3), (13, _day("2025-03-10"), np.nan, 0, 5, 0),
             (14, _day("2025-03-10"), np.nan, 3, 5, 12), (15, _day("2025-03-02"), _day("2025-03-04"), 2, 5, 0)]
    changes.append((15, "submitted", _seconds("2025-03-04T10:00:00")))
    change_frame = pd.DataFrame(changes, columns=["application_id", "state", "at"])
    change_frame.insert(0, "change_id", np.arange(1, len(changes) + 1))
    change_frame["state"] = funnel.state_codes(change_frame["state"])
    app_frame = pd.DataFrame(apps, columns=["application_id", "started_day", "sent_day", "source", "district_id",
                                            "furthest_page"])
    change_frame = change_frame.merge(app_frame[["application_id", "source", "district_id"]], on="application_id")
    return funnel.Inputs(change_frame.sample(frac=1, random_state=1), app_frame)  # any order


@pytest.fixture
def computed():
    rows = funnel.compute(hand_made_history(), [FEB, MAR])
    return rows.assign(date=pd.to_datetime(rows["date"]).dt.date)


def figure(rows, metric, day=MAR, scope_type="county", scope_id=0):
    chosen = rows[(rows.scope_type == scope_type) & (rows.scope_id == scope_id) & (rows.metric == metric)
                  & (rows.date == day)]
    assert len(chosen) <= 1
    if chosen.empty:
        return (0, 0)  # nothing happened: not stored
    numerator, denominator = chosen.iloc[0][["numerator", "denominator"]]
    return (numerator, None if pd.isna(denominator) else denominator)


def test_conversion_and_drop_out_at_a_stage(computed):
    # 11 stays ended in March: 8 went on (7 + the one held and resumed), 3 withdrew or were not progressed
    assert figure(computed, "funnel_submitted_went_on") == (8, 11)
    assert figure(computed, "funnel_submitted_dropped") == (3, 11)
    # moved in during March: the 8 sent 0-12 days before the 20th, application 11 once (resuming is no
    # move), application 15; the one sent on 18 February counts in February, the one in December nowhere
    assert figure(computed, "funnel_submitted_entered") == (10, None)
    assert figure(computed, "funnel_submitted_entered", FEB) == (1, None)
    assert figure(computed, "funnel_screening_entered") == (8, None)


def test_waiting_is_the_stock_at_each_date(computed):
    assert figure(computed, "funnel_submitted_waiting", FEB) == (2, None)  # sent in December and February
    assert figure(computed, "funnel_submitted_waiting") == (1, None)  # application 15
    assert figure(computed, "funnel_screening_waiting") == (8, None)
    assert figure(computed, "funnel_screening_waiting", FEB) == (0, 0)


def test_median_and_90th_percentile_of_the_stays(computed):
    shown = funnel.figures_from_rows(computed[computed.scope_type == "county"], "county", 0, [MAR])
    sent = shown.stages[0]
    assert (sent.entered, sent.left, sent.went_on, sent.dropped, sent.waiting) == (10, 11, 8, 3, 1)
    # stays of 0, 1, 1, 2, 3, 5, 8, 12, 14, 30, 100 days: the 6th shortest is 5 days, the 10th 30
    assert (sent.median_days, sent.p90_days) == (5, 30)
    assert (sent.median, sent.p90) == ("5 days", "30 days")
    assert figure(computed, "funnel_submitted_median_days") == (5, 11)
    # by source, from that source's own stays (never from other percentiles): social media's ten
    assert figure(computed, "funnel_submitted_median_days", scope_type="gcr_source", scope_id=2) == (3, 10)
    assert figure(computed, "funnel_submitted_p90_days", scope_type="gcr_source", scope_id=1) == (14, 1)
    # the 12 months to the latest date: February's stays too (none ended in February here)
    assert figure(computed, "funnel_submitted_p90_days_12m") == (30, 11)
    assert figure(computed, "funnel_submitted_p90_days_12m", FEB) == (0, 0)  # stored at the latest date only


def test_form_drop_off_by_page(computed):
    shown = funnel.figures_from_rows(computed[computed.scope_type == "county"], "county", 0, [MAR])
    reached = {page.number: page.reached for page in shown.pages}
    assert shown.started == 4
    assert (reached[1], reached[3], reached[4], reached[12], reached[13], reached[19]) == (3, 3, 2, 2, 1, 1)
    assert shown.sent == 1 and shown.sent_rate == 0.25
    assert figure(computed, "funnel_form_page_04") == (2, 4)


def test_scopes_add_up(computed):
    assert figure(computed, "funnel_submitted_went_on", scope_type="gcr_source", scope_id=2) == (7, 10)
    assert figure(computed, "funnel_submitted_went_on", scope_type="gcr_source", scope_id=1) == (1, 1)
    assert figure(computed, "funnel_form_started", scope_type="gcr_district", scope_id=0) == (1, None)
    assert figure(computed, "funnel_form_started", scope_type="gcr_district", scope_id=5) == (3, None)
    assert set(computed.scope_type) == {"gcr_source", "gcr_district", "county"}  # cells are counted, not stored
    counted = computed[computed.metric.isin(funnel.COUNTED)]
    for scope_type in ("gcr_source", "gcr_district"):
        summed = counted[counted.scope_type == scope_type].groupby(["metric", "date"])[["numerator"]].sum()
        county = counted[counted.scope_type == "county"].set_index(["metric", "date"])[["numerator"]]
        assert summed.sort_index().equals(county.sort_index()), scope_type


def test_nothing_stored_where_nothing_happened(computed):
    assert not ((computed["numerator"] == 0) & (computed["denominator"].fillna(0) == 0)).any()
    empty = funnel.compute(funnel.Inputs(hand_made_history().changes.iloc[:0],
                                         hand_made_history().applications.iloc[:0]), [MAR])
    assert empty.empty


# -- stored by the job, read back, shown --------------------------------------------------------------

LAST_MONTH_END = date.today().replace(day=1) - timedelta(days=1)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


@pytest.fixture
def world(ctx):
    """In the month to LAST_MONTH_END: A (social media, St Albans) sent 20 days before its end and
    screened 10 days before; B (an advertising campaign, Watford) sent 15 days before and withdrawn 2
    days later; C a draft begun 5 days before that saved 4 pages (St Albans, no source yet)."""
    month_start = LAST_MONTH_END.replace(day=1)
    staff = factories.user(Role.hcpa_staff)
    a = factories.application(heard_about=HeardAbout.social_media, district_name="St Albans",
                              created_at=_at(month_start), submitted_at=_at(LAST_MONTH_END - timedelta(days=20)))
    b = factories.application(heard_about=HeardAbout.campaign, district_name="Watford",
                              created_at=_at(month_start), submitted_at=_at(LAST_MONTH_END - timedelta(days=15)))
    c = factories.application(state=State.draft, heard_about=None, district_name="St Albans",
                              created_at=_at(LAST_MONTH_END - timedelta(days=5)), furthest_page=4,
                              **{f"answer_{v}": None for v in ("care", "compassion")})
    moves = [(a, None, State.submitted, 20), (a, State.submitted, State.screening, 10),
             (b, None, State.submitted, 15), (b, State.submitted, State.withdrawn, 13)]
    for app_, before, after, days in moves:
        db.session.add(StateChange(application=app_, from_state=before or State.draft, to_state=after, by_id=staff.id,
                                   occurred_at=_at(LAST_MONTH_END - timedelta(days=days))))
    db.session.commit()
    snapshots.run_outcomes(db.session, LAST_MONTH_END, LAST_MONTH_END)
    return {"a": a, "b": b, "c": c}


def stored(metric, scope_type="county", scope_id=0):
    row = db.session.get(OutcomeSnapshot, (scope_type, scope_id, LAST_MONTH_END))
    figure = None if row is None else row.figures.get(metric)
    return None if figure is None else (figure[0], figure[1])


def test_the_job_stores_the_funnel(world):
    assert stored("funnel_submitted_went_on") == (1, 2)
    assert stored("funnel_submitted_dropped") == (1, 2)
    assert stored("funnel_screening_waiting") == (1, None)
    assert stored("funnel_submitted_median_days") == (2, 2)  # B: 2 days, A: 10
    assert stored("funnel_submitted_p90_days") == (10, 2)
    assert stored("funnel_submitted_p90_days_12m") == (10, 2)
    assert stored("funnel_form_started") == (3, None)
    assert stored("funnel_form_page_04") == (3, 3)  # A and B were sent, C saved page 4
    assert stored("funnel_form_page_05") == (2, 3)
    assert stored("funnel_form_sent") == (2, 3)
    social = list(HeardAbout).index(HeardAbout.social_media) + 1
    assert stored("funnel_submitted_went_on", "gcr_source", social) == (1, 1)
    watford = world["b"].district_id
    assert stored("funnel_submitted_dropped", "gcr_district", watford) == (1, 1)
    assert stored("funnel_form_started", "gcr_source", 0) == (1, None)  # C has not said yet
    # a re-run replaces the figures, never duplicates them
    snapshots.run_outcomes(db.session, LAST_MONTH_END, LAST_MONTH_END)
    assert stored("funnel_submitted_went_on") == (1, 2)


def test_a_duplicate_merged_away_counts_once(world):
    """D, a second application of A's applicant, sent and screened in the same month, then merged into
    A: its history moves to A (marked merged_from_id) and D becomes a pointer; the figures are A's alone."""
    from recruitment import duplicates

    staff = factories.user(Role.hcpa_staff)
    d = factories.application(heard_about=HeardAbout.social_media, district_name="St Albans",
                              created_at=_at(LAST_MONTH_END.replace(day=1)),
                              submitted_at=_at(LAST_MONTH_END - timedelta(days=18)))
    for before, after, days in ((None, State.submitted, 18), (State.submitted, State.screening, 9)):
        db.session.add(StateChange(application=d, from_state=before or State.draft, to_state=after, by_id=staff.id,
                                   occurred_at=_at(LAST_MONTH_END - timedelta(days=days))))
    db.session.commit()
    snapshots.run_outcomes(db.session, LAST_MONTH_END, LAST_MONTH_END)
    assert stored("funnel_submitted_went_on") == (2, 3) and stored("funnel_form_started") == (4, None)
    duplicates.merge(db.session, factories.possible_duplicate(world["a"], d), world["a"], staff)
    db.session.commit()
    snapshots.run_outcomes(db.session, LAST_MONTH_END, LAST_MONTH_END)
    assert stored("funnel_submitted_went_on") == (1, 2)  # as before D: A went on, B withdrew
    assert stored("funnel_screening_waiting") == (1, None)
    assert stored("funnel_form_started") == (3, None)


def test_the_figures_read_back_and_name_their_scopes(world):
    shown = funnel.figures(db.session, "county", 0, [LAST_MONTH_END])
    sent = shown.stages[0]
    assert (sent.entered, sent.left, sent.went_on, sent.dropped, sent.median, sent.p90) == (2, 2, 1, 1, "2 days",
                                                                                          "10 days")
    names = report.scope_names(db.session, "gcr_source")
    assert names[0] == "Not given" and names[2] == HeardAbout.social_media.value


def test_saving_a_page_records_the_furthest_page(client, ctx):
    applicant = factories.user(Role.applicant)
    client.sign_in(applicant)
    assert client.submit("/recruitment/apply/name", {"full_name": "Ann Applicant"}).status_code == 302
    assert client.submit("/recruitment/apply/phone", {"phone": "07700 900982"}).status_code == 302
    assert client.submit("/recruitment/apply/name", {"full_name": "Ann B Applicant"}).status_code == 302
    from recruitment.models import Application

    application = db.session.query(Application).filter_by(user_id=applicant.id).one()
    assert application.furthest_page == 2  # going back to page 1 does not lower it


def test_hcpa_sees_the_funnel_on_the_dashboard_and_filters_it(client, world):
    client.sign_in(factories.user(Role.hcpa_staff))
    page = client.get("/outcomes/").get_data(as_text=True)
    assert "GCR funnel: where applications leak" in page
    assert "Sent, waiting for screening" in page and "50.0%" in page and "1 of 2" in page
    assert "/outcomes/funnel/stages.svg" in page and "/outcomes/funnel/form.svg" in page
    social = list(HeardAbout).index(HeardAbout.social_media) + 1
    filtered = client.get(f"/outcomes/?funnel_whose=source-{social}&funnel_month={LAST_MONTH_END.isoformat()}")
    text = filtered.get_data(as_text=True)
    assert filtered.status_code == 200 and "100.0%" in text and "1 of 1" in text
    assert f'<option value="source-{social}" selected>' in text
    watford = client.get(f"/outcomes/?funnel_whose=district-{world['b'].district_id}").get_data(as_text=True)
    assert "0.0%<br><span class=\"govuk-body-s\">0 of 1" in watford  # B went nowhere ...
    assert "100.0%<br><span class=\"govuk-body-s\">1 of 1" in watford  # ... it was withdrawn
    for bad in ("funnel_whose=source-99", "funnel_whose=district-abc", "funnel_whose=district-999999",
                "funnel_whose=elsewhere-1", "funnel_month=2001-01-31", "funnel_whose=source-%C2%B2"):
        assert client.get(f"/outcomes/?{bad}").status_code == 404, bad


def test_the_funnel_charts_are_svg_with_readable_text(client, world):
    client.sign_in(factories.user(Role.hcpa_staff))
    for part in ("stages", "form"):
        for size in ("wide", "narrow"):
            response = client.get(f"/outcomes/funnel/{part}.svg?size={size}")
            assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = client.get("/outcomes/funnel/stages.svg").get_data(as_text=True)
    assert "Sent, waiting for screening" in body and "50% went on" in body
    assert client.get("/outcomes/funnel/other.svg").status_code == 404
    assert client.get("/outcomes/funnel/stages.svg?size=huge").status_code == 404


def test_managers_see_no_funnel(client, world):
    place = factories.workplace()
    client.sign_in(factories.user(Role.manager, workplaces=[place]))
    assert "GCR funnel" not in client.get("/outcomes/").get_data(as_text=True)
    assert client.get("/outcomes/funnel/stages.svg").status_code == 403
    assert client.get("/outcomes/funnel/download.csv").status_code == 403


def test_downloads_include_the_funnel(client, world):
    client.sign_in(factories.user(Role.hcpa_staff))
    response = client.get("/outcomes/funnel/download.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Part", "Stage or page", "Moved in or reached"]
    sent = next(r for r in rows if r[1] == "Sent, waiting for screening")
    assert sent[2:8] == ["2", "2", "1", "0.5", "1", "2 days"]
    assert db.session.query(AuditEvent).filter_by(action="downloaded_outcomes").count() == 1
    book = load_workbook(io.BytesIO(client.get("/outcomes/funnel/download.xlsx").data))
    assert any(row[1] == "Page 4: Where you would like to work" for row in book.active.iter_rows(values_only=True))
    everything = client.get("/outcomes/download.csv").get_data(as_text=True)
    assert "Sent, waiting for screening: went on" in everything


def test_cli_shows_the_funnel(app, world):
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["outcomes", "show", "--scope", "county"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    assert "GCR funnel, Hertfordshire" in shown.output
    line = next(line for line in shown.output.splitlines() if line.startswith("Sent, waiting for screening"))
    assert "1 (50.0%)" in line and "2 days" in line and "10 days" in line
    by_source = runner.invoke(args=["outcomes", "show", "--scope", "source"], catch_exceptions=False)
    assert f"GCR funnel, {HeardAbout.social_media.value}" in by_source.output
    assert "GCR funnel, Not given" in by_source.output


def test_moves_are_put_in_order_by_application_time_and_change():
    """Two moves of one application in the same second keep the order they were made in (change id),
    however the rows arrive; an application id too big to pack takes the three-key sort."""
    moved = np.array([7, 3, 7, 3, 7])
    at = np.array([500, 100, 200, 100, 200])
    change_id = np.array([5, 2, 4, 1, 3])
    expected = np.lexsort((change_id, at, moved))
    assert funnel._in_order(moved, at, change_id).tolist() == expected.tolist() == [3, 1, 4, 2, 0]
    huge = moved + (1 << 40)
    assert funnel._in_order(huge, at * (1 << 20), change_id).tolist() == expected.tolist()


def test_the_job_reads_the_funnel_beside_the_rest_only_where_it_sees_the_same_rows(world):
    """On PostgreSQL, with nothing of the job's transaction written yet, the funnel is read on a
    connection of its own while the rest is computed, with the same figures; with a change not yet
    committed (which another connection could not see) it is read on the job's own connection."""
    connection = db.session.connection()
    beside = funnel.Alongside.start(connection, [LAST_MONTH_END])
    try:
        on_postgres = connection.dialect.name == "postgresql"
        assert (beside._future is not None) == on_postgres
        assert_same_rows(beside.rows(), funnel.snapshot_rows(connection, [LAST_MONTH_END]))
    finally:
        beside.abandon()
    staff = factories.user(Role.hcpa_staff)
    db.session.add(StateChange(application=world["a"], from_state=State.screening, to_state=State.withdrawn,
                               by_id=staff.id, occurred_at=_at(LAST_MONTH_END - timedelta(days=1))))
    db.session.flush()
    assert funnel.Alongside.start(db.session.connection(), [LAST_MONTH_END])._future is None
    snapshots.run_outcomes(db.session, LAST_MONTH_END, LAST_MONTH_END)
    assert stored("funnel_screening_dropped") == (1, 1)  # the uncommitted move counted
    assert stored("funnel_screening_waiting") is None


def test_packed_and_row_by_row_reads_agree(world):
    """On PostgreSQL the server can pack the rows (readers.read_packed_numbers): the same numbers,
    empty days as NaN, whatever the size of a group of rows."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        assert funnel.read(connection, [LAST_MONTH_END], packed=True).changes.shape[0] == 4  # not packed
        return
    rows = funnel.read(connection, [LAST_MONTH_END])
    packed = funnel.read(connection, [LAST_MONTH_END], packed=True)
    for left, right in ((rows.changes, packed.changes), (rows.applications, packed.applications)):
        pd.testing.assert_frame_equal(left.sort_values(left.columns[0], ignore_index=True),
                                      right.sort_values(right.columns[0], ignore_index=True))
    assert packed.applications["sent_day"].isna().sum() == 1  # C, the draft
    small = readers.read_packed_numbers(connection, funnel.changes_sql(connection, [LAST_MONTH_END]),
                                        funnel.CHANGE_DTYPES, "change_id", rows=1)
    pd.testing.assert_frame_equal(small.sort_values("change_id", ignore_index=True),
                                  rows.changes.sort_values("change_id", ignore_index=True))


def assert_same_rows(left: pd.DataFrame, right: pd.DataFrame) -> None:
    key = ["scope_type", "scope_id", "date", "metric"]
    assert len(left) > 0
    pd.testing.assert_frame_equal(left.sort_values(key, ignore_index=True), right.sort_values(key, ignore_index=True))
