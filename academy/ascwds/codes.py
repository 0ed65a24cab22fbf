"""The ASC-WDS code lists and header rows, read once from the data files in ./data."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
FILE_KINDS = ("workplace", "staff", "training")
FILE_LABELS = {"workplace": "workplace file", "staff": "staff file", "training": "training file"}
OTHER_JOB_ROLES = ("23", "27")  # MAINJRDESC is required with these (workerCSVValidator `_validateMainJobDesc`)
OTHER_PROVIDER = "999"  # PROVIDERNAME "other" in Skills for Care's training provider list
# A staff file may carry more qualifications than QUALACH01-03 in further column pairs QUALACH04,
# QUALACH04NOTES, ... (SopraSteria-SFC validate/headers/worker.js), checked like QUALACH01.
EXTRA_QUALIFICATION = re.compile(r"^QUALACH(\d\d)(NOTES)?$")
FIRST_EXTRA_QUALIFICATION = 4


def extra_qualification_number(column: str) -> int | None:
    """n for a staff file's QUALACHnn or QUALACHnnNOTES column from 04 on, else None."""
    match = EXTRA_QUALIFICATION.match(column)
    if match and int(match.group(1)) >= FIRST_EXTRA_QUALIFICATION:
        return int(match.group(1))
    return None


def _rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@dataclass(frozen=True)
class HeaderVersion:
    kind: str
    version: str
    columns: tuple[str, ...]
    optional: tuple[str, ...]
    note: str = ""  # a warning for files in this layout: ASC-WDS no longer takes it


@dataclass(frozen=True)
class ColumnRule:
    column: str
    required: bool
    type: str
    params: tuple[str, ...]
    personal: bool


@cache
def header_versions() -> tuple[HeaderVersion, ...]:
    return tuple(HeaderVersion(r["file"], r["version"], tuple(r["columns"].split(";")),
                               tuple(c for c in r["optional"].split(";") if c), r["note"])
                 for r in _rows("headers.csv"))


def header_version(kind: str, version: str) -> HeaderVersion:
    return next(v for v in header_versions() if v.kind == kind and v.version == version)


def current_header(kind: str) -> tuple[str, ...]:
    return header_version(kind, "current").columns


@cache
def column_rules(kind: str) -> dict[str, ColumnRule]:
    rules = {}
    for r in _rows("columns.csv"):
        if r["file"] == kind:
            kind_and_params = r["type"].split(":")
            rules[r["column"]] = ColumnRule(r["column"], r["required"] == "1", kind_and_params[0],
                                            tuple(kind_and_params[1:]), r["personal"] == "1")
    return rules


def column_rule(kind: str, column: str) -> ColumnRule | None:
    """The rule for a column of a file of this kind (QUALACH04 and on as QUALACH01), or None."""
    rules = column_rules(kind)
    if column in rules:
        return rules[column]
    if kind == "staff" and extra_qualification_number(column) is not None:
        like = rules["QUALACH01NOTES" if column.endswith("NOTES") else "QUALACH01"]
        return replace(like, column=column)
    return None


@cache
def code_list(name: str) -> dict[str, str]:
    """code -> label for a list in codes.csv or one of the bigger lists (job_roles, services,
    training_categories, training_providers, qualifications); `uploadable_job_roles` is the job
    roles ASC-WDS takes in a staff file (not 22 or 41)."""
    if name in ("job_roles", "services", "training_categories", "training_providers"):
        return {r["code"]: r["name"] for r in _rows(f"{name}.csv")}
    if name == "uploadable_job_roles":
        return {r["code"]: r["name"] for r in _rows("job_roles.csv") if r["upload"] == "1"}
    if name == "qualifications":
        return {r["budi_code"]: r["title"] for r in _rows("qualifications.csv")}
    return {r["code"]: r["label"] for r in _rows("codes.csv") if r["list"] == name}


