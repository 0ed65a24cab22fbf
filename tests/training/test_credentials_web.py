"""Credential pages: the worker downloads credentials from their passport; anyone checks one on the
public verify page (pasted, uploaded, or by its link); the issuer's DID document and status list
are public; a withdrawn verification shows as revoked."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

from joserfc import jws

from academy.extensions import db
from tests import factories
from tests.helpers import has_error_summary, path_of, text
from training import passport
from training.credentials.issue import tokens_in
from training.credentials.models import IssuedCredential


def verified_record(team, name="Moving and handling"):
    course = factories.course(name=name, renewal_months=12)
    return factories.training_record(team.worker.person, of=course, verified_by=team.manager)


def test_the_worker_downloads_a_credential_and_a_stranger_verifies_it(client, team, new_client):
    record = verified_record(team)
    client.sign_in(team.worker)
    page = text(client.get("/training/"))
    link = f"/credentials/mine/training_record/{record.id}"
    assert link in page and "Download as a credential" in page and "Download the whole passport" in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="moving-and-handling')
    token = text(response)
    payload = json.loads(jws.extract_compact(token.encode()).payload)
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

    stranger = new_client()
    result = stranger.submit("/credentials/verify", {"credential": token})
    body = text(result)
    assert result.status_code == 200 and "Valid" in body and "Casey Carer" in body and "Moving and handling" in body
    uploaded = stranger.submit("/credentials/verify", {"file": (BytesIO(token.encode()), "credential.jwt")},
                               content_type="multipart/form-data")
    assert "Casey Carer" in text(uploaded) and "its signature matches" in text(uploaded)
    row = db.session.query(IssuedCredential).one()
    by_link = stranger.get(f"/credentials/verify/{row.public_id}")
    assert by_link.status_code == 200 and "Valid" in text(by_link)


def test_withdrawing_the_verification_revokes_the_credential(client, team, new_client):
    record = verified_record(team)
    client.sign_in(team.worker)
    client.get(f"/credentials/mine/training_record/{record.id}")
    row = db.session.query(IssuedCredential).one()
    manager = new_client(team.manager)
    assert "Withdraw verification" in text(manager.get(f"/training/people/{team.worker.person.id}"))
    response = manager.submit(f"/training/records/{record.id}/withdraw-verification",
                              form_page=f"/training/people/{team.worker.person.id}")
    assert response.status_code == 302
    page = text(new_client().get(f"/credentials/verify/{row.public_id}"))
    assert "Revoked" in page and "has revoked it" in page and "Casey Carer" in page
    # The worker can no longer download it, and the line is self-declared again.
    assert client.get(f"/credentials/mine/training_record/{record.id}").status_code == 409


def test_only_verified_items_of_ones_own_passport_download(client, team):
    unverified = factories.training_record(team.worker.person)
    other = factories.care_worker(team.workplace, full_name="Other Worker")
    theirs = factories.training_record(other.person, verified_by=team.manager)
    client.sign_in(team.worker)
    refused = client.get(f"/credentials/mine/training_record/{unverified.id}")
    assert refused.status_code == 409 and "Only verified training" in text(refused)
    assert client.get(f"/credentials/mine/training_record/{theirs.id}").status_code == 404
    assert client.get("/credentials/mine/no_such_kind/1").status_code == 404


def test_a_manager_cannot_download_a_workers_credentials(client, team):
    record = verified_record(team)
    client.sign_in(team.manager)
    assert client.get(f"/credentials/mine/training_record/{record.id}").status_code == 403


def test_the_whole_passport_downloads_as_one_presentation(client, team, new_client):
    verified_record(team, "Moving and handling")
    verified_record(team, "Fire safety")
    factories.training_record(team.worker.person)  # self-declared: left out
    client.sign_in(team.worker)
    response = client.get("/credentials/mine/passport.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(text(response))
    assert document["type"] == ["VerifiablePresentation"] and len(document["verifiableCredential"]) == 2
    assert len(tokens_in(text(response))) == 2
    checked = new_client().submit("/credentials/verify", {"credential": text(response)})
    assert "2 of 2 credentials are valid" in text(checked)


def test_the_issuer_and_its_status_list_are_public(client, team):
    record = verified_record(team)
    factories.issued_credential(team.worker.person, source_id=record.id)
    did = client.get("/.well-known/did.json")
    document = json.loads(text(did))
    assert did.status_code == 200 and document["id"] == "did:web:localhost"
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert all("d" not in m["publicKeyJwk"] for m in document["verificationMethod"])
    listed = client.get("/credentials/status/0")
    assert listed.status_code == 200 and listed.mimetype == "application/vc+jwt"
    payload = json.loads(jws.extract_compact(text(listed).encode()).payload)
    assert payload["credentialSubject"]["type"] == "BitstringStatusList"
    assert client.get("/credentials/status/99999999999").status_code == 404


def test_the_verify_page_explains_what_it_cannot_check(client):
    page = client.get("/credentials/verify")
    assert page.status_code == 200 and "You do not need an account" in text(page)
    empty = client.submit("/credentials/verify", {"credential": ""})
    assert empty.status_code == 422 and has_error_summary(empty)
    rubbish = client.submit("/credentials/verify", {"credential": "not a credential"})
    assert rubbish.status_code == 200 and "Not a credential" in text(rubbish)
    assert client.get("/credentials/verify/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/credentials/verify/set/forged").status_code == 404


def test_a_shared_passport_links_to_the_same_credentials(client, team, new_client):
    verified_record(team)
    share, _ = passport.create_share(db.session, team.worker.person, "Verulam House", 7, team.worker)
    db.session.commit()
    employer = new_client()
    shared = text(employer.get(f"/training/shared/{passport.share_token(share)}"))
    match = re.search(r'href="([^"]*/credentials/verify/set/[^"]+)"', shared)
    assert match and "Check this passport" in shared and "s credentials</a>" in shared
    checked = employer.get(path_of(match.group(1)))
    assert checked.status_code == 200 and "Valid" in text(checked) and "Moving and handling" in text(checked)
