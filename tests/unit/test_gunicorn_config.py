"""gunicorn.conf.py (read by every gunicorn started in the project folder: the image's, compose's,
bench/load.py's) freezes what a worker made while loading the app, out of the collector's reach."""
import gc
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_freezes_the_loaded_app_out_of_the_garbage_collectors_reach():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # this test process's modules and objects
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_the_image_starts_gunicorn_where_the_settings_file_is():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile and "COPY . ." in dockerfile and '"gunicorn"' in dockerfile
