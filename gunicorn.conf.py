"""gunicorn's settings, read from the working directory by every gunicorn started there: the
Dockerfile's, compose.yml's and bench/load.py's. The command lines keep the rest (bind, workers).

Each worker, once it has loaded the app, moves every object made so far (modules, models, the
SQLAlchemy mappers, the Jinja environment: about 300,000, all kept for the worker's life)
out of the garbage collector's reach with `gc.freeze()`. Without it, each full collection walks
them all again, and the pages that make many objects (the 300-staff training matrix and summary)
trigger one every few requests: freezing took 25-40% off those pages' CPU (docs/capacity.md).
Objects made by requests are collected as before.

The access log (`--access-logfile -`) goes through `RedactingLogger`: a secret in an address (the
token of an emailed poll link, `/voice/answer/<token>`, which says whose link it is to anyone who
can use it) is written as `[redacted]`, in the request line, the path and the Referer alike.
"""
import gc

from gunicorn.glogging import Logger

from academy.secret_paths import redact as _redact  # the one list of addresses holding a secret


def redact(value):
    return _redact(value, "[redacted]")


class RedactingLogger(Logger):
    """gunicorn's logger, with every access-log value (request line, path, query, Referer, headers)
    passed through `redact` before it is written."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}


logger_class = RedactingLogger


def post_worker_init(worker):
    gc.freeze()
