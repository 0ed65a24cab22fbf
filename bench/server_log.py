"""gunicorn's access log read exactly, for the benchmarks: the status of each access line, the lines
answered 5xx, and keeping a run's logs when it had any (bench/step.py), since its temporary folder
goes at the end.

gunicorn writes an access line in its `access_log_format`, its default (gunicorn.conf.py sets none):

    %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"
    127.0.0.1 - - [05/Dec/2026:20:15:18 +0000] "GET /bench/bare HTTP/1.1" 200 2 "-" "bench"

The status is the three digits after the quoted request line. Any other line (gunicorn's error
log, a traceback, the application's own log) is not an access line and has no status, whatever
it contains (a `" 5` in a user agent or a message is not a 5xx).
"""
from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

ACCESS_LINE = re.compile(
    r'^\S+ \S+ (?P<user>.*?) \[\d{2}/[^/\]]+/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] '  # h l u [t]
    r'"(?P<request>.*?)" (?P<status>\d{3}) (?P<size>\d+|-)(?: |$)')                  # "r" s b
SHOWN = 20  # 5xx lines a report prints


def access_status(line: str) -> int | None:
    """The HTTP status of a gunicorn access-log line; None for any other line."""
    match = ACCESS_LINE.match(line)
    return int(match["status"]) if match else None


def server_errors(access_log: Path) -> list[str]:
    """The access lines of the log that answered 5xx, in order."""
    with access_log.open(errors="replace") as lines:
        return [line.rstrip("\n") for line in lines if 500 <= (access_status(line) or 0) <= 599]


def kept_log_path(given: Path | None = None, now: datetime | None = None) -> Path:
    """Where to keep a run's access log: `given` (--keep-log), else bench-logs/step-<timestamp>.log
    under the current folder."""
    return given or Path("bench-logs") / f"step-{(now or datetime.now()):%Y%m%d-%H%M%S}.log"


def keep_logs(access_log: Path, error_log: Path | None, destination: Path) -> list[Path]:
    """Copy the access log to `destination` and the error log (if there is one) beside it, as
    <name>-errors<suffix>; returns the paths written."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    kept = [Path(shutil.copyfile(access_log, destination))]
    if error_log is not None and error_log.exists():
        errors = destination.with_name(f"{destination.stem}-errors{destination.suffix or '.log'}")
        kept.append(Path(shutil.copyfile(error_log, errors)))
    return kept


def errors_report(errors: list[str], kept: list[Path]) -> list[str]:
    """The report's lines on the server's 5xx: where its logs were kept and the first SHOWN lines."""
    if not errors:
        return []
    lines = [f"Server log kept: {', '.join(str(path) for path in kept)}",
             f"Its 5xx lines ({min(len(errors), SHOWN)} of {len(errors)}):"]
    return lines + [f"  {line}" for line in errors[:SHOWN]]
