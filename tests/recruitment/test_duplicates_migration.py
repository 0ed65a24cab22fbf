"""Migration 0022 fills the matching keys of applications already there and records the pairs
among those already sent, on a database of its own (upgrade, add rows, down to 0021 and up again)."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from academy.auth.models import Role
from academy.extensions import db
from recruitment.models import Application, PossibleDuplicate, State


def test_the_migration_fills_keys_and_finds_pairs_among_existing_applications(database_url, tmp_path):
    from academy import create_app
    from academy.config import TestConfig
    from tests import factories

    if database_url.startswith("sqlite"):
        url, drop = f"sqlite:///{tmp_path / 'keys.db'}", None
    else:
        from tests.conftest import _postgres_database

        url, drop = _postgres_database()
    app = create_app(TestConfig(url))
    try:
        with app.app_context(), app.test_request_context():
            upgrade()
            none = {"service_codes": ()}  # no reference data in this database
            first = factories.application(owner=factories.user(Role.applicant, email="kim.lee@gmail.com"),
                                          full_name="Kim Lee", phone="07700 900601", postcode="AL5 1AA", **none)
            second = factories.application(owner=factories.user(Role.applicant, email="kimlee+2@googlemail.com"),
                                           full_name="KIM LEE", phone="+44 7700 900602", postcode="al51aa", **none)
            factories.application(full_name="Kim Lee", phone="07700900601", postcode="AL5 1AA", state=State.draft,
                                  **none)
            factories.application(full_name="Other Person", phone="07700 900699", postcode="SG1 1AA", **none)
            first_id, second_id = first.id, second.id
            db.session.remove()
            downgrade(revision="0021_interview_slots")
            upgrade()

            stored = db.session.get(Application, second_id)
            assert (stored.email_key, stored.mobile_key, stored.name_postcode_key) == (
                "kimlee@gmail.com", "+447700900602", "kim lee|AL51AA")
            pairs = db.session.scalars(sa.select(PossibleDuplicate)).all()  # the draft is never matched
            assert [(p.application_id, p.other_application_id, p.reasons) for p in pairs] == [
                (first_id, second_id, ["Same email address", "Same name and postcode"])]
            assert pairs[0].found_at is not None and pairs[0].status.name == "open"
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
