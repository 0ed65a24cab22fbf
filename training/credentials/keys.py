"""The service's credential signing keys: a JSON Web Key Set of Ed25519 keys, each with a `kid`.

The first key signs new credentials; every key in the set verifies, so after a rotation (a new
key put first) credentials signed by the old one still verify. Keys after the first may be public
only (no "d"). The set comes from CREDENTIAL_SIGNING_KEYS: a file's path or the JSON itself.
"""
from __future__ import annotations

import json
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

SIGNING_ALGORITHM = "EdDSA"
# "EdDSA" is what wallets and verifiers of Open Badges 3.0 know today; RFC 9864 names the same
# signature "Ed25519" and deprecates "EdDSA" as too broad, so a credential signed either way verifies.
ACCEPTED_ALGORITHMS = ["EdDSA", "Ed25519"]


class KeyConfigurationError(RuntimeError):
    """CREDENTIAL_SIGNING_KEYS is missing, unreadable, or has no private key to sign with."""


@dataclass(frozen=True)
class KeySet:
    signing: OKPKey
    verifying: dict[str, OKPKey]  # kid -> key (public part used)

    @property
    def signing_kid(self) -> str:
        return self.signing.kid


def new_key(kid: str | None = None) -> dict:
    """A new Ed25519 private key as a JWK, its kid the moment it was made (sortable, never reused)."""
    kid = kid or "key-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True).as_dict(private=True)


def new_key_set() -> str:
    return json.dumps({"keys": [new_key()]}, indent=2)


def rotated(key_set_json: str, kid: str | None = None) -> str:
    """The set with a new signing key first; the old keys stay after it, public part only, so what
    they signed still verifies while they can sign nothing more."""
    old = json.loads(key_set_json)["keys"]
    public = [{k: v for k, v in key.items() if k != "d"} for key in old]
    return json.dumps({"keys": [new_key(kid)] + public}, indent=2)


def _read(value: str) -> dict:
    text = value.strip()
    if not text.startswith("{"):
        path = Path(text)
        if not path.is_file():
            raise KeyConfigurationError(f"CREDENTIAL_SIGNING_KEYS names a file that does not exist: {path}")
        text = path.read_text()
    try:
        data = json.loads(text)
    except ValueError as error:
        raise KeyConfigurationError("CREDENTIAL_SIGNING_KEYS is not a JSON Web Key Set") from error
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list) or not data["keys"]:
        raise KeyConfigurationError("CREDENTIAL_SIGNING_KEYS has no keys")
    return data


_CACHE: dict[str, KeySet] = {}


def load_key_set(value: str) -> KeySet:
    """The key set named by a CREDENTIAL_SIGNING_KEYS value (read once per value)."""
    if value in _CACHE:
        return _CACHE[value]
    data = _read(value)
    keys = []
    for item in data["keys"]:
        if item.get("kty") != "OKP" or item.get("crv") != "Ed25519" or not item.get("kid"):
            raise KeyConfigurationError("Every credential signing key must be an Ed25519 JWK with a kid")
        keys.append(OKPKey.import_key(item))
    if len({key.kid for key in keys}) != len(keys):
        raise KeyConfigurationError("Two credential signing keys have the same kid")
    if not keys[0].is_private:
        raise KeyConfigurationError("The first credential signing key must include its private part (d)")
    result = KeySet(keys[0], {key.kid: key for key in keys})
    _CACHE[value] = result
    return result


def current_key_set() -> KeySet:
    from flask import current_app

    return load_key_set(current_app.config["CREDENTIAL_SIGNING_KEYS"])


@contextmanager
def algorithm_warning_silenced():
    """joserfc warns on every use of "EdDSA" (see ACCEPTED_ALGORITHMS): we chose it knowingly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        yield
