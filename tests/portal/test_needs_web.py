"""The portal's Training needs (STAN+) page and its downloads over HTTP."""
import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from academy.auth.models import AuditEvent
from academy.extensions import db
from academy.tiers.rules import seed_tiers
from tests import factories
from tests.helpers import Client, text

TODAY = date.today()


def _home(app):
    workplace = factories.workplace(name="Verulam House")
    manager = factories.manager([workplace])
    fire = factories.course(name="Fire safety", mandatory_for=["care_worker"])
    worker = factories.care_worker(workplace, full_name="-Casey Carer", start=TODAY - timedelta(days=20))
    factories.training_record(worker.person, of=fire, completed=TODAY - timedelta(days=400),
                              expires_on=TODAY - timedelta(days=35))
    client = Client(app)
    client.sign_in(manager)
    return workplace, manager, client


def test_the_page_shows_the_plan_and_each_workers_needs(app, ctx):
    seed_tiers(db.session)
    db.session.commit()
    workplace, manager, client = _home(app)
    response = client.get(f"/portal/{workplace.id}/training-needs")
    body = text(response)
    assert response.status_code == 200
    assert "1 of 1 staff in post have a training need" in body
    assert body.index("Fire safety") < body.index("Care Certificate induction")  # expired 35 days ago comes first
    assert "Expired " in body and "Overdue" in body and "Not started" in body
    assert "Each worker&#39;s needs" in body or "Each worker's needs" in body
    # Their next tier (1) needs only the induction started, which the Care Certificate need covers.
    assert "Next tier" not in body
    assert db.session.query(AuditEvent).filter_by(action="viewed_training_needs", actor_id=manager.id).count() == 1


def test_an_empty_workplace_says_so(app, ctx):
    workplace = factories.workplace(name="Empty Place")
    client = Client(app)
    client.sign_in(factories.manager([workplace]))
    body = text(client.get(f"/portal/{workplace.id}/training-needs"))
    assert "No training needs" in body and "0 of 0 staff" in body


def test_downloads_are_the_plan_with_formulas_neutralised(app, ctx):
    workplace, manager, client = _home(app)
    response = client.get(f"/portal/{workplace.id}/training-needs.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="training-needs-')
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == ["Need", "Kind", "Name", "Job role", "Why", "Due by", "Overdue"]
    assert rows[1][:3] == ["Fire safety", "Mandatory training", "'-Casey Carer"]
    assert rows[1][5] == (TODAY - timedelta(days=35)).isoformat() and rows[1][6] == "Yes"
    sheet = load_workbook(io.BytesIO(client.get(f"/portal/{workplace.id}/training-needs.xlsx").data)).active
    assert sheet.title == "Training needs" and sheet["C2"].value == "'-Casey Carer"
    assert client.get(f"/portal/{workplace.id}/training-needs.json").status_code == 404
    assert db.session.query(AuditEvent).filter_by(action="downloaded_training_needs").count() == 2
