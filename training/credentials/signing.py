"""Signing a credential as a VC-JWT, and the dates credentials carry.

A VC-JWT here is the credential itself as the JWS payload (W3C VC-JOSE-COSE, `typ` vc+jwt), with
the registered claims `iss`, `jti`, `nbf` and `exp` repeating the credential's own, signed with
Ed25519 by the first key of CREDENTIAL_SIGNING_KEYS; its `kid` is the issuer DID's verification
method (`did:web:...#<kid>`), so a verifier finds the key in the published DID document.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from joserfc import jws

from training.credentials.issuer import issuer_did, verification_method
from training.credentials.keys import SIGNING_ALGORITHM, algorithm_warning_silenced, current_key_set

UK = ZoneInfo("Europe/London")
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MEDIA_TYPE = "application/vc+jwt"


def start_of_uk_day(day: date) -> datetime:
    """Midnight at the start of `day` in the UK, as a UTC moment."""
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(timezone.utc)


def moment_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def sign(credential: dict) -> str:
    """The credential as a VC-JWT signed with the current signing key (see the module's doc)."""
    keys = current_key_set()
    kid, key = keys.signing_kid, keys.signing
    payload = dict(credential)
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    payload.update({"iss": issuer, "jti": credential["id"],
                    "nbf": int(parse_moment(credential["validFrom"]).timestamp())})
    if credential.get("validUntil"):
        payload["exp"] = int(parse_moment(credential["validUntil"]).timestamp())
    header = {"alg": SIGNING_ALGORITHM, "typ": "vc+jwt", "kid": verification_method(issuer_did(), kid)}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    with algorithm_warning_silenced():
        return jws.serialize_compact(header, body, key, algorithms=[SIGNING_ALGORITHM])


