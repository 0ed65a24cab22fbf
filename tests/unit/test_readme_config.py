"""The README's configuration table names every environment variable the service reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_in_the_readme_table():
    read = set(re.findall(r'env\.get\("([A-Z][A-Z0-9_]+)"', (ROOT / "academy/config.py").read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read
    table = "\n".join(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `"))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert not read - documented, f"add these to the README's configuration table: {sorted(read - documented)}"


def test_the_readme_gives_exactly_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Set-up: two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "--port 5000" in makefile and "scripts/test" in makefile
