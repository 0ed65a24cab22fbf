"""The table of where tests run (tests/conftest.py WHERE_TESTS_RUN) names real paths and declared markers."""
from pathlib import Path

import pytest

from tests.conftest import WHERE_TESTS_RUN, where_test_runs

ROOT = Path(__file__).resolve().parents[2]


def test_every_path_in_the_table_exists_and_every_marker_is_declared(pytestconfig):
    missing = [path for path in WHERE_TESTS_RUN if not (ROOT / path).exists()]
    assert not missing, f"tests/conftest.py WHERE_TESTS_RUN names paths that are gone: {missing}"
    declared = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert {m for m in WHERE_TESTS_RUN.values() if m} <= declared


@pytest.mark.parametrize("path, marker", [
    ("tests/outcomes/test_readers.py", "postgres_too"),  # in a folder that runs on both
    ("tests/outcomes/test_metrics.py", None),  # a module inside it that needs no database
    ("tests/browser/test_tiers_journey.py", "browser"),
    ("tests/security/test_route_walk.py", "once"),
    ("tests/security/test_two_step.py", None),  # not listed: pass 1 only
    ("tests/fuzzy/test_x.py", None),  # a folder is matched whole, not by its name's start
])
def test_the_longest_matching_path_decides(path, marker):
    assert where_test_runs(path) == marker
