"""Open Badges 3.0 credentials: every kind validates against 1EdTech's schema, issue -> verify round
trip, and each way a credential can fail (tampered, revoked, expired, unknown issuer) with its own
reason; key rotation; the status list's encoding; production refuses to start without a key."""
from __future__ import annotations

import base64
import gzip
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from academy.auth.access import Invalid, NotAllowed
from academy.config import Config
from academy.extensions import db
from tests import factories
from training.credentials import keys as credential_keys
from training.credentials.issue import issue, issue_passport, presentation, tokens_in
from training.credentials.issuer import did_document, issuer_did, issuer_profile
from training.credentials.models import CredentialKind, IssuedCredential, RevocationReason
from training.credentials.published import check, local_resolver
from training.credentials.signing import start_of_uk_day
from training.credentials.status import LIST_SIZE, bit_is_set, decode, encode, refresh, status_list_credential
from training.credentials.verify import verify
from training.induction import record_completed_certificate
from training.models import CertificateVersion
from training.passport import build_view
from training.records import withdraw_verification

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "openbadges"
SCHEMA = json.loads((SCHEMA_DIR / "achievementcredential.json").read_text())
VALIDATOR = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
PROFILE_VALIDATOR = jsonschema.Draft201909Validator(json.loads((SCHEMA_DIR / "profile.json").read_text()),
                                                    format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def payload_of(token: str) -> dict:
    return json.loads(jws.extract_compact(token.encode()).payload)


def header_of(token: str) -> dict:
    return jws.extract_compact(token.encode()).headers()


@pytest.fixture
def holder(ctx):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    return worker.person, manager


@pytest.fixture
def every_kind(holder):
    """One issuable item of each kind on Casey's passport."""
    person, manager = holder
    moving = factories.course(name="Moving and handling", renewal_months=12, care_certificate_standard=13)
    record = factories.training_record(person, of=moving, verified_by=manager, training_provider="Herts Training",
                                       certificate_reference="MH-1")
    qualification = factories.qualification(person, verified_by_id=manager.id, verified_at=datetime.now(timezone.utc),
                                            awarding_body="City & Guilds")
    induction = record_completed_certificate(db.session, person, CertificateVersion.v2025, date.today() - timedelta(days=20),
                                             manager)
    factories.tier(2, name="Care worker", cwp_category="Care or support worker")
    award = factories.tier_award(person, 2, by=manager)
    db.session.commit()
    return {CredentialKind.training_record: record.id, CredentialKind.qualification: qualification.id,
            CredentialKind.care_certificate: induction.id, CredentialKind.career_tier: award.id}


def test_every_kind_validates_against_the_open_badges_schema_and_verifies(holder, every_kind):
    person, _ = holder
    for kind, source_id in every_kind.items():
        issued = issue(db.session, person, kind, source_id)
        db.session.commit()
        errors = sorted(VALIDATOR.iter_errors(issued.credential), key=str)
        assert not errors, (kind, [e.message for e in errors])
        assert not list(PROFILE_VALIDATOR.iter_errors(issued.credential["issuer"]))
        # The signed payload is the credential itself (plus the JWT registered claims).
        payload = payload_of(issued.token)
        assert {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "exp")} == issued.credential
        assert payload["iss"] == issuer_did() and payload["jti"] == issued.credential["id"]
        assert header_of(issued.token)["alg"] == "EdDSA" and header_of(issued.token)["typ"] == "vc+jwt"
        result = check(db.session, issued.token)
        assert result.valid, (kind, result.outcome)
        assert result.holder == "Casey Carer"
        assert result.issuer_name.endswith("Care Professional Academy")