@cache
def job_role_for_code() -> dict[str, str]:
    """ASC-WDS job role code -> this service's job role code."""
    return {r["code"]: r["job_role"] for r in _rows("job_roles.csv")}


@cache
def uploadable_job_role_for_code() -> dict[str, str]:
    """job_role_for_code for the codes ASC-WDS takes in a staff file (not 22 or 41)."""
    return {r["code"]: r["job_role"] for r in _rows("job_roles.csv") if r["upload"] == "1"}


@cache
def not_uploadable_job_roles() -> dict[str, tuple[str, str]]:
    """This service's job roles whose ASC-WDS code cannot be uploaded -> (code, ASC-WDS name)."""
    return {r["job_role"]: (r["code"], r["name"]) for r in _rows("job_roles.csv") if r["upload"] == "0"}


def job_role_for(code: str | None, description: str | None) -> str | None:
    """This service's job role for a staff row's MAINJOBROLE and MAINJRDESC: a 23 or 27 whose
    description names a role ASC-WDS cannot take by code (what the export writes for a technician
    or a care navigator) is that role again."""
    if code in OTHER_JOB_ROLES and description:
        named = description.strip().lower()
        for role, (_, name) in not_uploadable_job_roles().items():
            if name.lower() == named:
                return role
    return job_role_for_code().get(code)


@cache
def code_for_job_role() -> dict[str, str]:
    """This service's job role code -> the ASC-WDS code written on export (the first listed that
    ASC-WDS takes; a role with none is written by `export.py` as 23 or 27 with a description)."""
    result: dict[str, str] = {}
    for r in _rows("job_roles.csv"):
        if r["upload"] == "1":
            result.setdefault(r["job_role"], r["code"])
    return result


@cache
def training_provider_codes() -> dict[str, str]:
    """A training provider's name (lower case) -> its ASC-WDS PROVIDERNAME code."""
    return {name.strip().lower(): code for code, name in code_list("training_providers").items()}


def provider_code(provider: str | None) -> str:
    """The PROVIDERNAME code for a training record's provider: the code of the provider of that
    name in Skills for Care's list, the code itself if it is one, else 999 (another provider)."""
    provider = (provider or "").strip()
    if not provider:
        return ""
    if provider in code_list("training_providers"):
        return provider
    return training_provider_codes().get(provider.lower(), OTHER_PROVIDER)


@cache
def services() -> dict[str, dict]:
    return {r["code"]: {"name": r["name"], "cqc_regulated": r["cqc_regulated"] == "1",
                        "service_type": r["service_type"]} for r in _rows("services.csv")}


@cache
def training_categories() -> dict[str, dict]:
    return {r["code"]: {"name": r["name"], "course": r["course"] or None} for r in _rows("training_categories.csv")}


# EMPLSTATUS <-> this service's ContractType names. 7 (Other) has no contract type of its own.
EMPLSTATUS_CONTRACT = {"1": "permanent", "2": "temporary", "3": "bank", "4": "agency", "7": "bank"}
CONTRACT_EMPLSTATUS = {"permanent": "1", "temporary": "2", "bank": "3", "agency": "4"}
LABEL_NAMES = {"job_roles": "job role", "services": "service", "training_categories": "training category",
               "emplstatus": "employment status", "yesnodk": "yes (1), no (2) or don't know (999)",
               "yesno01": "yes (1) or no (0)", "regtype": "registration type", "esttype": "employer type",
               "recsource": "recruitment source", "carecert": "Care Certificate", "nmcreg": "NMC registration",
               "cwpcategory": "Care Workforce Pathway category", "accredited": "accredited",
               "whodelivered": "who delivered", "howdelivered": "how delivered", "salaryint": "pay interval",
               "britishcitizenship": "British citizenship", "disabled": "disability", "gender": "gender",
               "ethnicity": "ethnicity", "training_providers": "training provider",
               "uploadable_job_roles": "job role", "qualifications": "qualification"}
