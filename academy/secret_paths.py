"""Addresses whose last part is a secret (an emailed or shared link's token, which works for anyone who
has it): written to logs as `<token>`. Standard library only, so gunicorn.conf.py can import it
before the app. tests/unit/test_secret_paths.py checks every route with a `<token>` is covered."""
import re

SECRET_IN_PATH = re.compile(
    r"(/(?:voice/answer|password/reset|invitation|confirm-email|shared|credentials/verify/set)/)[^/?#\s\"]+")


def redact(value, mark: str = "<token>"):
    """`value` with every token in an address replaced by `mark` (anything not a string as it is)."""
    return SECRET_IN_PATH.sub(lambda found: found.group(1) + mark, value) if isinstance(value, str) else value
