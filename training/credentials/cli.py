"""`flask credentials ...`: make a signing key set, rotate it, and update the revocation list."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from academy.extensions import db
from training.credentials.keys import load_key_set, new_key_set, rotated

credentials_cli = AppGroup("credentials", help="Open Badges credential keys and the revocation list.")


@credentials_cli.command("new-key")
def new_key():
    """Print a new key set (one Ed25519 key) for CREDENTIAL_SIGNING_KEYS. Store it as a secret."""
    click.echo(new_key_set())


@credentials_cli.command("rotate-key")
def rotate_key():
    """Print the current key set with a new signing key first and the old keys public only:
    put it in CREDENTIAL_SIGNING_KEYS and restart; what the old keys signed still verifies."""
    current = current_app.config["CREDENTIAL_SIGNING_KEYS"]
    load_key_set(current)  # refuse to rotate a set that is not valid
    text = current if current.strip().startswith("{") else open(current.strip()).read()
    click.echo(rotated(text))


@credentials_cli.command("refresh-status")
def refresh_status():
    """Revoke credentials whose items were withdrawn, corrected, have expired or lapsed (the status
    lists do this whenever they are fetched; this is for a check by hand)."""
    from training.credentials.status import refresh

    revoked = refresh(db.session)
    db.session.commit()
    click.echo(f"Credentials revoked now: {revoked}.")


def register(app) -> None:
    app.cli.add_command(credentials_cli)
