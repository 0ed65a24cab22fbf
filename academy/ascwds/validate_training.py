"""The training file's rows: each names a worker (in the staff file or already in the service)
and a training category, which becomes a catalogue course (data/training_categories.csv)."""
from __future__ import annotations

from datetime import timedelta

from academy.ascwds import codes
from academy.ascwds.cells import format_date
from academy.ascwds.plan import TrainingChange
from training.records import add_months

NEW_COURSE_PREFIX = "ascwds_category_"


def course_resolver(state, plan):
    """(category, training name) -> course id, or 'new:<category>' for a course apply adds."""
    by_category: dict[int, list] = {}
    by_code = {}
    for course in state.courses:
        by_code[course.code] = course
        if course.asc_wds_category is not None:
            by_category.setdefault(course.asc_wds_category, []).append(course)
    categories = codes.training_categories()
    cache: dict[tuple[str, str], tuple] = {}

    def resolve(category: str, name: str) -> tuple:
        key = (category, name.lower())
        if key not in cache:
            candidates = by_category.get(int(category), [])
            exact = next((c for c in candidates if c.name.lower() == name.lower()), None) if name else None
            default = by_code.get(categories[category]["course"] or NEW_COURSE_PREFIX + category)
            chosen = exact or default
            if chosen is None:
                plan.new_courses[category] = categories[category]["name"]
                cache[key] = (f"new:{category}", None, f"ASC-WDS: {categories[category]['name']}")
            else:
                cache[key] = (chosen.id, chosen.renewal_months, chosen.name)
        return cache[key]

    return resolve


def training_rows(plan, rows, state) -> None:
    """The training file's checked rows (validate._rows: (line, values, extra)) into the plan."""
    report, seen = plan.report, {}
    resolve = course_resolver(state, plan)
    for line, values, _ in rows:
        local_id, worker_id = values.get("LOCALESTID"), values.get("UNIQUEWORKERID")
        category, completed = values.get("CATEGORY"), values.get("DATECOMPLETED")
        if not (local_id and worker_id and category and completed):
            continue
        key = (local_id, worker_id)
        person_id = None
        if key in state.file_workers:
            if state.file_workers[key] == "DELETE":
                report.error("training", line, "UNIQUEWORKERID", f"{worker_id} is marked DELETE in the staff file")
                continue
            workplace_id = state.file_workplaces.get(local_id) or state.implicit_links.get(local_id)
            known = state.employment(workplace_id, worker_id)
            person_id = known.person_id if known else None
        else:
            workplace_id, problem = state.workplace_for(local_id)
            known = state.employment(workplace_id, worker_id) if not problem else None
            if problem or known is None:
                report.error("training", line, "UNIQUEWORKERID", problem or
                             f"{worker_id} is not a worker at {local_id} in the staff file or in this service")
                continue
            person_id = known.person_id
        name = values.get("TRAININGNAME") or values.get("DESCRIPTION") or ""
        course_ref, renewal, course_name = resolve(category, name)
        expires = values.get("EXPIRYDATE")
        if expires is not None and expires < completed:
            report.error("training", line, "EXPIRYDATE", f"{format_date(expires)} is before DATECOMPLETED "
                                                         f"{format_date(completed)}")
            continue
        validity = values.get("VALIDITY")
        worked_out = expires is None and _expiry(report, line, completed, validity, renewal)
        if worked_out:
            expires = worked_out
        same = (key, course_ref, completed, name.lower())
        if same in seen:
            report.warning("training", line, None, f"The same training as line {seen[same]}; it will be left out")
            continue
        seen[same] = line
        # PROVIDERNAME is a code of Skills for Care's list; the record keeps the provider's name.
        notes, provider = values.get("NOTES"), codes.code_list("training_providers").get(values.get("PROVIDERNAME"))
        def describe(course_name=course_name, worker_id=worker_id, local_id=local_id, completed=completed):
            return f"{course_name} for {worker_id} at {local_id}", f"Completed {format_date(completed)}"

        details = {"title": name or None, "accredited": values.get("ACCREDITED"),
                   "who_delivered": values.get("WHODELIVERED"), "how_delivered": values.get("HOWDELIVERED"),
                   "validity": validity, "expiry_worked_out": bool(worked_out)}
        existing = None
        if person_id:  # the record with this training name, else one kept without a name
            existing = (state.records.get((person_id, course_ref, completed, name.lower()))
                        or state.records.get((person_id, course_ref, completed, "")))
        if existing is None:
            plan.training.append(TrainingChange("create", key, person_id, course_ref, completed, expires, provider,
                                                notes, **details))
            report.count("training", "created", line, describe)
        elif existing[1:] == (expires, notes, provider, *details.values()) or existing[0] in state.verified_records:
            report.count("training", "unchanged")  # a record verified here is left as it is
        else:
            plan.training.append(TrainingChange("update", key, person_id, course_ref, completed, expires, provider,
                                                notes, existing[0], **details))
            report.count("training", "updated", line, lambda d=describe: (d()[0], "Expiry date, notes or other "
                                                                                  "details changed"))


def _expiry(report, line: int, completed, validity: str | None, renewal: int | None):
    """The expiry when the row gives none: VALIDITY "none" means it does not expire; VALIDITY months
    give completed + months - 1 day (Skills for Care's rule); else the course's renewal period.
    Returns the date worked out, or None (no expiry)."""
    if validity and validity.lower() == "none":
        return None
    if validity:
        expires = add_months(completed, int(validity)) - timedelta(days=1)
        report.warning("training", line, "EXPIRYDATE", f"No expiry date given; {format_date(expires)} is worked "
                                                       f"out from VALIDITY ({validity} months)")
        return expires
    if renewal:
        expires = add_months(completed, renewal)
        report.warning("training", line, "EXPIRYDATE", f"No expiry date given; {format_date(expires)} is worked "
                                                       f"out from the course's renewal period")
        return expires
    return None