def test_the_care_certificate_carries_its_16_standards_and_the_tier_its_pathway_category(holder, every_kind):
    person, _ = holder
    certificate = issue(db.session, person, CredentialKind.care_certificate, every_kind[CredentialKind.care_certificate])
    alignments = certificate.credential["credentialSubject"]["achievement"]["alignment"]
    assert [a["targetCode"] for a in alignments] == [str(n) for n in range(1, 17)]
    assert alignments[15]["targetName"] == "Standard 16: Awareness of learning disability and autism"
    tier = issue(db.session, person, CredentialKind.career_tier, every_kind[CredentialKind.career_tier])
    assert tier.credential["credentialSubject"]["achievement"]["alignment"][0]["targetName"] == "Care or support worker"
    training = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    achievement = training.credential["credentialSubject"]["achievement"]
    assert achievement["alignment"][0]["targetCode"] == "13"
    assert "Verified by Morgan Manager" in training.credential["evidence"][1]["narrative"]
    # validUntil: the first moment (UK time) of the day the training expires.
    expires_on = issued_record(training).expires_on
    assert training.credential["validUntil"] == training.credential["expirationDate"] \
        == start_of_uk_day(expires_on).isoformat().replace("+00:00", "Z")
    assert training.credential["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_downloading_again_gives_the_same_credential(holder, every_kind):
    person, _ = holder
    first = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    again = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    assert first.row.id == again.row.id and first.token == again.token


def test_only_verified_current_items_can_be_issued(holder):
    person, manager = holder
    unverified = factories.training_record(person)
    expired = factories.training_record(person, completed=date.today() - timedelta(days=800), verified_by=manager)
    in_progress = factories.qualification(person, status="in_progress", verified_by_id=manager.id,
                                          verified_at=datetime.now(timezone.utc))
    for kind, source_id in ((CredentialKind.training_record, unverified.id), (CredentialKind.training_record, expired.id),
                            (CredentialKind.qualification, in_progress.id)):
        with pytest.raises(Invalid):
            issue(db.session, person, kind, source_id)
    someone_else = factories.person("Other Person")
    with pytest.raises(NotAllowed):
        issue(db.session, someone_else, CredentialKind.training_record, unverified.id)


def test_a_tampered_credential_fails_on_its_signature(holder, every_kind):
    person, _ = holder
    issued = issue(db.session, person, CredentialKind.qualification, every_kind[CredentialKind.qualification])
    head, body, signature = issued.token.split(".")
    payload = payload_of(issued.token)
    payload["credentialSubject"]["achievement"]["name"] = "Level 5 Diploma in Leadership"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    result = check(db.session, f"{head}.{forged_body}.{signature}")
    assert result.outcome == "signature"
    assert "changed since it was issued" in result.reason()
    assert result.holder is None  # nothing from an unverified payload is shown as fact


def test_a_credential_whose_verification_is_withdrawn_is_revoked(holder, every_kind):
    person, manager = holder
    issued = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    assert check(db.session, issued.token).valid
    withdraw_verification(db.session, issued_record(issued), manager)
    db.session.commit()
    result = check(db.session, issued.token)
    assert result.outcome == "revoked" and "has revoked it" in result.reason()
    db.session.commit()
    row = db.session.get(IssuedCredential, issued.row.id)
    assert row.revoked_reason == RevocationReason.withdrawn and row.revoked_at is not None


def issued_record(issued):
    from training.models import TrainingRecord

    return db.session.get(TrainingRecord, issued.row.source_id)


def test_a_corrected_record_revokes_the_old_credential_and_a_new_one_is_issued(holder, every_kind):
    person, _ = holder
    old = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    issued_record(old).completed_on -= timedelta(days=1)
    db.session.commit()
    new = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    assert new.row.id != old.row.id
    assert check(db.session, old.token).outcome == "revoked"
    assert db.session.get(IssuedCredential, old.row.id).revoked_reason == RevocationReason.corrected
    assert check(db.session, new.token).valid


def test_an_expired_credential_fails_as_expired(holder, every_kind):
    person, _ = holder
    issued = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    until = datetime.fromisoformat(issued.credential["validUntil"].replace("Z", "+00:00"))
    result = verify(issued.token, local_resolver(db.session), until + timedelta(seconds=1))
    assert result.outcome == "expired"
    assert result.reason() == f"It expired on {until:%-d %B %Y}."
    assert verify(issued.token, local_resolver(db.session), until - timedelta(seconds=1)).valid
    # The status list marks it too, once the day has come.
    assert refresh(db.session, until + timedelta(seconds=1)) == 1
    assert db.session.get(IssuedCredential, issued.row.id).revoked_reason == RevocationReason.expired


def test_a_lapsed_tier_is_revoked(holder, every_kind):
    person, _ = holder
    issued = issue(db.session, person, CredentialKind.career_tier, every_kind[CredentialKind.career_tier])
    db.session.commit()
    from academy.tiers.models import TierAward

    db.session.get(TierAward, every_kind[CredentialKind.career_tier]).lapsed_on = date.today()
    db.session.commit()
    assert check(db.session, issued.token).outcome == "revoked"
    assert db.session.get(IssuedCredential, issued.row.id).revoked_reason == RevocationReason.lapsed


def test_a_credential_from_another_issuer_is_unknown(holder, every_kind):
    person, _ = holder
    issued = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    stranger = OKPKey.generate_key("Ed25519", parameters={"kid": "k1"})
    payload = payload_of(issued.token)
    payload["issuer"] = {"id": "did:web:certificates.example", "type": ["Profile"], "name": "Certificates Ltd"}
    with credential_keys.algorithm_warning_silenced():
        token = jws.serialize_compact({"alg": "EdDSA", "kid": "did:web:certificates.example#k1"},
                                      json.dumps(payload).encode(), stranger, algorithms=["EdDSA"])
    result = check(db.session, token)
    assert result.outcome == "unknown_issuer"
    assert "Certificates Ltd, which this page does not know" in result.reason()
    # Our issuer's name with a stranger's key: not genuine.
    payload["issuer"] = issuer_profile()
    with credential_keys.algorithm_warning_silenced():
        token = jws.serialize_compact({"alg": "EdDSA", "kid": f"{issuer_did()}#k1"}, json.dumps(payload).encode(),
                                      stranger, algorithms=["EdDSA"])
    assert check(db.session, token).outcome == "signature"


def test_rubbish_is_not_a_credential(ctx):
    for text in ("", "hello", "eyJhbGciOiJFZERTQSJ9.e30.xxxx", '{"a": 1}'):
        assert check(db.session, text).outcome == "malformed"


def test_key_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(app, holder, every_kind):
    person, _ = holder
    old_setting = app.config["CREDENTIAL_SIGNING_KEYS"]
    old = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    try:
        app.config["CREDENTIAL_SIGNING_KEYS"] = credential_keys.rotated(old_setting, kid="key-rotated")
        assert [m["id"].split("#")[1] for m in did_document()["verificationMethod"]][0] == "key-rotated"
        assert len(did_document()["verificationMethod"]) == 2
        assert all("d" not in m["publicKeyJwk"] for m in did_document()["verificationMethod"])
        assert check(db.session, old.token).valid  # signed by the old key, still verifies
        new = issue(db.session, person, CredentialKind.qualification, every_kind[CredentialKind.qualification])
        db.session.commit()
        assert header_of(new.token)["kid"] == f"{issuer_did()}#key-rotated" and new.row.key_id == "key-rotated"
        assert check(db.session, new.token).valid
        # Drop the old key from the set and what it signed no longer verifies.
        only_new = json.loads(app.config["CREDENTIAL_SIGNING_KEYS"])
        only_new["keys"] = only_new["keys"][:1]
        app.config["CREDENTIAL_SIGNING_KEYS"] = json.dumps(only_new)
        assert check(db.session, old.token).outcome == "signature"
    finally:
        app.config["CREDENTIAL_SIGNING_KEYS"] = old_setting


def test_status_list_encoding_follows_the_bitstring_status_list_standard():
    encoded = encode([0, 9, LIST_SIZE - 1])
    assert encoded.startswith("u") and "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 == LIST_SIZE == 131_072
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    bits = decode(encoded)
    assert [i for i in (0, 1, 8, 9, LIST_SIZE - 1) if bit_is_set(bits, i)] == [0, 9, LIST_SIZE - 1]
    with pytest.raises(ValueError):
        decode("u" + base64.urlsafe_b64encode(gzip.compress(bytes(10))).decode())  # too short


def test_the_status_list_credential(holder, every_kind):
    person, manager = holder
    issued = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    db.session.commit()
    withdraw_verification(db.session, issued_record(issued), manager)
    listed = status_list_credential(db.session, 0)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = listed["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert bit_is_set(decode(subject["encodedList"]), int(issued.credential["credentialStatus"]["statusListIndex"]))
    assert issued.credential["credentialStatus"]["statusListCredential"] == listed["id"]


def test_the_whole_passport_is_a_presentation_of_every_credential(holder, every_kind):
    person, _ = holder
    bundle = issue_passport(db.session, person, build_view(db.session, person))
    db.session.commit()
    assert sorted(issued.row.kind.name for issued in bundle) == sorted(kind.name for kind in every_kind)
    document = presentation(bundle)
    assert document["type"] == ["VerifiablePresentation"]
    tokens = tokens_in(json.dumps(document))
    assert tokens == [issued.token for issued in bundle]
    assert all(check(db.session, token).valid for token in tokens)


def test_production_refuses_to_start_without_a_signing_key():
    production = {"GOODCARE_ENV": "production", "SECRET_KEY": "k" * 40, "MAIL_SERVER": "smtp.example",
                  "PUBLIC_BASE_URL": "https://care.example"}
    with pytest.raises(RuntimeError, match="CREDENTIAL_SIGNING_KEYS"):
        Config(production)
    key_set = credential_keys.new_key_set()
    assert Config({**production, "CREDENTIAL_SIGNING_KEYS": key_set}).CREDENTIAL_SIGNING_KEYS == key_set


def test_a_key_set_is_checked_when_read(tmp_path):
    key_file = tmp_path / "keys.json"
    key_file.write_text(credential_keys.new_key_set())
    assert credential_keys.load_key_set(str(key_file)).signing.is_private
    for bad, message in ((str(tmp_path / "missing.json"), "does not exist"), ('{"keys": []}', "no keys"),
                         (credential_keys.rotated(credential_keys.new_key_set()).replace('"d"', '"dd"', 1), "private")):
        with pytest.raises(credential_keys.KeyConfigurationError, match=message):
            credential_keys.load_key_set(bad)


def test_flask_credentials_makes_and_rotates_keys(app, holder, every_kind):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["credentials", "new-key"])
    assert made.exit_code == 0 and credential_keys.load_key_set(made.output).signing.is_private
    current = credential_keys.load_key_set(app.config["CREDENTIAL_SIGNING_KEYS"])
    rotated = credential_keys.load_key_set(runner.invoke(args=["credentials", "rotate-key"]).output)
    assert rotated.signing_kid != current.signing_kid and current.signing_kid in rotated.verifying
    assert not rotated.verifying[current.signing_kid].is_private
    person, manager = holder
    issued = issue(db.session, person, CredentialKind.training_record, every_kind[CredentialKind.training_record])
    issued_record(issued).verified_at = None
    db.session.commit()
    assert "Credentials revoked now: 1." in runner.invoke(args=["credentials", "refresh-status"]).output
