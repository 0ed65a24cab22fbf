"""An RQ worker that runs each job inside the Flask app's context."""
from __future__ import annotations

from rq import Worker

from academy.extensions import db


class AppWorker(Worker):
    """Forks a work horse per job (so a crash or timeout cannot take the worker down); the horse
    drops database connections inherited from the parent before it opens its own."""

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)
