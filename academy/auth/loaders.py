"""Load the signed-in user from the session, refusing sessions that were signed out."""
from __future__ import annotations

import hmac

from academy.auth.models import User
from academy.extensions import db


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user
