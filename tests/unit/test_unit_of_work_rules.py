"""The unit-of-work rules, checked in the source (academy/unit_of_work.py says why):
only owners commit, and a view that shows a domain refusal first undoes what the request prepared."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("academy", "recruitment", "training")

# Outside unit_of_work.py and CLI modules, only these batch jobs commit: each works through many
# items and commits after each one, so a failure part-way keeps the items already done.
BATCH_JOBS_THAT_COMMIT_PER_ITEM = {
    "academy/auth/emails.py",  # deliver_account_mail: a new invitation token is saved before its link goes
    "academy/tiers/lapse.py",
    "academy/tiers/endorsement_requests.py",
    "academy/privacy/retention.py",
    "training/reminders.py",
    "recruitment/booking.py",  # interview_reminders_job: each reminder claimed and sent in its own commit
    "academy/outcomes/snapshots.py",  # run_outcomes: a run's snapshots stored together, under its lock
    "academy/voice/invitations.py",  # send_poll_invitations: the poll claimed as emailed before its links go
}
REFUSALS = {"DomainError", "Invalid", "NotAllowed", "Conflict"}
UNDOES = {"form_error", "refuse", "rollback"}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def _calls(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_only_owners_commit():
    committing = {name for name, tree in _modules() if "commit" in _calls(tree)}
    allowed = {"academy/unit_of_work.py", "academy/cli.py"} | {n for n in committing if n.endswith("/cli.py")}
    assert committing - allowed - BATCH_JOBS_THAT_COMMIT_PER_ITEM == set()


def _undoing_functions(trees) -> set[str]:
    """form_error, refuse, rollback, and any function that calls one of them (a view's helper)."""
    undoing = set(UNDOES)
    for tree in trees:
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and _calls(function) & UNDOES:
                undoing.add(function.name)
    return undoing


def test_a_view_that_shows_a_refusal_undoes_the_request_first():
    modules = list(_modules())
    undoes = _undoing_functions(tree for _, tree in modules)
    offenders = []
    for name, tree in modules:
        if "views" not in name:
            continue
        for handler in ast.walk(tree):
            if not isinstance(handler, ast.ExceptHandler) or handler.type is None:
                continue
            caught = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")
                      for n in ast.walk(handler.type) if isinstance(n, (ast.Name, ast.Attribute))}
            if caught & REFUSALS and not _calls(ast.Module(body=handler.body, type_ignores=[])) & undoes:
                offenders.append(f"{name}:{handler.lineno}")
    assert offenders == []
