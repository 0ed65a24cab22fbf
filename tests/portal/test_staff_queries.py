"""The portal's staff list runs a fixed number of SQL statements, whether 10 or 300 staff are on it."""
from datetime import date, timedelta
from decimal import Decimal

from academy.extensions import db
from academy.workplaces.models import ContractType, Employment, Person
from tests import factories
from tests.helpers import statements_for, text
from training.models import CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, StandardState


def add_staff(home, count: int, start: int = 0) -> None:
    """Many staff quickly (one commit), every third inducting with 16 standards."""
    role = factories.job_role("care_worker")
    for n in range(start, start + count):
        person = Person(full_name=f"Bulk Worker {n:03d}")
        db.session.add(Employment(person=person, workplace=home, job_role=role, contract_type=ContractType.permanent,
                                  hours_per_week=Decimal("30"), start_date=date.today() - timedelta(days=40 + n)))
        if n % 3 == 0:
            started = date.today() - timedelta(days=30)
            db.session.add(CareCertificateInduction(
                person=person, version=CertificateVersion.v2025, started_on=started,
                target_on=started + timedelta(weeks=12),
                standards=[CareCertificateStandardProgress(standard_number=k, state=StandardState.signed_off
                                                           if k <= n % 16 else StandardState.not_started)
                           for k in range(1, 17)]))
    db.session.commit()




def test_the_staff_list_uses_the_same_number_of_queries_for_10_and_300_staff(app, client):
    home = factories.workplace(name="Verulam House")
    client.sign_in(factories.manager(workplaces=[home]))
    url = f"/portal/{home.id}/staff"
    add_staff(home, 10)
    app.config["PAGE_SIZE"] = 300  # everyone on one page
    try:
        with_10 = statements_for(client, url)
        add_staff(home, 290, start=10)
        with_300 = statements_for(client, url)
        body = text(client.get(url))
    finally:
        app.config["PAGE_SIZE"] = 25
    assert with_10 == with_300, (with_10, with_300)
    assert with_300 <= 25, with_300
    assert "Bulk Worker 299" in body and "Showing 1 to 300 of 300 staff" in body
    print(f"staff list: {with_300} statements for 300 staff")
