"""`flask recruitment find-duplicates`: records the pairs among applications already sent, says
how many it scanned and found, and finds nothing new the second time."""
from datetime import timedelta

import sqlalchemy as sa

from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment.models import Application, DuplicateStatus, PossibleDuplicate, State
from tests import factories


def _sent(**fields):
    return factories.application(submitted_at=utcnow() - timedelta(days=2), **fields)


def test_find_duplicates_records_pairs_once_and_reports_the_counts(app, ctx):
    first = _sent(owner=factories.user(Role.applicant, email="mo.farah@gmail.com"), phone="07700 900801")
    second = _sent(owner=factories.user(Role.applicant, email="MoFarah+jobs@gmail.com"), phone="07700 900802")
    _sent(phone="07700 900803", full_name="Someone Else", postcode="EN1 1AA")
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.state.not_in((State.draft, State.merged))))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["recruitment", "find-duplicates"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Scanned {sent} sent applications; 2 share a matching key with another. "
                                     "New possible duplicate pairs: 1 (HCPA's Possible duplicates lists them).")
    db.session.expire_all()
    [pair] = db.session.scalars(sa.select(PossibleDuplicate))
    assert (pair.application_id, pair.other_application_id, pair.status) == (first.id, second.id,
                                                                            DuplicateStatus.open)
    assert pair.reasons == ["Same email address"]

    again = runner.invoke(args=["recruitment", "find-duplicates"], catch_exceptions=False)
    assert again.exit_code == 0 and "New possible duplicate pairs: 0" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PossibleDuplicate)) == 1


def test_the_recruitment_group_lists_the_command(app):
    result = app.test_cli_runner().invoke(args=["recruitment", "--help"])
    assert result.exit_code == 0 and "find-duplicates" in result.output
