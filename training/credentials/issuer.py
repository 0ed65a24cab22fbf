"""The issuer the world can resolve: a did:web identifier made from PUBLIC_BASE_URL, its DID
document (served at /.well-known/did.json) listing every verifying key, and the Open Badges issuer
Profile carried in each credential."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app

from training.credentials.keys import KeySet, current_key_set

ISSUER_NAME_SUFFIX = "Care Professional Academy"


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def did_for(public_base_url: str) -> str:
    """did:web for the site's address: the host (a port's colon written %3A), then any path's
    segments (did:web method, section 3.1). http://localhost:5000 -> did:web:localhost%3A5000."""
    parts = urlsplit(public_base_url)
    host = parts.hostname or "localhost"
    if parts.port:
        host += quote(f":{parts.port}")
    segments = [segment for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *segments])


def issuer_did() -> str:
    return did_for(base_url())


def did_document_path(public_base_url: str) -> str:
    """Where did:web resolves: /.well-known/did.json for a bare host, <path>/did.json otherwise."""
    path = urlsplit(public_base_url).path.strip("/")
    return f"/{path}/did.json" if path else "/.well-known/did.json"


def verification_method(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def did_document(keys: KeySet | None = None) -> dict:
    """Every key that verifies our credentials, old ones included (so they keep verifying)."""
    keys = keys or current_key_set()
    did = issuer_did()
    methods = [{"id": verification_method(did, kid), "type": "JsonWebKey", "controller": did,
                "publicKeyJwk": key.as_dict(private=False)} for kid, key in keys.verifying.items()]
    ids = [method["id"] for method in methods]
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
            "id": did, "verificationMethod": methods, "assertionMethod": ids}


def issuer_profile() -> dict:
    """The Open Badges Profile of the issuer, as it appears in every credential."""
    return {"id": issuer_did(), "type": ["Profile"],
            "name": f"{current_app.config['SERVICE_NAME']} {ISSUER_NAME_SUFFIX}", "url": base_url()}
