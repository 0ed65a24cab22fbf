"""Safer-recruitment checks before referral (CQC Regulation 19, Schedule 3; DOMAIN.md):
identity and right to work, enhanced DBS with the adults' barred list, two references (one
from the most recent employer, or a character reference for a first job), and a full
employment history with gaps over 3 months explained. Referral waits until all are complete."""
from __future__ import annotations

import re
from datetime import date

from academy.auth.access import Invalid
from academy.auth.models import User
from recruitment.models import (
    Application, CheckStatus, DbsStatus, HealthStatus, HistoryStatus, ReferenceKind, ReferenceStatus, RightToWork,
    SaferRecruitmentCheck, State,
)
from recruitment.pipeline import flush_or_conflict, gate
from recruitment.screening import require_staff

DBS_CERTIFICATE = re.compile(r"^\d{12}$")
EDITABLE = (State.values_assessed, State.checks, State.ready_to_refer, State.referred, State.interviewing,
            State.offered, State.on_hold, State.screening, State.submitted)
CHECK_FIELDS = (
    "identity_right_to_work", "right_to_work_evidence", "right_to_work_expires_on", "dbs_status",
    "dbs_barred_list_checked", "dbs_certificate_number", "dbs_issued_on", "dbs_update_service",
    "dbs_risk_assessment", "reference_1_name", "reference_1_kind", "reference_1_status", "reference_2_name",
    "reference_2_kind", "reference_2_status", "employment_history", "employment_gaps_explanation",
    "health_status", "health_notes",
)
ENUM_FIELDS = {
    "identity_right_to_work": CheckStatus, "dbs_status": DbsStatus, "reference_1_kind": ReferenceKind,
    "reference_1_status": ReferenceStatus, "reference_2_kind": ReferenceKind,
    "reference_2_status": ReferenceStatus, "employment_history": HistoryStatus,
}


def missing_checks(check: SaferRecruitmentCheck | None, today: date | None = None) -> list[str]:
    """What still stands between this applicant and a referral, in words for the page (empty = ready)."""
    today = today or date.today()
    if check is None:
        return ["Identity and right to work", "Enhanced DBS with the adults' barred list", "Two satisfactory references",
                "Full employment history with gaps explained"]
    missing = []
    if check.identity_right_to_work != CheckStatus.done:
        missing.append("Identity and right to work")
    elif check.right_to_work_expires_on is not None and check.right_to_work_expires_on <= today:
        missing.append("Right to work: their permission to work has ended")
    if check.dbs_status not in (DbsStatus.clear, DbsStatus.information_disclosed):
        missing.append("Enhanced DBS with the adults' barred list")
    elif not check.dbs_barred_list_checked:
        missing.append("Adults' barred list check")
    elif check.dbs_status == DbsStatus.information_disclosed and not check.dbs_risk_assessment:
        missing.append("A risk assessment of the information the DBS disclosed")
    statuses = (check.reference_1_status, check.reference_2_status)
    if statuses != (ReferenceStatus.satisfactory, ReferenceStatus.satisfactory):
        missing.append("Two satisfactory references")
    elif not {check.reference_1_kind, check.reference_2_kind} & {ReferenceKind.recent_employer,
                                                                 ReferenceKind.character}:
        missing.append("A reference from the most recent employer (or a character reference for a first job)")
    if check.employment_history == HistoryStatus.not_checked:
        missing.append("Full employment history with gaps explained")
    elif check.employment_history == HistoryStatus.gaps_explained and not check.employment_gaps_explanation:
        missing.append("The explanation of gaps in employment history")
    return missing


@gate(State.ready_to_refer)
def _checks_complete(application: Application) -> str | None:
    """Out of checks only when every check is complete (a referral coming back is another matter)."""
    if application.state != State.checks:
        return None
    missing = missing_checks(application.checks)
    if missing:
        return "These checks are not complete yet: " + "; ".join(missing)
    return None


class CheckProblems(Invalid):
    """The checklist contradicts itself; `problems` pairs each message with its form field."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1])
        self.problems = problems


def checks_for(application: Application) -> SaferRecruitmentCheck:
    """The applicant's checklist; a blank one (not saved, not in the session) if there is none yet."""
    if application.checks is None:
        return SaferRecruitmentCheck(
            version=0, identity_right_to_work=CheckStatus.not_started, dbs_status=DbsStatus.not_started,
            reference_1_status=ReferenceStatus.not_requested, reference_2_status=ReferenceStatus.not_requested,
            employment_history=HistoryStatus.not_checked, health_status=HealthStatus.not_started,
            dbs_barred_list_checked=False, dbs_update_service=False)
    return application.checks


def save_checks(session, application: Application, by: User, values: dict, today: date | None = None):
    """Save the checklist from form values, refusing contradictions. Returns what is still missing."""
    require_staff(by)
    today = today or date.today()
    if application.state not in EDITABLE:
        raise Invalid("Checks can only be recorded for an application that is in progress")
    problems = _problems(application, values, today)
    if problems:
        raise CheckProblems(problems)
    check = application.checks
    if check is None:
        check = SaferRecruitmentCheck(application=application)
        session.add(check)
    for name in CHECK_FIELDS:
        value = values.get(name)
        if name in ENUM_FIELDS:
            value = ENUM_FIELDS[name][value] if value else None
        elif name == "health_status":
            value = HealthStatus[value] if value else HealthStatus.not_started
        elif isinstance(value, str):
            value = value.strip() or None
        if name in ("dbs_barred_list_checked", "dbs_update_service"):
            value = bool(value)
        setattr(check, name, value)
    for name, default in (("identity_right_to_work", CheckStatus.not_started), ("dbs_status", DbsStatus.not_started),
                          ("reference_1_status", ReferenceStatus.not_requested),
                          ("reference_2_status", ReferenceStatus.not_requested),
                          ("employment_history", HistoryStatus.not_checked)):
        if getattr(check, name) is None:
            setattr(check, name, default)
    check.updated_by_id = by.id
    flush_or_conflict(session)
    return missing_checks(check, today)


def _problems(application: Application, values: dict, today: date) -> list[tuple[str, str]]:
    problems = []
    dbs = values.get("dbs_status")
    number = (values.get("dbs_certificate_number") or "").strip()
    if dbs in (DbsStatus.clear.name, DbsStatus.information_disclosed.name):
        if not DBS_CERTIFICATE.match(number):
            problems.append(("dbs_certificate_number", "Enter the 12-digit DBS certificate number"))
        if values.get("dbs_issued_on") is None:
            problems.append(("dbs_issued_on", "Enter the date the DBS certificate was issued"))
    elif number and not DBS_CERTIFICATE.match(number):
        problems.append(("dbs_certificate_number", "A DBS certificate number is 12 digits"))
    issued = values.get("dbs_issued_on")
    if issued is not None and issued > today:
        problems.append(("dbs_issued_on", "The DBS certificate issue date must be today or in the past"))
    if (values.get("identity_right_to_work") == CheckStatus.done.name
            and application.right_to_work == RightToWork.visa and values.get("right_to_work_expires_on") is None):
        problems.append(("right_to_work_expires_on",
                         "Enter when their permission to work ends (they told us it is time-limited)"))
    for n in ("1", "2"):
        status = values.get(f"reference_{n}_status")
        if status and status != ReferenceStatus.not_requested.name and not values.get(f"reference_{n}_name"):
            problems.append((f"reference_{n}_name", f"Enter who reference {n} is from"))
    return problems
