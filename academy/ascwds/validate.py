"""Rows to a Plan: every cell checked (cells.py), each row matched to what the service already
holds, and the cross-file rules (a staff row's workplace must be in the workplace file or the
service; a training row's worker must be in the staff file or the service; no duplicate
UNIQUEWORKERIDs). The Plan is what apply.py writes; its Report is what the user sees first."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from academy.ascwds import codes, workplace_counts
from academy.ascwds.cells import Corrected, Refused, checker, format_date
from academy.ascwds.export import FORMULA_STARTS
from academy.ascwds.parse import ParsedFile
from academy.ascwds.plan import Plan, StaffChange, WorkplaceChange
from academy.ascwds.providers import settle_providers
from academy.ascwds.records import worker_records
from academy.ascwds.report import Report
from academy.ascwds.state import ServiceState
from academy.ascwds.validate_training import training_rows

CHANGING = ("NEW", "UPDATE")
LEAVE_ALONE = ("UNCHECKED", "NOCHANGE")
WORKPLACE_MAPPED = {"LOCALESTID", "STATUS", "ESTNAME", "ADDRESS1", "ADDRESS2", "POSTTOWN", "POSTCODE", "LOCATIONID"}
STAFF_MAPPED = {"LOCALESTID", "UNIQUEWORKERID", "CHGUNIQUEWRKID", "STATUS", "DISPLAYID", "STARTDATE",
                "TRANSFERSTAFFRECORD", "FLUVAC"}
# Columns of the staff file that this service never stores (docs/ascwds.md): FLUVAC is personal;
# NURSESPEC is in the layouts before July 2026 only, and ASC-WDS no longer takes it.
NOT_STORED = {"FLUVAC", "NURSESPEC"}


@dataclass
class Options:
    today: date
    leaving_date: date | None = None  # for staff rows marked DELETE; defaults to today
    district_id: int | None = None  # for workplaces new to the service
    provider_id: int | None = None  # for new workplaces without a CQC provider number (providers.py)


def _rows(parsed: ParsedFile, report: Report, today: date, skip_content_for_delete: bool = True,
          keep_extra: bool = True):
    """Yield (line, values, extra) per row: values holds every checked column's parsed value,
    extra the raw text of columns carried for export (not personal). Cell problems go to the report."""
    index = parsed.index()
    rules = {name: rule for name in index if (rule := codes.column_rule(parsed.kind, name)) is not None}
    checked = [(name, i, rules[name], checker(rules[name], today)) for name, i in index.items() if name in rules]
    carried = [(name, i) for name, i in index.items()
               if not (name in rules and rules[name].personal) and name not in NOT_STORED]
    status_at = index.get("STATUS")
    # trainingCSVValidator: PROVIDERNAME is only read when WHODELIVERED is 2 (external provider).
    provider_at, delivered_at = index.get("PROVIDERNAME"), index.get("WHODELIVERED")
    if parsed.kind != "training":
        provider_at = None
    formula_starts = FORMULA_STARTS
    neutralised = parsed.neutralised
    kind = parsed.kind
    for line, row in zip(parsed.lines, parsed.rows):
        if neutralised:  # undo export's neutralising of formula-looking cells
            for i, cell in enumerate(row):
                if cell[:1] == "'" and cell[1:2] and cell[1:2] in formula_starts:
                    row[i] = cell[1:]
        status = row[status_at].strip().upper() if status_at is not None else "NEW"
        content = not (skip_content_for_delete and status == "DELETE")
        values: dict = {}
        dropped = set()
        corrected = None
        if provider_at is not None and row[provider_at].strip() and (
                delivered_at is None or row[delivered_at].strip() != "2"):
            dropped.add("PROVIDERNAME")
            report.warning(kind, line, "PROVIDERNAME", "A training provider is only read when WHODELIVERED is 2 "
                                                       "(external provider); it will be left out")
        for name, i, rule, check_cell in checked:
            raw = row[i]
            if not raw or raw[0] == " " or raw[-1] == " ":
                raw = raw.strip()
            if not raw:
                if rule.required and (status in CHANGING or kind == "training" or rule.type in ("ref", "status")):
                    report.error(kind, line, name, f"{name} is missing")
                continue
            if (not content and rule.type not in ("ref", "status")) or name in dropped:
                continue
            value, problem = check_cell(raw)
            if problem is None:
                values[name] = value
            elif type(problem) is Corrected:
                values[name] = value
                corrected = corrected or {}
                corrected[name] = str(value)
                report.warning(kind, line, name, problem)
            elif rule.required or rule.type == "date" or type(problem) is Refused:
                report.error(kind, line, name, problem)
            else:
                dropped.add(name)
                report.warning(kind, line, name, problem + "; it will be left out")
        extra = ({name: cell for name, i in carried if (cell := row[i].strip()) and name not in dropped}
                 if keep_extra else None)
        if corrected and extra is not None:
            extra.update(corrected)
        yield line, values, extra


def _extra_json(extra: dict, mapped: set[str]) -> str | None:
    kept = {k: v for k, v in extra.items() if k not in mapped}
    return json.dumps(kept, sort_keys=True) if kept else None


def validate(session, files: list[ParsedFile], user, options: Options) -> Plan:
    """Check the files against each other and the service; never changes the database."""
    report = Report()
    plan = Plan(report=report, leaving_date=options.leaving_date or options.today, district_id=options.district_id,
                today=options.today)
    by_kind: dict[str, ParsedFile] = {}
    for parsed in files:
        report.files.append({"name": parsed.name, "kind": parsed.kind, "version": parsed.version,
                             "encoding": parsed.encoding, "rows": len(parsed.rows)})
        if parsed.kind in by_kind:
            report.error(parsed.kind, None, None, f"Upload one {parsed.label} at a time ({by_kind[parsed.kind].name} "
                                                  f"and {parsed.name} are both {parsed.label}s)")
            continue
        by_kind[parsed.kind] = parsed
        note = codes.header_version(parsed.kind, parsed.version).note
        if note:
            report.warning(parsed.kind, 1, None, note)
        for line, column, text in parsed.problems:
            report.error(parsed.kind, line, column, text)
    if report.error_count and any(p[0] == 1 for f in files for p in f.problems):
        return plan  # a header problem: the columns cannot be trusted
    state = ServiceState.load(session, user, by_kind)
    if "workplace" in by_kind:
        _workplaces(plan, by_kind["workplace"], state, options)
        settle_providers(session, plan, state, options.provider_id)
    if "staff" in by_kind:
        _staff(plan, by_kind["staff"], state, options)
        _staff_totals(report, state)
    if "training" in by_kind:
        rows = _rows(by_kind["training"], report, options.today, skip_content_for_delete=False, keep_extra=False)
        training_rows(plan, rows, state)
    linked = {w.id for w in plan.workplaces if w.id is not None}
    plan.workplaces += [WorkplaceChange("link", None, id=workplace_id, local_id=local_id)
                        for local_id, workplace_id in state.implicit_links.items() if workplace_id not in linked]
    return plan


def _workplaces(plan: Plan, parsed: ParsedFile, state: ServiceState, options: Options) -> None:
    report, seen, locations, totals = plan.report, {}, {}, state.file_totals
    services = codes.services()
    for line, values, extra in _rows(parsed, report, options.today):
        local_id, status = values.get("LOCALESTID"), values.get("STATUS")
        if not local_id or not status:
            continue
        if local_id in seen:
            report.error("workplace", line, "LOCALESTID", f"{local_id} is also on line {seen[local_id]}")
            continue
        seen[local_id] = line
        existing = state.find_workplace(local_id, values.get("LOCATIONID"), values.get("ESTNAME"))
        if existing is not None and not state.may_change(existing.id):
            report.error("workplace", line, "LOCALESTID", f"{local_id} is not one of your workplaces")
            continue
        location = values.get("LOCATIONID")
        if location and location in locations:
            report.error("workplace", line, "LOCATIONID", f"{location} is also on line {locations[location]}")
            continue
        if location:
            locations[location] = line
        clash = state.by_location.get(location)
        if clash is not None and (existing is None or clash.id != existing.id):
            report.error("workplace", line, "LOCATIONID", f"{values['LOCATIONID']} is the CQC location ID of "
                                                          "another workplace in this service")
            continue
        state.file_workplaces[local_id] = existing.id if existing else None
        if values.get("TOTALPERMTEMP") is not None:
            totals[local_id] = (line, values["TOTALPERMTEMP"])
        state.file_regulated[local_id] = bool(services.get(values.get("MAINSERVICE"), {}).get("cqc_regulated")
                                              or values.get("REGTYPE") == "2")
        service_type_id = state.service_type_ids.get(services.get(values.get("MAINSERVICE"), {}).get("service_type"))
        fields = {"name": values.get("ESTNAME"), "address_line_1": values.get("ADDRESS1"),
                  "address_line_2": values.get("ADDRESS2"), "town": values.get("POSTTOWN"),
                  "postcode": values.get("POSTCODE"), "cqc_location_id": values.get("LOCATIONID"),
                  "service_type_id": service_type_id, "ascwds_extra": _extra_json(extra, WORKPLACE_MAPPED),
                  "ascwds_local_id": local_id}
        label = f"{values.get('ESTNAME') or local_id} ({local_id})"
        if status in CHANGING or (existing is None and status != "DELETE"):
            workplace_counts.collect(plan, line, local_id, existing and existing.id, values)
        if status == "DELETE":
            if existing is None:
                report.error("workplace", line, "LOCALESTID", f"{local_id} is not a workplace in this service")
            elif not state.may_create_workplaces:
                report.error("workplace", line, "STATUS", "Only HCPA can close a workplace; ask them to")
            else:
                plan.workplaces.append(WorkplaceChange("delete", line, id=existing.id))
                report.count("workplace", "deleted", line, label, "Marked as no longer active")
            continue
        if existing is None:
            if status == "UPDATE":
                report.error("workplace", line, "STATUS", f"{local_id} is not a workplace in this service; use NEW")
            elif not state.may_create_workplaces:
                report.error("workplace", line, "LOCALESTID",
                             f"{local_id} is not one of your workplaces (ask HCPA to add a new workplace)")
            elif options.district_id is None:
                report.error("workplace", line, "LOCALESTID",
                             f"{local_id} is new to this service: choose its district to add it")
            else:
                plan.workplaces.append(WorkplaceChange("create", line, fields=fields, provnum=extra.get("PROVNUM")))
                report.count("workplace", "created", line, label)
            continue
        if existing.matched_by != "local_id":
            report.warning("workplace", line, "LOCALESTID",
                           f"{local_id} matched the workplace {existing.name} by its {existing.matched_by}; "
                           "the LOCALESTID will be remembered")
        if status == "NEW" and existing.matched_by == "local_id":
            report.error("workplace", line, "STATUS", f"{local_id} is already a workplace in this service; use UPDATE")
            continue
        changed = [k for k, v in fields.items() if getattr(existing, k) != v]
        if status in LEAVE_ALONE or not changed:
            if existing.matched_by != "local_id":
                plan.workplaces.append(WorkplaceChange("link", line, id=existing.id, local_id=local_id))
            report.count("workplace", "unchanged")
            continue
        plan.workplaces.append(WorkplaceChange("update", line, id=existing.id, fields=fields))
        report.count("workplace", "updated", line, label, "Changed: " + ", ".join(c.replace("_", " ") for c in changed))
    state.workplace_rows = {local_id: line for local_id, line in seen.items()}


def _staff_totals(report: Report, state: ServiceState) -> None:
    """ASC-WDS's cross-check: TOTALPERMTEMP should be the number of staff records."""
    staff: dict[str, int] = {}
    for (local_id, _), status in state.file_workers.items():
        if status != "DELETE":
            staff[local_id] = staff.get(local_id, 0) + 1
    for local_id, (line, total) in state.file_totals.items():
        if total != 999 and total != staff.get(local_id, 0):
            report.warning("workplace", line, "TOTALPERMTEMP", f"{total} does not match the {staff.get(local_id, 0)} "
                                                               f"staff records for {local_id} in the staff file")


