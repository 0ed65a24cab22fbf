"""Credential pages: the holder's downloads, the public verify page, the issuer's DID document and
the status lists. The view module (views.py) imports `bp` and adds its routes."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("credentials", __name__)
