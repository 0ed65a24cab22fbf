"""Checking a credential: a pure function from the credential (a VC-JWT) to a plain-words result.

It needs nothing but the credential and what its issuer publishes, reached through a `Resolver`:
the issuer's keys (its DID document) and the status list the credential names. The public verify
page uses `local_resolver`, which answers for this service's own DID and status lists from the
same functions that publish them (so the page fetches nothing from other sites: no request to an
address a stranger chose).

Outcomes, each with its own reason: valid; malformed (not a credential); unknown_issuer (not ours,
or a key we do not know); signature (changed since signing, or signed by someone else);
not_yet_valid; expired; revoked (its bit is set in the issuer's status list); status_unavailable.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from training.credentials.keys import ACCEPTED_ALGORITHMS, algorithm_warning_silenced
from training.credentials.signing import parse_moment
from training.credentials.status import STATUS_PURPOSE, bit_is_set, decode

REASONS = {
    "valid": "It was issued by {issuer}, its signature matches, it has not expired and it has not been revoked.",
    "malformed": "This is not a credential this page can check. Paste or upload the credential itself "
                 "(a .jwt file, or its text starting \"eyJ\").",
    "unknown_issuer": "It says it was issued by {issuer}, which this page does not know, so it cannot be checked here.",
    "signature": "Its signature does not match: it has been changed since it was issued, or it was not "
                 "signed by {issuer}.",
    "not_yet_valid": "It is not valid until {valid_from}.",
    "expired": "It expired on {valid_until}.",
    "revoked": "{issuer} has revoked it: the record it is about was withdrawn, corrected or has lapsed.",
    "status_unavailable": "Whether it has been revoked could not be checked. Try again later.",
}
HEADLINES = {
    "valid": "Valid", "malformed": "Not a credential", "unknown_issuer": "Issuer not recognised",
    "signature": "Not genuine", "not_yet_valid": "Not valid yet", "expired": "Expired", "revoked": "Revoked",
    "status_unavailable": "Could not be checked",
}


@dataclass(frozen=True)
class Resolver:
    """What the issuer publishes, as the verifier can reach it."""

    issuer_known: Callable[[str], bool]  # issuer id (a DID) -> can we resolve it?
    key_for: Callable[[str], OKPKey | None]  # verification method (did#kid) -> its public key
    status_list: Callable[[str], str | None]  # status list credential URL -> its VC-JWT


@dataclass
class Verification:
    outcome: str
    problems: list[str] = field(default_factory=list)
    issuer_id: str | None = None
    issuer_name: str | None = None
    holder: str | None = None
    credential_id: str | None = None
    name: str | None = None
    achievement: str | None = None
    description: str | None = None
    criteria: str | None = None
    alignments: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    awarded: datetime | None = None
    key_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"

    @property
    def headline(self) -> str:
        return HEADLINES[self.outcome]

    def reason(self, outcome: str | None = None) -> str:
        return REASONS[outcome or self.outcome].format(
            issuer=self.issuer_name or self.issuer_id or "its issuer",
            valid_from=f"{self.valid_from:%-d %B %Y}" if self.valid_from else "a later date",
            valid_until=f"{self.valid_until:%-d %B %Y}" if self.valid_until else "an earlier date")

    @property
    def reasons(self) -> list[str]:
        return [self.reason(problem) for problem in self.problems] or [self.reason()]


def _issuer(payload: dict) -> tuple[str | None, str | None]:
    issuer = payload.get("issuer")
    if isinstance(issuer, dict):
        return issuer.get("id"), issuer.get("name")
    return (issuer if isinstance(issuer, str) else None), None


def _read(token: str) -> tuple[dict, dict] | None:
    """The JWS header and the JSON payload of a compact token, or None."""
    try:
        compact = jws.extract_compact(token.encode())
        payload = json.loads(compact.payload)
        header = compact.headers()
    except (JoseError, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(header, dict):
        return None
    return header, payload


def _signed_by(token: str, key: OKPKey) -> bool:
    try:
        with algorithm_warning_silenced():
            jws.deserialize_compact(token.encode(), key, algorithms=ACCEPTED_ALGORITHMS)
    except (JoseError, ValueError):
        return False
    return True


def _moment(value) -> datetime | None:
    try:
        return parse_moment(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _details(result: Verification, payload: dict) -> None:
    subject = payload.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    names = [item.get("identityHash") for item in subject.get("identifier") or []
             if isinstance(item, dict) and item.get("identityType") == "name" and not item.get("hashed")]
    result.holder = names[0] if names else subject.get("name") or subject.get("id")
    result.credential_id = payload.get("id")
    result.name = payload.get("name")
    result.achievement = achievement.get("name")
    result.description = achievement.get("description")
    result.criteria = (achievement.get("criteria") or {}).get("narrative")
    result.alignments = [a.get("targetName", "") for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    result.evidence = [e.get("narrative") or e.get("name") or "" for e in payload.get("evidence") or []
                       if isinstance(e, dict)]
    result.valid_from = _moment(payload.get("validFrom") or payload.get("issuanceDate"))
    result.valid_until = _moment(payload.get("validUntil") or payload.get("expirationDate"))
    result.awarded = _moment(payload.get("awardedDate"))


def _revoked(payload: dict, issuer_id: str, resolver: Resolver) -> bool | None:
    """True / False from the issuer's status list; None when it cannot be checked."""
    entry = payload.get("credentialStatus")
    if entry is None:
        return False
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry" \
            or entry.get("statusPurpose") != STATUS_PURPOSE:
        return None
    try:
        index = int(entry["statusListIndex"])
        list_token = resolver.status_list(entry["statusListCredential"])
    except (KeyError, TypeError, ValueError):
        return None
    read = _read(list_token) if list_token else None
    if read is None:
        return None
    header, status_list = read
    key = resolver.key_for(header.get("kid") or "")
    if key is None or _issuer(status_list)[0] != issuer_id or not _signed_by(list_token, key) \
            or status_list.get("id") != entry["statusListCredential"]:
        return None
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != STATUS_PURPOSE:
        return None
    try:
        return bit_is_set(decode(subject.get("encodedList") or ""), index)
    except (ValueError, OSError, EOFError):
        return None


def verify(token: str, resolver: Resolver, now: datetime) -> Verification:
    """Check a credential (a VC-JWT) against its issuer's published keys and status list."""
    read = _read((token or "").strip())
    if read is None:
        return Verification("malformed")
    header, payload = read
    types = payload.get("type") or []
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        return Verification("malformed")
    issuer_id, issuer_name = _issuer(payload)
    result = Verification("valid", issuer_id=issuer_id, issuer_name=issuer_name, key_id=header.get("kid"))
    if not issuer_id or not resolver.issuer_known(issuer_id):
        result.outcome, result.problems = "unknown_issuer", ["unknown_issuer"]
        return result
    kid = header.get("kid") or ""
    key = resolver.key_for(kid) if kid.startswith(issuer_id + "#") else None
    if key is None or not _signed_by(token.strip(), key):
        result.outcome, result.problems = "signature", ["signature"]
        return result
    _details(result, payload)
    if result.valid_from is None:
        result.outcome, result.problems = "malformed", ["malformed"]
        return result
    if result.valid_from > now:
        result.problems.append("not_yet_valid")
    if result.valid_until is not None and result.valid_until <= now:
        result.problems.append("expired")
    revoked = _revoked(payload, issuer_id, resolver)
    if revoked is None:
        result.problems.append("status_unavailable")
    elif revoked:
        result.problems.append("revoked")
    if result.problems:
        result.outcome = result.problems[0]
    return result
