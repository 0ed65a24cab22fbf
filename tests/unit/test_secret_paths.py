"""academy/secret_paths.py: every address holding a token is logged without it, by the app's error
log and by gunicorn's access log alike."""
import runpy
from pathlib import Path

from academy.secret_paths import redact

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_with_a_token_is_covered(app):
    routes = [rule.rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert len(routes) >= 6
    for route in routes:
        address = route.replace("<token>", "s3cr3t-T0ken.value")
        assert "s3cr3t" not in redact(address), route
        assert redact(address) == route


def test_the_access_log_and_the_error_log_use_the_same_list():
    access = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["redact"]
    line = 'GET /password/reset/abc.def-ghi?next=/ HTTP/1.1" 200 "https://x/invitation/zzz"'
    assert access(line) == 'GET /password/reset/[redacted]?next=/ HTTP/1.1" 200 "https://x/invitation/[redacted]"'
    assert redact("/voice/answer/abc") == "/voice/answer/<token>"
    assert redact("/training/passport") == "/training/passport" and access(7) == 7
