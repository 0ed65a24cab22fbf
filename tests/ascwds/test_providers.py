"""A workplace without a CQC provider number belongs to the provider of the workplaces it came
with in the same file, or to the provider the importing person chooses: never a provider of its
own (issue 14, part 7)."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from academy.ascwds.apply import apply_plan
from academy.ascwds.models import ImportBatch
from academy.auth.access import Invalid
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import District, Provider, Workplace
from tests import factories
from tests.ascwds.conftest import check, edited, run, warnings
from tests.helpers import has_error_summary, location_path, text

PINE = {"LOCALESTID": "PINE1", "STATUS": "NEW", "ESTNAME": "Pine Court", "ADDRESS1": "2 High St",
        "POSTTOWN": "St Albans", "POSTCODE": "AL1 3JE", "MAINSERVICE": "6", "REGTYPE": "0"}  # no PROVNUM


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _providers() -> int:
    return db.session.scalar(select(func.count()).select_from(Provider))


def _provider_of(name: str) -> Provider:
    return db.session.scalar(select(Workplace).where(Workplace.name == name)).provider


def test_it_joins_the_provider_of_a_new_workplace_in_the_same_file(hcpa):
    report = run(hcpa, ("workplace.csv", edited("workplace.csv", add_rows=[PINE])),
                 district_id=factories.district().id)
    assert _provider_of("Pine Court") == _provider_of("Oak House")
    assert _provider_of("Pine Court").cqc_provider_id == "1-101000001" and _providers() == 1
    assert _provider_of("Pine Court").name == "Oak House"  # named after the workplace with the number
    assert ("Line 3, PROVNUM: Pine Court (PINE1) has no CQC provider number: it joins the provider with CQC "
            "provider ID 1-101000001, as the other workplaces in the file do") in warnings(report)


def test_it_joins_the_provider_of_a_workplace_already_in_the_service(hcpa):
    oak = factories.workplace(name="Oak House", ascwds_local_id="OAK1", cqc_location_id="1-000000001",
                              provider=Provider(name="Oakwood Care Ltd"))
    workplace = edited("workplace.csv", {1: {"STATUS": "UNCHECKED", "PROVNUM": ""}}, add_rows=[PINE])
    report = run(hcpa, ("workplace.csv", workplace), district_id=factories.district().id)
    assert _provider_of("Pine Court").id == oak.provider_id and _providers() == 1
    assert ("Line 3, PROVNUM: Pine Court (PINE1) has no CQC provider number: it joins Oakwood Care Ltd, the "
            "provider of the other workplaces in the file") in warnings(report)


def test_alone_it_waits_for_the_importing_person_to_choose(hcpa):
    chosen = factories.workplace(name="Elm Lodge", provider=Provider(name="Elmfield Homes")).provider
    alone = edited("workplace.csv", add_rows=[PINE], drop_rows=(1,))
    plan = check(hcpa, ("workplace.csv", alone), district_id=factories.district().id)
    assert plan.report.ok and plan.report.provider_needed == ["Pine Court (PINE1)"]
    assert ("Line 2, PROVNUM: Pine Court (PINE1) has no CQC provider number and the other workplaces in the file "
            "do not give its provider: choose its provider before applying") in warnings(plan.report)
    with pytest.raises(Invalid, match="Choose the provider of the new workplaces without a CQC provider number"):
        apply_plan(db.session, plan, hcpa)
    assert db.session.scalar(select(Workplace).where(Workplace.name == "Pine Court")) is None
    run(hcpa, ("workplace.csv", alone), district_id=factories.district().id, provider_id=chosen.id)
    assert _provider_of("Pine Court") == chosen and _providers() == 1


def test_workplaces_of_two_providers_leave_the_choice_to_the_importing_person(hcpa):
    factories.workplace(name="Elm Lodge", ascwds_local_id="ELM1", provider=Provider(name="Elmfield Homes"))
    elm = {**PINE, "LOCALESTID": "ELM1", "STATUS": "UNCHECKED", "ESTNAME": "Elm Lodge"}
    plan = check(hcpa, ("workplace.csv", edited("workplace.csv", add_rows=[elm, PINE])),
                 district_id=factories.district().id)
    assert plan.report.provider_needed == ["Pine Court (PINE1)"]


def test_the_provider_export_includes_it(hcpa, client):
    run(hcpa, ("workplace.csv", edited("workplace.csv", add_rows=[PINE])), district_id=factories.district().id)
    client.sign_in(hcpa)
    provider = _provider_of("Oak House")
    response = client.get(f"/ascwds/providers/{provider.id}/export.zip")
    workplaces = zipfile.ZipFile(io.BytesIO(response.data)).read("workplace.csv").decode()
    assert "Pine Court" in workplaces and "Oak House" in workplaces


def _upload(client, *files: tuple[str, bytes], **fields):
    token = client.csrf_token("/ascwds/import")
    data = {"csrf_token": token, "files": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post("/ascwds/import", data=data, content_type="multipart/form-data")


def test_the_import_page_asks_for_the_provider_and_applies_with_it(client, hcpa):
    chosen = factories.workplace(name="Elm Lodge", provider=Provider(name="Elmfield Homes")).provider
    district = db.session.scalar(select(District).where(District.name == "St Albans"))
    client.sign_in(hcpa)
    alone = edited("workplace.csv", add_rows=[PINE], drop_rows=(1,))
    page_url = location_path(_upload(client, ("workplace.csv", alone), district_id=str(district.id)))
    page = text(client.get(page_url))
    assert "Provider of the new workplaces without a CQC provider number" in page
    assert "The files do not say which provider runs Pine Court (PINE1): choose it" in page
    refused = client.submit(page_url + "/apply", {"provider_id": "0"}, form_page=page_url)
    assert refused.status_code == 422 and has_error_summary(refused)
    assert "Choose the provider of the new workplaces" in text(refused)
    assert db.session.scalar(select(Workplace).where(Workplace.name == "Pine Court")) is None
    applied = client.submit(page_url + "/apply", {"provider_id": str(chosen.id)}, form_page=page_url)
    assert applied.status_code == 302
    assert _provider_of("Pine Court") == chosen
    assert db.session.scalar(select(ImportBatch)).state.name == "applied"


def test_the_import_page_asks_nothing_when_the_file_gives_the_provider(client, hcpa):
    district = db.session.scalar(select(District).where(District.name == "St Albans"))
    client.sign_in(hcpa)
    page_url = location_path(_upload(client, ("workplace.csv", edited("workplace.csv", add_rows=[PINE])),
                                     district_id=str(district.id)))
    assert "Provider of the new workplaces" not in text(client.get(page_url))
    assert client.submit(page_url + "/apply", form_page=page_url).status_code == 302


def test_the_command_line_takes_the_provider_by_name(app, ctx, tmp_path):
    factories.workplace(name="Elm Lodge", provider=Provider(name="Elmfield Homes"))
    path = tmp_path / "workplace.csv"
    path.write_bytes(edited("workplace.csv", add_rows=[PINE], drop_rows=(1,)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "ascwds", str(path), "--district", "Watford"])
    assert result.exit_code == 1 and "Choose the provider of Pine Court (PINE1) with --provider NAME" in result.output
    result = runner.invoke(args=["import", "ascwds", str(path), "--district", "Watford", "--provider", "Nobody"])
    assert result.exit_code != 0 and "Nobody is not one of the providers" in result.output
    result = runner.invoke(args=["import", "ascwds", str(path), "--district", "Watford",
                                 "--provider", "Elmfield Homes"])
    assert result.exit_code == 0, result.output
    assert _provider_of("Pine Court").name == "Elmfield Homes"
