"""What the service queued, remembered in the database: Redis holds the queue, and a Redis that
restarts empty forgets every job in it. A job the service queued for someone to watch (its
/jobs/<id> page) and that Redis no longer knows is then shown as lost, with a button to start it
again, never as gone or as running for ever (academy/jobs.py, docs/operations.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import db, utcnow

# States RQ reports (queued, deferred, scheduled, started, finished, failed, stopped, canceled), and
# LOST: the service queued it, and Redis no longer knows it.
ENDED = ("finished", "failed", "stopped", "canceled")
LOST = "lost"


class RememberedJob(db.Model):
    """A job queued by the service that can be started again: its kind (a name registered with
    academy.jobs.restartable), the arguments it was given and the queue options, all safe to keep
    (ids, dates, text written by the service: never a secret or a person's details), who started
    it, when, and its state when last seen."""

    __tablename__ = "remembered_jobs"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)  # the RQ job id
    kind: Mapped[str] = mapped_column(String(60))
    arguments: Mapped[list] = mapped_column(JSON)
    options: Mapped[dict] = mapped_column(JSON)  # queue, timeout, retries, description, follow_up
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    state_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Once started again: the new job's id (its page is where to look now).
    restarted_as: Mapped[str | None] = mapped_column(String(60))

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def description(self) -> str | None:
        return (self.options or {}).get("description")

    @property
    def follow_up(self) -> tuple[str, str] | None:
        follow_up = (self.options or {}).get("follow_up")
        return tuple(follow_up) if follow_up else None
