"""Emailing a poll's links asks the database a fixed number of times whatever the number of members
(a county-wide poll reaches about 40,000 staff), or a fixed number a batch of INVITE_BATCH members;
and the batched job still invites exactly the members who have not answered, each with a link of
their own of which only the hash is kept, replacing any earlier link, and only once."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event, select

from academy.auth.models import Role, User
from academy.auth.tokens import hash_token
from academy.extensions import db, utcnow
from academy.tiers.models import TierAward
from academy.voice import invitations
from academy.voice.invitations import send_poll_invitations
from academy.voice.models import PollLink
from academy.workplaces.models import ContractType, Employment, Person
from tests import factories
from tests.helpers import links_in

FEW, MANY = 5, 50


def _members(at, start: int, count: int) -> list[User]:
    """`count` care workers in post at `at`, every other one with a tier (no password hashing)."""
    role = factories.job_role("care_worker")
    users = []
    for n in range(start, start + count):
        user = User(email=f"member-{n}@example.com", full_name=f"Member {n:03d}", role=Role.care_worker,
                    password_hash="not-a-real-hash", email_confirmed_at=utcnow())
        person = Person(full_name=user.full_name, user=user)
        db.session.add(Employment(person=person, workplace=at, job_role=role, contract_type=ContractType.permanent,
                                  hours_per_week=Decimal("30"), start_date=date.today() - timedelta(days=40)))
        if n % 2:
            db.session.add(TierAward(person=person, tier_number=2, awarded_on=date.today() - timedelta(days=30)))
        users.append(user)
    db.session.commit()
    return users


@contextmanager
def counting_statements():
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _invite(poll_id: int) -> tuple[int, int]:
    """(members emailed, SQL statements sent) for the job, run on a session with nothing loaded."""
    db.session.expire_all()
    with counting_statements() as seen:
        sent = send_poll_invitations(poll_id)
    return sent, len(seen)


def _links_kept(poll) -> dict[int, str]:
    return dict(db.session.execute(select(PollLink.user_id, PollLink.token_hash).where(PollLink.poll_id == poll.id)).all())


def test_inviting_a_poll_asks_the_database_as_often_for_50_members_as_for_5(ctx, outbox):
    home = factories.workplace()
    few = _members(home, 0, FEW)
    few_poll = factories.poll()
    sent_few, statements_few = _invite(few_poll.id)
    many = few + _members(home, FEW, MANY - FEW)
    many_poll = factories.poll()
    sent_many, statements_many = _invite(many_poll.id)
    assert (sent_few, sent_many) == (FEW, MANY)
    assert statements_many == statements_few, f"{statements_few} statements for {FEW} members, {statements_many} for {MANY}"
    assert len(_links_kept(many_poll)) == MANY and len(outbox) == FEW + MANY


def test_a_batch_adds_a_fixed_number_of_statements(ctx, outbox, monkeypatch):
    home = factories.workplace()
    _members(home, 0, MANY)
    monkeypatch.setattr(invitations, "INVITE_BATCH", 10)
    _sent, five_batches = _invite(factories.poll().id)
    monkeypatch.setattr(invitations, "INVITE_BATCH", 25)
    _sent, two_batches = _invite(factories.poll().id)
    monkeypatch.setattr(invitations, "INVITE_BATCH", MANY)
    _sent, one_batch = _invite(factories.poll().id)
    per_batch = two_batches - one_batch
    assert 0 < per_batch <= 3 and five_batches == one_batch + 4 * per_batch


def test_batched_invitations_email_each_unanswered_member_their_own_link_once(ctx, outbox, monkeypatch):
    monkeypatch.setattr(invitations, "INVITE_BATCH", 4)  # several batches, the last one short
    home = factories.workplace()
    members = _members(home, 0, 11)
    poll = factories.poll()
    answered, relinked = members[0], members[1]
    factories.poll_participation(poll, answered)
    earlier = "an-earlier-hash"
    db.session.add(PollLink(poll_id=poll.id, user_id=relinked.id, token_hash=earlier))
    db.session.commit()
    assert send_poll_invitations(poll.id) == 10
    assert sorted(m["To"] for m in outbox) == sorted(u.email for u in members[1:])
    kept = _links_kept(poll)
    assert set(kept) == {u.id for u in members[1:]} and earlier not in kept.values()
    by_email = {u.email: u for u in members}
    for mail in outbox:
        member, token = by_email[mail["To"]], links_in(mail)[0].rsplit("/", 1)[1]
        assert kept[member.id] == hash_token(token) and token not in kept.values()
        assert f"Hello {member.full_name}," in mail.get_content()
    assert send_poll_invitations(poll.id) == 0 and len(outbox) == 10  # a re-run sends nothing
    assert _links_kept(poll) == kept
