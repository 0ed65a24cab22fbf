"""Account rules, called without a request."""
from datetime import timedelta

import pytest

from academy.auth import accounts
from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Invitation, Role, User
from academy.auth.tokens import make_reset_token, read_reset_token
from academy.extensions import db, utcnow
from tests import factories


def test_sign_up_creates_an_unconfirmed_account_and_emails_a_link(ctx, outbox):
    user = accounts.sign_up(db.session, "Ada Lovelace", " Ada@Example.COM ", "kettle-orchard-lantern", Role.applicant)
    assert user.email == "ada@example.com" and not user.email_confirmed
    assert user.password_hash != "kettle-orchard-lantern" and user.check_password("kettle-orchard-lantern")
    db.session.commit()  # the test is the owner: the email goes at its commit
    assert outbox[-1]["To"] == "ada@example.com" and "/confirm-email/" in outbox[-1].get_content()


def test_sign_up_with_a_taken_email_creates_nothing_and_tells_the_owner(ctx, outbox):
    existing = factories.user(Role.care_worker, email="taken@example.com")
    assert accounts.sign_up(db.session, "Someone", "taken@example.com", "kettle-orchard-lantern", Role.applicant) is None
    db.session.commit()
    assert db.session.query(User).count() == 1
    assert outbox[-1]["Subject"] == "You already have a Good Care account"
    assert existing.role == Role.care_worker


def test_staff_roles_cannot_be_chosen_at_sign_up(ctx):
    with pytest.raises(NotAllowed):
        accounts.sign_up(db.session, "Mallory", "m@example.com", "kettle-orchard-lantern", Role.admin)


def test_authenticate_needs_the_right_password(ctx):
    user = factories.user()
    assert accounts.authenticate(db.session, user.email, factories.DEFAULT_PASSWORD) == user
    assert accounts.authenticate(db.session, user.email, "wrong-password-here") is None
    assert accounts.authenticate(db.session, "nobody@example.com", "whatever-password") is None


def test_reset_token_works_once(ctx):
    user = factories.user()
    token = make_reset_token(user)
    assert read_reset_token(token) == user
    accounts.reset_password(db.session, user, "a-brand-new-passphrase")
    assert read_reset_token(token) is None


def test_hcpa_may_invite_managers_and_hcpa_but_not_admins(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    workplace = factories.workplace()
    assert accounts.roles_inviter_may_grant(hcpa) == (Role.manager, Role.hcpa_staff)
    with pytest.raises(NotAllowed):
        accounts.invite(db.session, hcpa, "boss@example.com", "Boss", Role.admin)
    with pytest.raises(Invalid):
        accounts.invite(db.session, hcpa, "rm@example.com", "RM", Role.manager, workplace=None)
    for role in (Role.applicant, Role.care_worker, Role.manager):
        assert not accounts.roles_inviter_may_grant(factories.user(role))


def _token_from(outbox) -> str:
    return outbox[-1].get_content().split("/invitation/")[1].split()[0]


def test_invitation_is_one_time_and_links_the_workplace(ctx, outbox):
    admin = factories.user(Role.admin)
    workplace = factories.workplace()
    invitation = accounts.invite(db.session, admin, "rm@example.com", "Rita Manager", Role.manager, workplace)
    db.session.commit()
    token = _token_from(outbox)
    assert invitation.token_hash != token  # only the hash is stored
    user = accounts.accept_invitation(db.session, token, "Rita Manager", "kettle-orchard-lantern")
    db.session.commit()
    assert user.role == Role.manager and user.workplaces == [workplace] and user.email_confirmed
    with pytest.raises(Invalid, match="already been used"):
        accounts.accept_invitation(db.session, token, "Rita Again", "kettle-orchard-lantern")


def test_expired_invitation_is_refused(ctx, outbox):
    admin = factories.user(Role.admin)
    invitation = accounts.invite(db.session, admin, "hcpa@example.com", "Hal", Role.hcpa_staff)
    db.session.commit()  # the invitation email goes, with its link
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Invalid, match="expired"):
        accounts.accept_invitation(db.session, _token_from(outbox), "Hal", "kettle-orchard-lantern")
    assert db.session.query(User).filter_by(email="hcpa@example.com").count() == 0


def test_inviting_an_existing_manager_links_the_new_workplace(ctx, outbox):
    admin = factories.user(Role.admin)
    first, second = factories.workplace(), factories.workplace()
    manager = factories.manager(workplaces=[first])
    assert accounts.invite(db.session, admin, manager.email, manager.full_name, Role.manager, second) is None
    assert set(manager.workplaces) == {first, second}
    assert db.session.query(Invitation).count() == 0


def test_inviting_an_existing_non_manager_is_refused(ctx):
    admin = factories.user(Role.admin)
    applicant = factories.user(Role.applicant)
    with pytest.raises(Invalid, match="already an account"):
        accounts.invite(db.session, admin, applicant.email, "X", Role.hcpa_staff)
