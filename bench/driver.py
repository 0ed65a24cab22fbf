"""A small HTTP load driver on the standard library, for bench/signin.py and bench/load.py --step:
virtual users as threads, each with its own keep-alive connection and cookies, timing every
request by name. Only 127.0.0.1 is ever contacted.

Closed loop, no think time: each user sends its next request as soon as the last one answered, so
the request rate a step reaches is what the server gives at that many users in flight.
"""
from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOST = "127.0.0.1"


class Failed(Exception):
    """A request that answered 5xx, timed out or broke the connection."""


@dataclass
class Timings:
    """Seconds per request, by page name, and failures, shared by the threads of one run."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, elapsed: float) -> None:
        with self.lock:
            self.seconds.setdefault(name, []).append(elapsed)

    def fail(self, name: str) -> None:
        with self.lock:
            self.failures[name] = self.failures.get(name, 0) + 1

    def requests(self) -> int:
        return sum(len(v) for v in self.seconds.values()) + sum(self.failures.values())


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


class Browser:
    """One virtual user: a keep-alive connection, its cookies, and the run's timings."""

    def __init__(self, port: int, timings: Timings | None = None, timeout: float = 30):
        self.port, self.timings, self.timeout = port, timings, timeout
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, str, dict]:
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened once more
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in value or not cookie:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie
        return response.status, data.decode("utf-8", "replace"), dict(response.getheaders())

    def request(self, method: str, path: str, name: str, data: dict | None = None,
                expect: tuple[int, ...] | None = None) -> tuple[int, str]:
        """Send one request; time it under `name`. A 5xx, a broken connection or (with `expect`) any
        other status than those expected counts as a failure and raises Failed."""
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            status, text, _ = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException) as problem:
            if self.timings:
                self.timings.fail(name)
            self.close()
            raise Failed(f"{name}: {problem!r}") from problem
        elapsed = time.perf_counter() - started
        if status >= 500 or (expect is not None and status not in expect):
            if self.timings:
                self.timings.fail(name)
            raise Failed(f"{name}: {status}")
        if self.timings:
            self.timings.add(name, elapsed)
        return status, text

    def get(self, path: str, name: str, expect: tuple[int, ...] | None = None) -> tuple[int, str]:
        return self.request("GET", path, name, expect=expect)

    def post(self, path: str, name: str, data: dict, expect: tuple[int, ...] | None = None) -> tuple[int, str]:
        return self.request("POST", path, name, data, expect=expect)

    def token(self, path: str, name: str) -> str:
        """The CSRF token of the form on `path` (fetching it is timed as `name`; it must answer 200)."""
        _, text = self.get(path, name, expect=(200,))
        found = CSRF.search(text)
        return found.group(1) if found else ""

    def sign_in(self, email: str, password: str, name: str = "sign in (POST)", page_name: str = "sign-in page") -> int:
        """Sign in through the page (a 302 when the password is right)."""
        token = self.token("/sign-in", page_name)
        status, _ = self.post("/sign-in", name, {"csrf_token": token, "email": email, "password": password},
                              expect=(302,))
        return status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def run_for(seconds: float, users: list, step) -> float:
    """Run `step(user)` in a loop for each user (a thread each) for `seconds`; returns the
    seconds it really took (until the last request in flight answered)."""
    stop = threading.Event()

    def loop(user):
        while not stop.is_set():
            try:
                step(user)
            except Failed:
                time.sleep(0.05)  # a failed request is counted; do not spin on a dead server

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return time.perf_counter() - started
