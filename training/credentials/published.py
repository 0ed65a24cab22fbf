"""What the service publishes for verifiers (its DID document and status lists), the resolver
that reads them here, and the verify links a QR code or a shared passport points to."""
from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from flask import current_app
from sqlalchemy import select

from academy.extensions import utcnow
from academy.mail import public_url
from academy.workplaces.models import Person
from training.credentials.issue import issue_passport
from training.credentials.issuer import issuer_did
from training.credentials.keys import current_key_set
from training.credentials.models import IssuedCredential
from training.credentials.status import list_url, published_list
from training.credentials.verify import Resolver, Verification, verify


def local_resolver(session, now: datetime | None = None) -> Resolver:
    """Our own DID and status lists, read from the functions that publish them (no HTTP)."""
    did, keys = issuer_did(), current_key_set()
    list_prefix = list_url(0).rsplit("/", 1)[0] + "/"

    def key_for(method: str):
        return keys.verifying.get(method.removeprefix(did + "#")) if method.startswith(did + "#") else None

    published: dict[int, str] = {}  # each list made once, however many credentials name it

    def status_list(url: str) -> str | None:
        number = url.removeprefix(list_prefix)
        if not url.startswith(list_prefix) or not number.isdigit() or len(number) > 9:
            return None
        if int(number) not in published:
            published[int(number)] = published_list(session, int(number), now)
        return published[int(number)]

    return Resolver(issuer_known=lambda issuer: issuer == did, key_for=key_for, status_list=status_list)


def check(session, token: str, now: datetime | None = None, resolver: Resolver | None = None) -> Verification:
    now = now or utcnow()
    return verify(token, resolver or local_resolver(session, now), now)


def check_all(session, tokens: list[str], now: datetime | None = None) -> list[Verification]:
    """Several credentials checked against one reading of the status lists."""
    now = now or utcnow()
    resolver = local_resolver(session, now)
    return [verify(token, resolver, now) for token in tokens]


def find_issued(session, public_id: str) -> IssuedCredential | None:
    if len(public_id) != 36:
        return None
    return session.scalar(select(IssuedCredential).where(IssuedCredential.public_id == public_id))


def credential_verify_url(row: IssuedCredential) -> str:
    return public_url("credentials.verify_issued", public_id=row.public_id)


# --- a set of credentials (a passport's, for its PDF's QR code or a shared link) ---------------

def _set_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="goodcare-credential-set")


def set_token(rows: list[IssuedCredential]) -> str:
    return _set_serializer().dumps(sorted(row.id for row in rows))


def credentials_in_set(session, token: str) -> list[IssuedCredential] | None:
    """The credentials a set link names, or None if the link was not made by us."""
    try:
        ids = _set_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids) or len(ids) > 500:
        return None
    return list(session.scalars(select(IssuedCredential).where(IssuedCredential.id.in_(ids))
                                .order_by(IssuedCredential.id)))


def passport_verify_url(session, person: Person, view) -> str:
    """The web address that verifies every credential the passport carries now: for the QR code
    and short link on the passport PDF, and for a shared passport. Issues what is not yet issued."""
    rows = [issued.row for issued in issue_passport(session, person, view)]
    return public_url("credentials.verify_set", token=set_token(rows))
