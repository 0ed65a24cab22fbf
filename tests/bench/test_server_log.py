"""bench/server_log.py: the benchmarks' 5xx count reads the status field of gunicorn's own access
lines (written here by gunicorn's logger with the project's gunicorn.conf.py), not a `" 5` anywhere
in the log; and a step load that counted any keeps its logs and shows the lines."""
from __future__ import annotations

import io
import logging
import runpy
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from gunicorn.config import Config

from bench.server_log import SHOWN, access_status, errors_report, keep_logs, kept_log_path, server_errors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def access_line():
    """An access line as the project's gunicorn writes it, in its access_log_format."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    for name in ("logger_class", "access_log_format"):
        if name in settings:
            config.set(name, settings[name])
    config.set("accesslog", "-")
    logger = config.logger_class(config)
    written = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(written)]

    def line(status: str, path: str = "/bench/bare", agent: str = "bench", referer: str | None = None) -> str:
        written.seek(0)
        written.truncate()
        response = type("Response", (), {"status": status, "sent": 1234, "headers": []})()
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path.split("?")[0], "QUERY_STRING": "",
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": agent}
        if referer:
            environ["HTTP_REFERER"] = referer
        logger.access(response, type("Request", (), {"headers": []})(), environ, timedelta(milliseconds=5))
        return written.getvalue()
    return line


@pytest.mark.parametrize("status", ["200 OK", "302 FOUND", "404 NOT FOUND", "500 INTERNAL SERVER ERROR",
                                    "503 SERVICE UNAVAILABLE"])
def test_the_status_is_read_from_the_field_after_the_request_line(access_line, status):
    assert access_status(access_line(status)) == int(status[:3])


def test_a_quote_then_5_elsewhere_in_an_access_line_is_not_a_5xx(access_line):
    tricky = access_line("200 OK", path='/search?q=%22" 500', agent='Phone " 5G', referer='https://x.example/" 503')
    assert '" 5' in tricky and access_status(tricky) == 200
    assert access_status(access_line("302 FOUND", path="/voice/answer/secret-token")) == 302  # redacted, still read


@pytest.mark.parametrize("line", [
    '[2026-12-05 20:15:18 +0000] [4711] [ERROR] Error handling request "GET / HTTP/1.1" 500',
    '  File "/app/academy/views.py", line 5, in index',
    'Traceback (most recent call last):',
    '',
])
def test_error_log_lines_tracebacks_and_other_lines_have_no_status(line):
    assert access_status(line) is None


def test_server_errors_are_the_5xx_access_lines_in_order(tmp_path, access_line):
    log = tmp_path / "gunicorn.log"
    log.write_text(access_line("200 OK") + access_line("500 INTERNAL SERVER ERROR", path="/first")
                   + '  File "x.py", line 5\n' + access_line("200 OK", agent='A " 5') + access_line("502 BAD GATEWAY", path="/second"))
    errors = server_errors(log)
    assert [e.split('"')[1] for e in errors] == ["GET /first HTTP/1.1", "GET /second HTTP/1.1"]
    assert not any(e.endswith("\n") for e in errors)


def test_the_logs_are_kept_where_asked_or_under_bench_logs_with_the_time(tmp_path):
    assert kept_log_path(None, datetime(2026, 12, 5, 20, 15, 18)) == Path("bench-logs/step-20261205-201518.log")
    assert kept_log_path(tmp_path / "mine.log") == tmp_path / "mine.log"
    access, errors = tmp_path / "work" / "gunicorn.log", tmp_path / "work" / "gunicorn-errors.log"
    access.parent.mkdir()
    access.write_text("access\n")
    errors.write_text("Traceback\n")
    kept = keep_logs(access, errors, tmp_path / "kept" / "step-1.log")
    assert kept == [tmp_path / "kept" / "step-1.log", tmp_path / "kept" / "step-1-errors.log"]
    assert [p.read_text() for p in kept] == ["access\n", "Traceback\n"]
    assert keep_logs(access, tmp_path / "none.log", tmp_path / "only.log") == [tmp_path / "only.log"]


def test_the_report_names_the_kept_logs_and_shows_at_most_20_lines():
    errors = [f"line {n}" for n in range(25)]
    report = errors_report(errors, [Path("bench-logs/step-1.log"), Path("bench-logs/step-1-errors.log")])
    assert report[0] == "Server log kept: bench-logs/step-1.log, bench-logs/step-1-errors.log"
    assert report[1] == "Its 5xx lines (20 of 25):" and report[2:] == [f"  line {n}" for n in range(SHOWN)]
    assert errors_report([], []) == []
