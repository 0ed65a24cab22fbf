"""Anonymity at the database level (docs/voice.md): no table links an answer to a person, and the
rows saying who has answered cannot be lined up with the answers by a key, a time or their order.

Checked on the models (SQLAlchemy metadata) and on the real database the migrations built (both
SQLite and PostgreSQL: tests/voice runs on both)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select

from academy.auth.models import Role
from academy.extensions import db
from academy.voice import polls
from academy.voice.models import PollAnswer, PollParticipation
from tests import factories

ANSWERS, PARTICIPATION = "voice_answers", "voice_participation"
PERSON_TABLES = {"users", "people", "employments", "cpa_memberships", "tier_awards", "workplace_managers"}
# What an answer may point at: its poll and question and its coarse group. Nothing else.
ANSWER_TARGETS = {"voice_polls", "voice_questions", "districts", "service_types", "workplaces"}
TIME_WORDS = ("_at", "time", "date", "_on", "created", "updated", "seq", "order", "position")


def _foreign_keys_from_database() -> dict[str, set[str]]:
    inspector = sa.inspect(db.engine)
    return {table: {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            for table in inspector.get_table_names()}


def test_no_table_links_an_answer_to_a_person_in_the_models_or_the_database(ctx):
    metadata = db.metadata
    answers, participation = metadata.tables[ANSWERS], metadata.tables[PARTICIPATION]
    assert {fk.column.table.name for fk in answers.foreign_keys} <= ANSWER_TARGETS
    assert {c.name for c in participation.columns} == {"poll_id", "user_id"}
    # No table points at an answer, so none can hold an answer and a person together.
    assert [t.name for t in metadata.tables.values()
            if any(fk.column.table.name == ANSWERS for fk in t.foreign_keys)] == []
    database = _foreign_keys_from_database()
    assert database[ANSWERS] <= ANSWER_TARGETS and not database[ANSWERS] & PERSON_TABLES
    assert [t for t, targets in database.items() if ANSWERS in targets] == []
    assert database[PARTICIPATION] == {"voice_polls", "users"}
    # The answer's targets lead to no respondent: a workplace, district or service type names none,
    # and the poll and question name only the HCPA officer who wrote them.
    for target in ANSWER_TARGETS - {"voice_polls"}:
        assert not database[target] & {"users", "people"}, target


def test_neither_table_carries_a_time_or_a_counting_key_to_line_the_rows_up(ctx):
    inspector = sa.inspect(db.engine)
    for table in (ANSWERS, PARTICIPATION):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not [name for name in columns if any(word in name for word in TIME_WORDS)], table
        assert not [c for c in columns.values() if c.get("autoincrement") is True
                    and c["name"] in inspector.get_pk_constraint(table)["constrained_columns"]
                    and isinstance(c["type"], sa.Integer) and table == ANSWERS], table
    assert inspector.get_pk_constraint(ANSWERS)["constrained_columns"] == ["id"]
    assert isinstance(db.metadata.tables[ANSWERS].c.id.type, sa.String)
    assert inspector.get_pk_constraint(PARTICIPATION)["constrained_columns"] == ["poll_id", "user_id"]
    for column in ("created_at", "updated_at"):
        assert column not in db.metadata.tables[ANSWERS].c and column not in db.metadata.tables[PARTICIPATION].c


def _ten_answer_in_turn():
    """Ten members answer in turn (user ids rising), each writing which one they were."""
    workplace = factories.workplace()
    poll = factories.poll(questions=("free_text",))
    workers = [factories.care_worker(workplace) for _ in range(10)]
    for turn, worker in enumerate(workers):
        factories.answered_by(poll, [worker], text=f"answer {turn:02d}")
    return poll, workers


IN_TURN = [f"answer {turn:02d}" for turn in range(10)]


def _stored_order() -> list[str]:
    """The answers in the order the database hands them back unasked (its storage order)."""
    return list(db.session.scalars(sa.text(f"SELECT text FROM {ANSWERS}")))


def test_the_answers_storage_order_is_not_the_order_people_answered_in(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    poll, workers = _ten_answer_in_turn()
    participation = list(db.session.execute(select(PollParticipation.user_id)).scalars())
    assert sorted(participation) == sorted(w.id for w in workers)
    if db.engine.dialect.name == "sqlite":
        # WITHOUT ROWID: no hidden counter, rows kept in (random) key order.
        try:
            db.session.execute(sa.text(f"SELECT rowid FROM {ANSWERS}"))
            raise AssertionError("voice_answers has a rowid")
        except sa.exc.OperationalError:
            db.session.rollback()
        try:
            db.session.execute(sa.text(f"SELECT rowid FROM {PARTICIPATION}"))
            raise AssertionError("voice_participation has a rowid")
        except sa.exc.OperationalError:
            db.session.rollback()
        assert _stored_order() != IN_TURN
    polls.close_poll(db.session, poll, hcpa)
    db.session.commit()
    assert sorted(_stored_order()) == IN_TURN and _stored_order() != IN_TURN
    by_key = list(db.session.scalars(select(PollAnswer.text).order_by(PollAnswer.id)))
    assert sorted(by_key) == IN_TURN and by_key != IN_TURN  # the keys do not count up either


def test_on_postgresql_closing_leaves_the_answers_no_transaction_order(ctx):
    """PostgreSQL stamps each row with the transaction that wrote it (xmin, counting up): while a poll
    is open its answers sort by it into the order people answered in, as the participation rows do.
    Closing writes them all again in one transaction, so afterwards they share one stamp."""
    if db.engine.dialect.name != "postgresql":
        return
    hcpa = factories.user(Role.hcpa_staff)
    poll, _ = _ten_answer_in_turn()

    def by_transaction() -> list[str]:
        return list(db.session.scalars(sa.text(
            f"SELECT text FROM {ANSWERS} ORDER BY xmin::text::bigint, text")))

    def stamps() -> int:
        return db.session.scalar(sa.text(f"SELECT count(DISTINCT xmin::text) FROM {ANSWERS}"))

    assert by_transaction() == IN_TURN and stamps() == 10  # the residual risk docs/voice.md names
    polls.close_poll(db.session, poll, hcpa)
    db.session.commit()
    assert stamps() == 1
