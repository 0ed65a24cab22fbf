"""The revocation list: a W3C Bitstring Status List (v1.0) of every credential issued.

Each issued credential's place is its row id: list number id // LIST_SIZE, index id % LIST_SIZE.
The list is a bitstring of LIST_SIZE bits (the standard's minimum, 16 KB, so one credential's bit
tells nothing about the others), bit 0 the most significant bit of the first byte; a set bit means
revoked. Published GZIP-compressed, base64url without padding, with the multibase prefix "u", in a
BitstringStatusListCredential the service signs like any credential.

`refresh` revokes what must be: a credential whose item was removed or un-verified (withdrawn), was
changed since (corrected), has passed its `validUntil` (expired), or whose tier lapsed. Revocation is
for good: a revoked credential's bit is never cleared (a corrected item gets a new credential).
"""
from __future__ import annotations

import base64
import gzip
from datetime import datetime

from sqlalchemy import select

from academy.extensions import utcnow
from training.credentials.claims import claim_fingerprint, claim_for, load_sources, not_issuable_reason
from training.credentials.issuer import base_url, issuer_profile
from training.credentials.models import CredentialKind, IssuedCredential, RevocationReason
from training.credentials.signing import VC_CONTEXT, moment_text, sign, start_of_uk_day

LIST_SIZE = 131_072  # bits: the minimum the standard allows
STATUS_PURPOSE = "revocation"


def place(credential_id: int) -> tuple[int, int]:
    """(list number, index in that list) of an issued credential."""
    return divmod(credential_id, LIST_SIZE)


def list_url(number: int) -> str:
    return f"{base_url()}/credentials/status/{number}"


def status_entry(credential_id: int) -> dict:
    number, index = place(credential_id)
    url = list_url(number)
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(index), "statusListCredential": url}


def encode(revoked_indexes) -> str:
    """The encodedList for a list whose set bits are `revoked_indexes`.

    >>> decode(encode([0, 9]))[:2] == bytes([0b10000000, 0b01000000])
    True
    """
    bits = bytearray(LIST_SIZE // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list: str) -> bytes:
    """The bitstring of an encodedList; ValueError if it is not one."""
    if not encoded_list.startswith("u"):
        raise ValueError("An encodedList starts with the multibase prefix u")
    text = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    if len(bits) * 8 < LIST_SIZE:
        raise ValueError("A status list has at least 131,072 bits")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("The status list index is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def refresh(session, now: datetime | None = None, number: int | None = None) -> int:
    """Revoke the credentials that must be (see the module's doc), in list `number` or in all.
    Returns how many were revoked. One query for the credentials still in force, one or two per
    kind for their items."""
    now = now or utcnow()
    query = select(IssuedCredential).where(IssuedCredential.revoked_at.is_(None))
    if number is not None:
        query = query.where(IssuedCredential.id >= number * LIST_SIZE, IssuedCredential.id < (number + 1) * LIST_SIZE)
    live = list(session.scalars(query))
    revoked = 0
    for kind in CredentialKind:
        rows = [row for row in live if row.kind == kind]
        sources = load_sources(session, kind, [row.source_id for row in rows])
        for row in rows:
            reason = None
            claim = claim_for(kind, sources.get(row.source_id))
            if claim is None:
                reason = not_issuable_reason(kind)
            elif claim_fingerprint(claim) != row.source_fingerprint:
                reason = RevocationReason.corrected
            elif row.valid_until is not None and _expired(row, now):
                reason = RevocationReason.expired
            if reason is not None:
                row.revoked_at, row.revoked_reason = now, reason
                revoked += 1
    if revoked:
        session.flush()
    return revoked


def _expired(row: IssuedCredential, now: datetime) -> bool:
    return start_of_uk_day(row.valid_until) <= now


def revoked_indexes(session, number: int) -> list[int]:
    first = number * LIST_SIZE
    ids = session.scalars(select(IssuedCredential.id).where(
        IssuedCredential.revoked_at.is_not(None), IssuedCredential.id >= first, IssuedCredential.id < first + LIST_SIZE))
    return [credential_id - first for credential_id in ids]


def status_list_credential(session, number: int, now: datetime | None = None) -> dict:
    """The BitstringStatusListCredential for list `number`, as of now (after a refresh)."""
    now = now or utcnow()
    refresh(session, now, number)
    url = list_url(number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(),
        "validFrom": moment_text(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": STATUS_PURPOSE, "encodedList": encode(revoked_indexes(session, number))},
    }


def published_list(session, number: int, now: datetime | None = None) -> str:
    """The signed status list credential (a VC-JWT), as served at list_url(number)."""
    return sign(status_list_credential(session, number, now))