def _hours(values: dict):
    for column in ("CONTHOURS", "AVGHOURS"):
        hours = values.get(column)
        if hours is not None and str(hours) != "999":
            return hours
    return None


def _declared_records(plan: Plan, line: int, key: tuple[str, str], values: dict, current, workplace_id, today) -> None:
    """Qualifications and Care Certificate the row declares, for apply (academy/ascwds/records.py)."""
    plan.records.append(worker_records(plan.report, line, key, values, current.person_id if current else None,
                                       workplace_id, today))


def _staff(plan: Plan, parsed: ParsedFile, state: ServiceState, options: Options) -> None:
    report, seen = plan.report, {}
    roles, leaving = state.job_roles, plan.leaving_date
    for line, values, extra in _rows(parsed, report, options.today):
        local_id, worker_id, status = values.get("LOCALESTID"), values.get("UNIQUEWORKERID"), values.get("STATUS")
        if not (local_id and worker_id and status):
            continue
        key = (local_id, worker_id)
        if key in seen:
            report.error("staff", line, "UNIQUEWORKERID", f"{worker_id} is also on line {seen[key]} for {local_id}")
            continue
        seen[key] = line
        workplace_id, problem = state.workplace_for(local_id)
        if problem:
            report.error("staff", line, "LOCALESTID", problem)
            continue
        if values.get("TRANSFERSTAFFRECORD"):
            report.warning("staff", line, "TRANSFERSTAFFRECORD", "Moving staff between workplaces is not supported "
                                                                 "here; the column is ignored")
        current = state.employment(workplace_id, worker_id)
        label = f"{values.get('DISPLAYID') or worker_id} ({worker_id}) at {local_id}"
        state.file_workers[key] = status
        if status == "DELETE":
            if current is None:
                report.error("staff", line, "UNIQUEWORKERID", f"{worker_id} is not a current worker at {local_id}")
            elif leaving < current.start_date:
                report.error("staff", line, "STATUS", f"The leaving date {format_date(leaving)} is before their "
                                                      f"start date {format_date(current.start_date)}")
            else:
                plan.staff.append(StaffChange("delete", line, key, id=current.id))
                report.count("staff", "deleted", line, label, f"Leaves on {format_date(leaving)}")
                report.staff_deleted += 1
            continue
        _declared_records(plan, line, key, values, current, workplace_id, options.today)
        role_code = codes.job_role_for(values.get("MAINJOBROLE"), values.get("MAINJRDESC"))
        role = roles.get(role_code)
        if values.get("MAINJOBROLE") in codes.OTHER_JOB_ROLES and not values.get("MAINJRDESC"):
            # workerCSVValidator `_validateMainJobDesc`: ASC-WDS refuses the row ("MAINJRDESC has not been supplied").
            report.error("staff", line, "MAINJRDESC", f"MAINJRDESC is missing: job role {values['MAINJOBROLE']} "
                                                      f"({codes.code_list('job_roles')[values['MAINJOBROLE']]}) "
                                                      "needs a description of the role")
            continue
        if role is not None and role.registered_manager and not state.regulated(local_id, workplace_id):
            report.warning("staff", line, "MAINJOBROLE", "4 (Registered manager) is for CQC-regulated workplaces")
        if status in CHANGING and _hours(values) is None and "CONTHOURS" in parsed.columns:
            report.warning("staff", line, "CONTHOURS", "No contracted or average hours given")
        contract = codes.EMPLSTATUS_CONTRACT.get(values.get("EMPLSTATUS"))
        if values.get("EMPLSTATUS") == "7":
            report.warning("staff", line, "EMPLSTATUS", "7 (Other) is recorded as Bank or pool")
        new_id = values.get("CHGUNIQUEWRKID") or worker_id
        fields = {"full_name": values.get("DISPLAYID"), "job_role_id": role.id if role else None,
                  "contract_type": contract, "hours_per_week": _hours(values), "start_date": values.get("STARTDATE"),
                  "is_registered_manager": bool(role and role.registered_manager),
                  "ascwds_extra": _extra_json(extra, STAFF_MAPPED), "ascwds_worker_id": new_id}
        complete = all(fields[k] is not None for k in ("full_name", "job_role_id", "contract_type", "start_date"))
        if current is None:
            if status == "UPDATE":
                report.error("staff", line, "UNIQUEWORKERID", f"{worker_id} is not a current worker at {local_id}; "
                                                              "use NEW")
            elif complete:
                previous = state.former_person(workplace_id, worker_id)
                plan.staff.append(StaffChange("create", line, key, workplace_id=workplace_id, person_id=previous,
                                              fields=fields))
                report.count("staff", "created", line, label, f"{role.name}, {values.get('STARTDATE'):%d/%m/%Y}")
            elif status not in CHANGING:
                report.error("staff", line, "STATUS", f"{worker_id} is new to this service but the row is not "
                                                      "complete; fill in its required columns")
            continue
        if status == "NEW":
            report.error("staff", line, "UNIQUEWORKERID", f"{worker_id} is already a worker at {local_id}; use UPDATE")
            continue
        if new_id != worker_id and state.employment(workplace_id, new_id) is not None:
            report.error("staff", line, "CHGUNIQUEWRKID", f"{new_id} is already a worker at {local_id}")
            continue
        # The name on a worker's own passport is theirs: a workplace's file does not change it.
        keep_name = current.user_id is not None
        changed = [k for k, v in fields.items()
                   if v is not None and current.get(k) != v and not (keep_name and k == "full_name")]
        if status in LEAVE_ALONE or not changed or not complete:
            report.count("staff", "unchanged")
            continue
        plan.staff.append(StaffChange("update", line, key, id=current.id, person_id=current.person_id,
                                      fields=fields, keep_name=keep_name))
        report.count("staff", "updated", line, label,
                     "Changed: " + ", ".join(c.replace("_", " ").replace("ascwds extra", "other ASC-WDS details")
                                             for c in changed))
