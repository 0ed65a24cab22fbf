"""One check per column type of data/columns.csv: `check(rule, value)` -> (value, problem).

A problem is the text after "Line N, COLUMN: " in the report. Personal columns (NI number, date
of birth, home postcode, ...) never put the value into the text: it reads "the value given".
An invalid optional value is a warning and is left out, as in ASC-WDS; a `Refused` problem is one
ASC-WDS refuses the whole row for (an error, even in an optional column); a `Corrected` problem
comes with the value kept (ASC-WDS drops part of it with a warning: L2CARECERT 1;2019 keeps 1).
The rules and their meaning follow Skills for Care's SopraSteria-SFC
lambdas/bulkUpload/classes/{workerCSVValidator,trainingCSVValidator}.js and
backend/server/models/BulkImport/csv/workplaceCSVValidator.js (docs/ascwds.md lists them).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from academy.ascwds.codes import LABEL_NAMES, ColumnRule, code_list

NI = re.compile(r"^[A-Z]{2}\d{6}[A-Z]?$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
PROVNUM = re.compile(r"^\d-\d{8,12}$")
DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DONT_KNOW = "999"
MAX_REF = 49  # LOCALESTID, UNIQUEWORKERID: ASC-WDS refuses 50 characters or more (`_validateLocalId`)
MAX_CAPACITY = 9999  # CAPACITY / UTILISATION entries are whole numbers under this (workplaceCSVValidator)
QUALIFICATION_YEARS = 100  # QUALACH years: from 100 years ago to this year (workerCSVValidator)
L2_CERTIFICATE_FROM = 2024  # the Level 2 Adult Social Care Certificate began in 2024


class Refused(str):
    """A problem ASC-WDS refuses the row for: an error even in an optional column."""


class Corrected(str):
    """A problem that leaves part of the value out: the checked value is kept, with a warning."""


def parse_date(value: str) -> date | None:
    """DD/MM/YYYY -> date; None if it is not a real date (31/02/2024) or not in that form."""
    match = DATE.match(value)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _shown(rule: ColumnRule, value: str) -> str:
    if rule.personal:
        return "The value given"
    return value if len(value) <= 40 else value[:37] + "..."


def _label(list_name: str) -> str:
    return LABEL_NAMES.get(list_name, list_name.replace("_", " "))


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def fast_date(value: str) -> date | None:
    """parse_date for the usual DD/MM/YYYY shape without a regular expression (the hot path)."""
    if len(value) == 10 and value[2] == "/" and value[5] == "/":
        try:
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            return None
    return parse_date(value)


def checker(rule: ColumnRule, today: date):
    """A function value -> (parsed, problem) for the rule: the common types checked inline, the
    rest by `check`. Used for every cell of a big file, so the happy path does as little as it can."""
    kind, params = rule.type, rule.params

    def slow(value: str):
        return check(rule, value, today)

    if kind == "ref":
        return lambda value: (value, None) if len(value) <= MAX_REF else slow(value)
    if kind == "text":
        limit = int(params[0])
        return lambda value: (value, None) if len(value) <= limit else slow(value)
    if kind == "code":
        codes = code_list(params[0])
        return lambda value: (value, None) if value in codes else slow(value)
    if kind == "date" and not rule.personal:
        past = bool(params and params[0] == "past")

        def date_check(value: str):
            day = fast_date(value)
            if day is None or (past and day > today):
                return slow(value)
            return day, None

        return date_check
    return slow


def check(rule: ColumnRule, value: str, today: date) -> tuple[object, str | None]:
    """Check one non-empty cell. Returns (parsed value, None) or (None, problem text)."""
    try:
        check_kind = CHECKS[rule.type]
    except KeyError:
        raise ValueError(f"unknown column type {rule.type!r} for {rule.column}") from None
    return check_kind(rule, value, today)


# One function per column type, each (rule, value, today) -> (parsed value, None) or (None, problem).

def _ref(rule: ColumnRule, value: str, today: date):
    if len(value) <= MAX_REF:
        return value, None
    return None, f"{_shown(rule, value)} is {len(value)} characters long: ASC-WDS takes at most {MAX_REF}"


def _status(rule: ColumnRule, value: str, today: date):
    upper = value.upper()
    if upper in code_list("status"):
        return upper, None
    return None, f"{_shown(rule, value)} is not a status (use NEW, UPDATE, UNCHECKED, NOCHANGE or DELETE)"


def _text(rule: ColumnRule, value: str, today: date):
    limit = int(rule.params[0])
    return (value, None) if len(value) <= limit else (None, f"is longer than {limit} characters")


def _code(rule: ColumnRule, value: str, today: date):
    list_name = rule.params[0]
    normal = (value.lstrip("0") or "0") if value.isdigit() else value
    if normal in code_list(list_name):
        return normal, None
    if list_name == "uploadable_job_roles" and normal in code_list("job_roles"):
        return None, Refused(f"{normal} ({code_list('job_roles')[normal]}) is a job role ASC-WDS does not take in a "
                             "bulk upload; use another job role code (23 or 27 with a MAINJRDESC if none fits)")
    label = _label(list_name)
    problem = f"{_shown(rule, value)} is not a{'n' if label[0] in 'aeiou' else ''} {label} code"
    if list_name == "training_providers":  # trainingCSVValidator `_validateProviderName`: an error
        return None, Refused(problem + " from Skills for Care's training provider list (999 for another provider)")
    return None, problem


def _codes(rule: ColumnRule, value: str, today: date):
    codes = code_list(rule.params[0])
    parts = [p.strip() for p in value.split(";")]
    bad = [p for p in parts if p not in codes and p != "0"]
    if not bad:
        return parts, None
    if len(bad) == 1:
        return None, f"{bad[0]} is not a {_label(rule.params[0])} code"
    return None, f"{'; '.join(bad[:3])} are not {_label(rule.params[0])} codes"


def _counts(rule: ColumnRule, value: str, today: date):
    parts = [p.strip() for p in value.split(";")]
    if all(p.isdigit() and int(p) <= 999 for p in parts):
        return [int(p) for p in parts], None
    return None, f"{_shown(rule, value)} is not a list of whole numbers from 0 to 999 separated by ;"


def _capacities(rule: ColumnRule, value: str, today: date):
    """CAPACITY / UTILISATION: a ';' list, one entry per service, each a whole number under 9999 or
    empty (`25;` is valid: the second service has none given). workplaceCSVValidator refuses the row
    otherwise."""
    parts = [p.strip() for p in value.split(";")]
    if all(not p or (p.isdigit() and int(p) < MAX_CAPACITY) for p in parts):
        return [int(p) if p else None for p in parts], None
    return None, Refused(f"{_shown(rule, value)} is not a list of whole numbers under {MAX_CAPACITY} separated by ; "
                         "(an entry may be empty)")


def _int(rule: ColumnRule, value: str, today: date):
    low, high = int(rule.params[0]), int(rule.params[1])
    if value.isdigit() and (low <= int(value) <= high or value == DONT_KNOW):
        return int(value), None
    return None, f"{_shown(rule, value)} is not a whole number from {low} to {high} (or 999 for don't know)"


def _decimal(rule: ColumnRule, value: str, today: date):
    low, high = Decimal(rule.params[0]), Decimal(rule.params[1])
    number = _number(value)
    if number is not None and (low <= number <= high or value == DONT_KNOW):
        return number, None
    return None, (f"{_shown(rule, value)} is not a number from {rule.params[0]} to {rule.params[1]} "
                  "(or 999 for don't know)")


def _date(rule: ColumnRule, value: str, today: date):
    day = parse_date(value)
    if day is None:
        return None, f"{_shown(rule, value)} is not a real date in the form DD/MM/YYYY"
    if rule.params and rule.params[0] == "past" and day > today:
        return None, f"{_shown(rule, value)} is in the future"
    return day, None


def _date_of_birth(rule: ColumnRule, value: str, today: date):
    day = parse_date(value)
    if day is None:
        return None, f"{_shown(rule, value)} is not a real date in the form DD/MM/YYYY"
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    if not 14 <= age <= 100:
        return None, "The date of birth gives an age outside 14 to 100"
    return day, None


def _year(rule: ColumnRule, value: str, today: date):
    if value == DONT_KNOW or (len(value) == 4 and value.isdigit() and 1900 <= int(value) <= today.year):
        return value, None
    return None, f"{_shown(rule, value)} is not a year from 1900 to {today.year} (or 999 for don't know)"


def _ni_number(rule: ColumnRule, value: str, today: date):
    if NI.match(value.upper().replace(" ", "")):
        return value, None
    return None, "The value given is not a National Insurance number (two letters, six digits, one letter)"


def _postcode(rule: ColumnRule, value: str, today: date):
    return (value, None) if POSTCODE.match(value.upper()) else (None, f"{_shown(rule, value)} is not a postcode")


def _provider_number(rule: ColumnRule, value: str, today: date):
    if PROVNUM.match(value):
        return value, None
    return None, f"{_shown(rule, value)} is not a CQC ID like 1-123456789"


QUALIFICATION_LEVELS = {"", "0", "1", "2", "3", "4", "5", "6", "7", "8", DONT_KNOW}


def _qualification_level(rule: ColumnRule, value: str, today: date):
    """SCQUAL / NONSCQUAL: 1;level, 2 or 999. ASC-WDS refuses the row for any other first part, and
    for SCQUAL 1 without a level (`qualevel:level`); a level it does not know is left out."""
    head, _, level = value.partition(";")
    if head not in ("1", "2", DONT_KNOW):
        return None, Refused(f"{_shown(rule, value)} is not 1;level, 2 or 999")
    if head != "1":
        return value, None
    if not level and rule.params and rule.params[0] == "level":
        return None, Refused(f"{value} needs the level of the highest social care qualification held: "
                             "1;level (1;0 entry level to 1;8, or 1;999 for don't know)")
    if level in QUALIFICATION_LEVELS:
        return value, None
    return None, f"{_shown(rule, value)} is not 1;level (0 to 8 or 999), 2 or 999"


def _l2_certificate(rule: ColumnRule, value: str, today: date):
    """L2CARECERT: 1 (or 1;YYYY, achieved 2024 to this year), 2 or 3. As ASC-WDS does: a year on 1
    that cannot be right is left out with a warning (1 kept); 2 or 3 with a year is left out
    altogether with a warning; anything else is left out with a warning."""
    head, _, year = value.partition(";")
    if head in ("2", "3"):
        if not year:
            return value, None
        return None, f"{value}: option {head} cannot have a year achieved"
    if head != "1":
        return None, f"{_shown(rule, value)} is not 1;YYYY (from {L2_CERTIFICATE_FROM}), 2 or 3"
    if not year or (year.isdigit() and L2_CERTIFICATE_FROM <= int(year) <= today.year):
        return value, None
    if not year.isdigit():
        why = f"{year} is not a year"
    elif int(year) < L2_CERTIFICATE_FROM:
        why = f"the year achieved cannot be before {L2_CERTIFICATE_FROM}"
    else:
        why = "the year achieved cannot be in the future"
    return "1", Corrected(f"{value}: {why}; the year is left out and 1 (completed) is kept")


def _qualification_achieved(rule: ColumnRule, value: str, today: date):
    """QUALACHnn: code;year, the code one of Skills for Care's qualification codes (an unknown or
    malformed code, or a year that is not a year from 100 years ago to this one, is refused, as in
    ASC-WDS); a missing year is a warning."""
    code, _, year = value.partition(";")
    if not code.isdigit():
        return None, Refused(f"{_shown(rule, value)} is not a qualification code and year like 10;2019")
    if code.lstrip("0") not in code_list("qualifications"):
        return None, Refused(f"{code} is not a qualification code of ASC-WDS")
    if not year:
        return value, Corrected(f"{value} has no year achieved")
    if not (year.isdigit() and today.year - QUALIFICATION_YEARS <= int(year) <= today.year):
        return None, Refused(f"The year in {value} is not a year from {today.year - QUALIFICATION_YEARS} "
                             f"to {today.year}")
    return value, None


def _validity(rule: ColumnRule, value: str, today: date):
    if value.lower() == "none" or (value.isdigit() and 1 <= int(value) <= 999):
        return value, None
    return None, f"{_shown(rule, value)} is not a number of months from 1 to 999, or none"


CHECKS = {
    "ref": _ref, "status": _status, "text": _text, "code": _code, "codes": _codes, "counts": _counts,
    "int": _int, "number": _decimal, "date": _date, "dob": _date_of_birth, "year": _year, "ni": _ni_number,
    "postcode": _postcode, "provnum": _provider_number, "qualevel": _qualification_level, "capacities": _capacities,
    "l2cert": _l2_certificate, "qualach": _qualification_achieved, "validity": _validity,
}
