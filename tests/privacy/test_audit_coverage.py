"""Every view that hands over a file (an export or a download) records it in the audit log.

A static check over the views of every feature, so a download added later without an audit()
call fails here: it finds route functions whose body sends an attachment (send_file,
Content-Disposition: attachment, academy.exports.export_response) and asks that the same
function calls audit() (or a helper whose name contains "audit").
"""
import ast
import re
from pathlib import Path

from academy.config import PROJECT_ROOT

PACKAGES = ("academy", "recruitment", "training")
MARKERS = ("send_file(", "attachment", "export_response(", "_json_download(")


def _sends_file(body: str, helpers: set[str]) -> bool:
    return any(m in body for m in MARKERS) or any(re.search(rf"\b{h}\(", body) for h in helpers)


def _routes():
    """(path, name, sends a file, body) for every route function; a route that calls a helper of
    its own module which sends the file counts as sending it."""
    for package in PACKAGES:
        for path in sorted(Path(PROJECT_ROOT, package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            functions = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)]
            bodies = {n.name: ast.get_source_segment(source, n) or "" for n in functions}
            helpers = {name for name, body in bodies.items() if any(m in body for m in MARKERS)}
            for node in functions:
                is_route = any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                               and d.func.attr in ("get", "post", "route") for d in node.decorator_list)
                if is_route:
                    body = bodies[node.name]
                    yield path.relative_to(PROJECT_ROOT), node.name, _sends_file(body, helpers - {node.name}), body


def test_every_download_view_is_audited():
    downloads = [(path, name, body) for path, name, sends, body in _routes() if sends]
    assert len(downloads) >= 10, [f"{p}:{n}" for p, n, _ in downloads]  # the check is really finding them
    missing = [f"{path}:{name}" for path, name, body in downloads if not re.search(r"audit\w*\(", body)]
    assert not missing, "downloads without an audit() call: " + ", ".join(missing)
