"""The validation report: errors (which block applying) and warnings (which do not), by file,
line and column in Skills for Care's style ("Line 14, MAINJOBROLE: 99 is not a job role code"),
counts of what applying would create, update and delete, and a preview of those rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from academy.ascwds.codes import FILE_KINDS, FILE_LABELS

MAX_MESSAGES = 500
MAX_PREVIEW = 100
ACTIONS = ("created", "updated", "deleted", "unchanged")


@dataclass
class Message:
    level: str
    kind: str | None
    line: int | None
    column: str | None
    text: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"Line {self.line}")
        if self.column:
            where.append(self.column)
        return (", ".join(where) + ": " if where else "") + self.text

    def as_dict(self) -> dict:
        return {"level": self.level, "kind": self.kind, "line": self.line, "column": self.column, "text": self.text}


@dataclass
class Report:
    files: list[dict] = field(default_factory=list)
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: dict.fromkeys(ACTIONS, 0) for kind in FILE_KINDS})
    preview: dict[str, list[dict]] = field(default_factory=lambda: {a: [] for a in ACTIONS[:3]})
    error_columns: Counter = field(default_factory=Counter)
    staff_deleted: int = 0
    applied: bool = False
    # New workplaces without a CQC provider number whose provider the importing person must choose.
    provider_needed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, kind, line, column, text) -> None:
        self.error_count += 1
        self.error_columns[f"{FILE_LABELS.get(kind, 'files')}: {column or 'whole row'}"] += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(Message("error", kind, line, column, text))

    def warning(self, kind, line, column, text) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(Message("warning", kind, line, column, text))

    def count(self, kind: str, action: str, line: int | None = None, what="", change: str = "") -> None:
        """Count a row; the first MAX_PREVIEW of each action go into the preview. `what` may be a
        function returning (what, change), so big files only describe the rows shown."""
        self.counts[kind][action] += 1
        if action in self.preview and len(self.preview[action]) < MAX_PREVIEW:
            if callable(what):
                what, change = what()
            self.preview[action].append({"file": FILE_LABELS[kind], "line": line, "what": what, "change": change})

    @property
    def totals(self) -> dict[str, int]:
        return {action: sum(c[action] for c in self.counts.values()) for action in ACTIONS}

    def by_file(self, level: str) -> list[tuple[str, list[Message]]]:
        messages = self.errors if level == "error" else self.warnings
        groups: dict[str, list[Message]] = {}
        for message in messages:
            groups.setdefault(FILE_LABELS.get(message.kind, "Files"), []).append(message)
        return list(groups.items())

    def as_dict(self) -> dict:
        return {"files": self.files, "errors": [m.as_dict() for m in self.errors],
                "warnings": [m.as_dict() for m in self.warnings], "error_count": self.error_count,
                "warning_count": self.warning_count, "counts": self.counts, "preview": self.preview,
                "error_columns": dict(self.error_columns), "staff_deleted": self.staff_deleted,
                "applied": self.applied, "provider_needed": self.provider_needed}

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        report = cls(files=data["files"], error_count=data["error_count"], warning_count=data["warning_count"],
                     counts=data["counts"], preview=data["preview"], error_columns=Counter(data["error_columns"]),
                     staff_deleted=data.get("staff_deleted", 0), applied=data.get("applied", False),
                     provider_needed=data.get("provider_needed", []))
        report.errors = [Message(**m) for m in data["errors"]]
        report.warnings = [Message(**m) for m in data["warnings"]]
        return report

    def lines(self) -> list[str]:
        """The report as plain text lines (for the command line)."""
        out = [f"{f['name']}: {FILE_LABELS[f['kind']]} ({f['version']} header, {f['encoding']}), {f['rows']} rows"
               for f in self.files]
        for kind in FILE_KINDS:
            c = self.counts[kind]
            if any(c.values()):
                out.append(f"{FILE_LABELS[kind].capitalize()}: {c['created']} to create, {c['updated']} to update, "
                           f"{c['deleted']} to delete, {c['unchanged']} unchanged")
        out.append(f"{self.error_count} errors, {self.warning_count} warnings")
        for message in self.errors:
            out.append(f"ERROR   {FILE_LABELS.get(message.kind, 'files')}: {message}")
        if self.error_count > len(self.errors):
            out.append(f"... and {self.error_count - len(self.errors)} more errors")
        for message in self.warnings:
            out.append(f"WARNING {FILE_LABELS.get(message.kind, 'files')}: {message}")
        if self.warning_count > len(self.warnings):
            out.append(f"... and {self.warning_count - len(self.warnings)} more warnings")
        return out
