"""The PDF passport carries the awards and thanks the worker chose to show, as the HTML passport
does, and nothing of them when the worker keeps them hidden (the default)."""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from tests import factories
from tests.helpers import Client


def pdf_text(client) -> str:
    response = client.get("/training/passport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.data)).pages)


def test_the_pdf_shows_awards_and_thanks_only_when_the_worker_chose_to(app, ctx):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Wren Worker")
    manager = factories.manager([workplace], full_name="Mo Manager")
    category = factories.award_category("Care worker of the year")
    factories.nomination(worker.person, factories.award_round("Hertfordshire Care Awards 2026"), category,
                         status="winner")
    factories.thanks(worker.person, by=manager, message="You made Mrs B's birthday.")
    client = Client(app)
    client.sign_in(worker)
    hidden = pdf_text(client)
    assert "Recognition" not in hidden and "Care worker of the year" not in hidden and "Mrs B" not in hidden
    factories.recognition_choice(worker.person, show=True)
    shown = pdf_text(client)
    assert "Recognition" in shown
    assert "Winner: Care worker of the year, Hertfordshire Care Awards 2026" in shown
    assert "You made Mrs B's birthday." in shown and "From Mo Manager" in shown
