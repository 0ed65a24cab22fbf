"""The matching keys of an application, for finding likely duplicates (recruitment/duplicates.py).

Pure functions of text, no database and nothing of this package imported, so the model's
listener (recruitment/models/application.py) and the data migration that fills the keys for
existing rows (0022_duplicate_applicants) compute exactly the same keys:

- email: trimmed, lower case; for Gmail addresses (gmail.com, and googlemail.com, which Google
  treats as the same mailbox) the dots and any +tag of the local part are dropped, because Gmail
  delivers all of them to one inbox. Other providers treat dots and tags differently, so only
  case and spaces are folded for them.
      >>> email_key("  J.Smith+care@GoogleMail.com ")
      'jsmith@gmail.com'
      >>> email_key("J.Smith+care@example.org")
      'j.smith+care@example.org'

- UK mobile: a number written 07700 900982, +44 7700 900982, 0044 7700 900982 or +44 (0)7700 900982,
  with spaces, dashes, dots or brackets, becomes its E.164 form `+447700900982`; anything that is not a UK mobile (a landline, a foreign
  number, too few digits) has no key: only mobiles identify one person well enough.
      >>> mobile_key("07700 900-982"), mobile_key("+44 (0)7700 900982"), mobile_key("0044 7700900982")
      ('+447700900982', '+447700900982', '+447700900982')
      >>> mobile_key("01727 123456") is None
      True

- name and postcode together: the name with accents folded (é -> e), case folded, any run of
  spaces, hyphens or apostrophes as one space; the postcode without spaces in capitals. Either
  missing: no key.
      >>> name_postcode_key("  Zoë  O'Brien-Hall ", "al1 3je")
      'zoe o brien hall|AL13JE'
"""
from __future__ import annotations

import re
import unicodedata

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
_MOBILE_SEPARATORS = re.compile(r"[\s\-.()/]")
_NAME_SEPARATORS = re.compile(r"[\s\-'’‘`.,]+")


def email_key(email: str | None) -> str | None:
    """The address as one mailbox (see the module's notes), or None."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    if not local or not domain:
        return None
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
        if not local:
            return None
    return f"{local}@{domain}"[:254]


def mobile_key(phone: str | None) -> str | None:
    """A UK mobile number in E.164 (+447 and 9 more digits), or None for anything else."""
    if not phone:
        return None
    text = phone.strip()
    plus = text.startswith("+")
    digits = _MOBILE_SEPARATORS.sub("", text.lstrip("+"))
    if not digits.isascii() or not digits.isdigit():
        return None
    if plus:
        national = digits[2:] if digits.startswith("44") else None
    elif digits.startswith("0044"):
        national = digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        national = digits[2:]
    else:
        national = digits
    if national is None:
        return None
    if national.startswith("07"):
        national = national[1:]  # the trunk 0 ("07700 ...") or "+44 (0)7700 ..."
    elif national.startswith("0"):
        return None
    if len(national) != 10 or not national.startswith("7"):
        return None
    return "+44" + national


def name_key(name: str | None) -> str | None:
    """The name without accents, case or punctuation between its parts, or None."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = _NAME_SEPARATORS.sub(" ", folded).strip()
    return folded or None


def postcode_key(postcode: str | None) -> str | None:
    if not postcode:
        return None
    compact = re.sub(r"\s+", "", postcode).upper()
    return compact or None


def name_postcode_key(name: str | None, postcode: str | None) -> str | None:
    """`name|POSTCODE`, both folded; None unless both are given."""
    name, postcode = name_key(name), postcode_key(postcode)
    if name is None or postcode is None:
        return None
    return f"{name}|{postcode}"[:300]
