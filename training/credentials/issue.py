"""Issuing Open Badges 3.0 credentials to a passport's holder: one item, or the whole passport.

The credential (VC Data Model 2.0 + Open Badges 3.0 `OpenBadgeCredential`) carries the issuer's
Profile, the achievement with its criteria and alignments, evidence, `validFrom` / `validUntil`,
its `credentialStatus` entry in the revocation list and the Open Badges JSON schema; it is signed
as a VC-JWT (signing.py). See claims.py for what each kind of item says.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed
from academy.extensions import utcnow
from academy.workplaces.models import Person
from training.credentials.claims import claim_fingerprint, claim_for, load_sources
from training.credentials.issuer import base_url, issuer_profile
from training.credentials.keys import current_key_set
from training.credentials.models import CredentialKind, IssuedCredential
from training.credentials.signing import MEDIA_TYPE, VC_CONTEXT, moment_text, sign, start_of_uk_day
from training.credentials.status import status_entry
from training.models import QualificationStatus

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


# --- issuing ---------------------------------------------------------------------------------

@dataclass
class Issued:
    """A credential issued to its holder: the row, the credential (JSON) and its signed VC-JWT."""

    row: IssuedCredential
    credential: dict
    token: str

    @property
    def filename(self) -> str:
        name = "".join(ch if ch.isalnum() else "-" for ch in self.credential["name"].lower()).strip("-")
        return f"{name[:80]}-{self.row.public_id[:8]}.jwt"


def credential_json(row: IssuedCredential, claim: dict) -> dict:
    """The OpenBadgeCredential for an issued credential (VC Data Model 2.0, Open Badges 3.0).

    `issuanceDate` and `expirationDate` repeat `validFrom` and `validUntil` for verifiers of the
    first Open Badges 3.0 release (VC Data Model 1.1), whose schema requires `issuanceDate`."""
    achievement = claim["achievement"]
    base = base_url()
    subject_achievement = {
        "id": f"{base}/credentials/achievements/{achievement['key']}", "type": ["Achievement"],
        "achievementType": achievement["type"], "name": achievement["name"],
        "description": achievement["description"], "criteria": {"narrative": achievement["criteria"]},
    }
    if achievement.get("alignment"):
        subject_achievement["alignment"] = achievement["alignment"]
    if achievement.get("url"):
        subject_achievement["criteria"]["id"] = achievement["url"]
    issued = moment_text(row.issued_at)
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": row.uri,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{achievement['name']}: {claim['holder']}",
        "description": f"{claim['holder']} holds {achievement['name']}, recorded on their training passport.",
        "issuer": issuer_profile(),
        "validFrom": issued,
        "issuanceDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": claim["holder"]}],
            "achievement": subject_achievement,
        },
        "evidence": [{"type": ["Evidence"], **item} for item in claim["evidence"]],
        "credentialStatus": status_entry(row.id),
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if claim["awarded_on"]:
        credential["awardedDate"] = moment_text(start_of_uk_day(date.fromisoformat(claim["awarded_on"])))
        credential["credentialSubject"]["activityEndDate"] = credential["awardedDate"]
    if row.valid_until:
        credential["validUntil"] = credential["expirationDate"] = moment_text(start_of_uk_day(row.valid_until))
    return credential


def _issuable_source(session, kind: CredentialKind, source_id: int, person: Person):
    source = load_sources(session, kind, [source_id]).get(source_id)
    owner = source[0].person_id if kind == CredentialKind.career_tier and source else getattr(source, "person_id", None)
    if source is None or owner != person.id:
        raise NotAllowed("That item is not on this passport")
    claim = claim_for(kind, source)
    if claim is None:
        raise Invalid({CredentialKind.training_record: "Only verified training can be downloaded as a credential",
                       CredentialKind.qualification: "Only a verified, achieved qualification can be downloaded "
                                                     "as a credential",
                       CredentialKind.care_certificate: "The Care Certificate can be downloaded as a credential "
                                                        "once it is complete",
                       CredentialKind.career_tier: "Only a current career tier can be downloaded as a credential"}[kind])
    return claim


def issue(session, person: Person, kind: CredentialKind, source_id: int, now: datetime | None = None) -> Issued:
    """The credential for one item of `person`'s passport: the one already issued while the item
    is unchanged (same id, same place in the status list), or a new one. Signed with the current
    signing key (Ed25519 signatures are deterministic: the same key gives the same token)."""
    now = now or utcnow()
    claim = _issuable_source(session, kind, source_id, person)
    valid_until = date.fromisoformat(claim["valid_until"]) if claim["valid_until"] else None
    if valid_until is not None and start_of_uk_day(valid_until) <= now:
        raise Invalid("This has expired, so it cannot be downloaded as a credential")
    digest = claim_fingerprint(claim)
    row = session.scalar(select(IssuedCredential).where(
        IssuedCredential.kind == kind, IssuedCredential.source_id == source_id,
        IssuedCredential.source_fingerprint == digest, IssuedCredential.revoked_at.is_(None)))
    signing_kid = current_key_set().signing_kid
    if row is None:
        row = IssuedCredential(public_id=str(uuid.uuid4()), person_id=person.id, kind=kind, source_id=source_id,
                               source_fingerprint=digest, issued_at=now.replace(microsecond=0),
                               valid_until=valid_until, key_id=signing_kid)
        session.add(row)
        session.flush()
    elif row.key_id != signing_kid:
        row.key_id = signing_kid  # the key it was last signed with
    credential = credential_json(row, claim)
    row.token = sign(credential)
    return Issued(row, credential, row.token)


def passport_items(view) -> list[tuple[CredentialKind, int, str]]:
    """Every item of a passport view that can be issued now: (kind, id, what it is)."""
    items = []
    for line in view.lines:
        if line.record is not None and line.record.verified:
            items.append((CredentialKind.training_record, line.record.id, line.course.name))
    for q in view.qualifications:
        if q.verified and q.status == QualificationStatus.achieved:
            items.append((CredentialKind.qualification, q.id, q.title))
    for induction in view.inductions:
        if induction.completed_on and not induction.completed_date_unknown:
            items.append((CredentialKind.care_certificate, induction.id, f"Care Certificate ({induction.version.value})"))
    if view.tier is not None and view.tier.award_id:
        items.append((CredentialKind.career_tier, view.tier.award_id, f"Career tier {view.tier.number}"))
    return items


def issue_passport(session, person: Person, view, now: datetime | None = None) -> list[Issued]:
    """Every credential the passport can carry now (the bundle), expired training left out."""
    now = now or utcnow()
    bundle = []
    for kind, source_id, _ in passport_items(view):
        try:
            bundle.append(issue(session, person, kind, source_id, now))
        except Invalid:
            continue
    return bundle


def presentation(bundle: list[Issued]) -> dict:
    """The whole passport as one file: a W3C Verifiable Presentation (VC Data Model 2.0) holding
    each credential as an EnvelopedVerifiableCredential, its VC-JWT in a data: URL. Unsigned (the
    holder has no key of their own here); every credential in it verifies on its own."""
    return {"@context": [VC_CONTEXT], "type": ["VerifiablePresentation"],
            "verifiableCredential": [{"@context": [VC_CONTEXT], "type": ["EnvelopedVerifiableCredential"],
                                      "id": f"data:{MEDIA_TYPE},{issued.token}"} for issued in bundle]}


def tokens_in(text: str) -> list[str]:
    """The credentials in what someone pasted or uploaded: one VC-JWT, or a presentation (as
    `presentation` makes) of several. Anything else is returned as is, for the check to refuse."""
    text = (text or "").strip()
    if not text.startswith("{"):
        return [text]
    try:
        document = json.loads(text)
    except ValueError:
        return [text]
    items = document.get("verifiableCredential") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        return [text]
    tokens = []
    for item in items[:100]:
        if isinstance(item, str):
            tokens.append(item)
        elif isinstance(item, dict) and str(item.get("id", "")).startswith(f"data:{MEDIA_TYPE},"):
            tokens.append(item["id"].split(",", 1)[1])
        else:
            tokens.append(json.dumps(item))
    return tokens
