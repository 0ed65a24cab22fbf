"""Password rules: 12 or more characters and not one of the passwords everyone tries first."""
from __future__ import annotations

from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
_common: frozenset[str] | None = None


def common_passwords() -> frozenset[str]:
    global _common
    if _common is None:
        lines = _COMMON_FILE.read_text().splitlines()
        _common = frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    return _common


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return a message fit for the page if the password is not acceptable, else None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return "Password is too easy to guess. Try 3 random words, for example 'coffee-window-meadow'"
    if email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) >= 4:
        return "Password must not contain your email address"
    return None
