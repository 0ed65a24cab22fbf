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
    assert "PORT   ?= 5000" in makefile and "--port $(PORT)" in makefile and "scripts/test" in makefile
    assert "make run PORT=8000" in readme


def test_make_run_serves_on_the_port_given_and_email_links_follow():
    import shutil
    import subprocess

    assert shutil.which("make"), "make runs the README's two commands, so it is always here"

    def serve_line(*args: str, env_extra: dict | None = None) -> str:
        import os

        env = {k: v for k, v in os.environ.items() if k not in ("PORT", "PUBLIC_BASE_URL")} | (env_extra or {})
        out = subprocess.run(["make", "-n", "-W", ".venv/.installed", "run", *args], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        return next(line for line in out.splitlines() if " run --host" in line)

    default = serve_line()
    assert "--port 5000" in default and "http://127.0.0.1:5000" in default
    chosen = serve_line("PORT=8123")
    assert "--port 8123" in chosen and "http://127.0.0.1:8123" in chosen
