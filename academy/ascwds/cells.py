"""One check per column type of data/columns.csv: `check(rule, value)` -> (value, problem).

A problem is the text after "Line N, COLUMN: " in the report. Personal columns (NI number, date
of birth, home postcode, ...) never put the value into the text: it reads "the value given".
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
        return lambda value: (value, None) if len(value) <= 50 else slow(value)
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
    return (value, None) if len(value) <= 50 else (None, f"{_shown(rule, value)} is longer than 50 characters")


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
    label = _label(list_name)
    return None, f"{_shown(rule, value)} is not a{'n' if label[0] in 'aeiou' else ''} {label} code"


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
    if value in ("2", DONT_KNOW):
        return value, None
    head, _, level = value.partition(";")
    if head == "1" and level in QUALIFICATION_LEVELS:
        return value, None
    return None, f"{_shown(rule, value)} is not 1;level (0 to 8 or 999), 2 or 999"


def _l2_certificate(rule: ColumnRule, value: str, today: date):
    head, _, year = value.partition(";")
    if head in ("2", "3") and not year:
        return value, None
    if head == "1" and (not year or (year.isdigit() and 2024 <= int(year) <= today.year)):
        return value, None
    return None, f"{_shown(rule, value)} is not 1;YYYY (from 2024), 2 or 3"


def _qualification_achieved(rule: ColumnRule, value: str, today: date):
    code, _, year = value.partition(";")
    if code.isdigit() and (not year or (year.isdigit() and 1900 <= int(year) <= today.year)):
        return value, None
    return None, f"{_shown(rule, value)} is not a qualification code and year like 10;2019"


def _validity(rule: ColumnRule, value: str, today: date):
    if value.lower() == "none" or (value.isdigit() and 1 <= int(value) <= 999):
        return value, None
    return None, f"{_shown(rule, value)} is not a number of months from 1 to 999, or none"


CHECKS = {
    "ref": _ref, "status": _status, "text": _text, "code": _code, "codes": _codes, "counts": _counts,
    "int": _int, "number": _decimal, "date": _date, "dob": _date_of_birth, "year": _year, "ni": _ni_number,
    "postcode": _postcode, "provnum": _provider_number, "qualevel": _qualification_level,
    "l2cert": _l2_certificate, "qualach": _qualification_achieved, "validity": _validity,
}
