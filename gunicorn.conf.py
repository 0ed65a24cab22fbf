"""gunicorn's settings, read from the working directory by every gunicorn started there: the
Dockerfile's, compose.yml's and bench/load.py's. The command lines keep the rest (bind, workers).

Each worker, once it has loaded the app, moves every object made so far (modules, models, the
SQLAlchemy mappers, the Jinja environment: about 300,000, all kept for the worker's life)
out of the garbage collector's reach with `gc.freeze()`. Without it, each full collection walks
them all again, and the pages that make many objects (the 300-staff training matrix and summary)
trigger one every few requests: freezing took 25-40% off those pages' CPU (docs/capacity.md).
Objects made by requests are collected as before.
"""
import gc


def post_worker_init(worker):
    gc.freeze()
