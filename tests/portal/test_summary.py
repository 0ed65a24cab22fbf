"""The workplace summary: the outcomes engine's stored snapshot for the latest month end when there
is one, else the same formulas over today's records; the page says which."""
from datetime import date, timedelta

import sqlalchemy as sa

from academy.extensions import db
from academy.outcomes.models import OutcomeSnapshot
from academy.portal import summary as summaries
from tests import factories
from tests.helpers import text


def test_computed_directly_when_no_snapshot_is_stored(client, two):
    a = two["a"]
    home = a["home"]
    factories.employment(home, start=date.today() - timedelta(days=30))  # a starter
    factories.employment(home, start=date(2020, 1, 1), leaving=date.today() - timedelta(days=5))  # a leaver
    result = summaries.workplace_summary(db.session, home)
    assert result.source == "computed" and result.as_of == date.today()
    f = result.figures
    assert f["filled_posts"].numerator == 2  # the fixture's worker and the starter
    assert f["vacancy_rate"].numerator == 1 and f["vacancy_rate"].denominator == 3
    assert f["starters_rate"].numerator == 1 and f["turnover_rate"].numerator == 1
    client.sign_in(a["manager"])
    page = text(client.get(f"/portal/{home.id}/"))
    assert "computed from today" in page and "33.3%" in page


def test_the_stored_snapshot_is_used_when_there_is_one(client, two):
    home = two["a"]["home"]
    month_end = summaries.latest_month_end(date.today())
    for metric, numerator, denominator in (("filled_posts", 17, None), ("vacancy_rate", 3, 20),
                                           ("turnover_rate", 4, 17), ("starters_rate", 5, 17)):
        db.session.add(OutcomeSnapshot(scope_type="workplace", scope_id=home.id, date=month_end, metric=metric,
                                       numerator=numerator, denominator=denominator))
    db.session.commit()
    result = summaries.workplace_summary(db.session, home)
    assert result.source == "stored" and result.as_of == month_end
    assert result.figures["filled_posts"].numerator == 17 and result.figures["vacancy_rate"].rate == 0.15
    client.sign_in(two["a"]["manager"])
    page = text(client.get(f"/portal/{home.id}/"))
    assert "stored figures" in page and "15.0%" in page and ">17<" in page
    # The other workplace has no stored snapshot: computed.
    assert summaries.workplace_summary(db.session, two["b"]["home"]).source == "computed"


def test_the_tier_mix_counts_staff_in_post(client, two):
    home = two["a"]["home"]
    shown, mix = summaries.tier_mix(db.session, [two["a"]["employment"].person], date.today())
    assert shown  # academy/tiers is in place
    assert sum(number for _, number in mix) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeSnapshot)) == 0
    client.sign_in(two["a"]["manager"])
    assert "Career tiers of staff in post" in text(client.get(f"/portal/{home.id}/"))
