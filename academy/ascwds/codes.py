"""The ASC-WDS code lists and header rows, read once from the data files in ./data."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
FILE_KINDS = ("workplace", "staff", "training")
FILE_LABELS = {"workplace": "workplace file", "staff": "staff file", "training": "training file"}


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


@cache
def code_list(name: str) -> dict[str, str]:
    """code -> label for a list in codes.csv or one of the bigger lists (job_roles, services,
    training_categories)."""
    if name in ("job_roles", "services", "training_categories"):
        return {r["code"]: r["name"] for r in _rows(f"{name}.csv")}
    return {r["code"]: r["label"] for r in _rows("codes.csv") if r["list"] == name}


@cache
def job_role_for_code() -> dict[str, str]:
    """ASC-WDS job role code -> this service's job role code."""
    return {r["code"]: r["job_role"] for r in _rows("job_roles.csv")}


@cache
def code_for_job_role() -> dict[str, str]:
    """This service's job role code -> the ASC-WDS code written on export (the first listed)."""
    result: dict[str, str] = {}
    for r in _rows("job_roles.csv"):
        result.setdefault(r["job_role"], r["code"])
    return result


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
               "ethnicity": "ethnicity"}
