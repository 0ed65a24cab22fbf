"""Members answer polls (from their account, or from their emailed link without signing in);
registered managers see their own workplace's results of closed polls aimed at it."""
from __future__ import annotations

import time
from datetime import date

from flask import after_this_request, flash, redirect, render_template, url_for
from flask import session as cookie_session
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.voice import answering, manager, results
from academy.voice.blueprint import bp
from academy.voice.forms import answer_form


# --- members: have your say ------------------------------------------------------------------------

@bp.get("/")
@role_required(Role.care_worker)
def mine():
    """The open polls that reach the member, answered or not."""
    return render_template("voice/mine.html", polls=answering.polls_for(db.session, current_user),
                           minimum=results.minimum_group())


def _answer(poll, user, action: str, done):
    """The answer form for `user`, or the page saying they have answered; `done` is where a sent
    answer goes. No audit row and no log line: who answered what is never written down."""
    if answering.has_answered(db.session, poll, user):
        return render_template("voice/answered.html", poll=poll, just_now=False)
    form = answer_form(poll)
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items()}
        try:
            answering.answer_poll(db.session, poll, user, values)
        except answering.AnswerProblem as problem:
            form_error(form, problem.field, problem)
        except DomainError as problem:
            form_error(form, "submit", problem)
        else:
            return done()
    return render_template("voice/answer.html", poll=poll, form=form, action=action,
                           minimum=results.minimum_group()), status_for(form)


@bp.route("/polls/<int:poll_id>/answer", methods=["GET", "POST"])
@role_required(Role.care_worker)
def answer(poll_id: int):
    """Answer an open poll that reaches the member, once."""
    poll = answering.get_answerable_poll_or_404(db.session, poll_id, current_user)

    def done():
        flash(f"Thank you: your answers to {poll.title} have been sent, anonymously.", "success")
        return redirect(url_for("voice.mine"))

    return _answer(poll, current_user, url_for("voice.answer", poll_id=poll.id), done)


# The emailed link, `/voice/answer/<token>`, is only ever opened (GET): it is checked, the poll and
# member it names are kept in the signed session cookie for an hour (the answer form's CSRF token
# lasts as long), and the browser goes on to a page without the token, where the form is answered.
# So the token is never in a form's address, a POST or a Referer, and the access log redacts it.
LINK_MARKERS = "voice_links"  # {"<poll id>": [user id, until (Unix time)]}
LINK_MARKER_SECONDS = 3600


def _visitor():
    return current_user if current_user.is_authenticated else None


def _live_markers() -> dict:
    now = time.time()
    return {poll: mark for poll, mark in cookie_session.get(LINK_MARKERS, {}).items() if mark[1] > now}


@bp.get("/answer/<token>")
def answer_by_link(token: str):
    """The emailed link: answer without signing in (the link is the member's alone and dies once used)."""
    after_this_request(_no_referrer)
    linked = answering.poll_for_link(db.session, token, _visitor())
    markers = _live_markers()
    markers[str(linked.poll.id)] = [linked.user.id, int(time.time()) + LINK_MARKER_SECONDS]
    cookie_session[LINK_MARKERS] = markers
    return redirect(url_for("voice.answer_from_link", poll_id=linked.poll.id))


def _no_referrer(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/polls/<int:poll_id>/from-your-link", methods=["GET", "POST"])
def answer_from_link(poll_id: int):
    """The poll of a link opened in this browser within the hour, for the member it named."""
    marker = _live_markers().get(str(poll_id))
    if marker is None:
        return render_template("voice/open_your_link.html"), 404
    linked = answering.linked_poll(db.session, poll_id, marker[0], _visitor())

    def done():
        markers = _live_markers()
        markers.pop(str(poll_id), None)
        cookie_session[LINK_MARKERS] = markers
        return render_template("voice/answered.html", poll=linked.poll, just_now=True)

    return _answer(linked.poll, linked.user, url_for("voice.answer_from_link", poll_id=poll_id), done)


# --- managers: their workplace's results -----------------------------------------------------------

@bp.get("/workplaces")
@role_required(Role.manager)
def workplace_polls():
    """For each workplace the manager runs: the closed polls aimed at it."""
    return render_template("voice/workplace_polls.html", groups=manager.polls_by_workplace(db.session, current_user),
                           minimum=results.minimum_group())


@bp.get("/workplaces/<int:workplace_id>/polls/<int:poll_id>")
@role_required(Role.manager)
def workplace_results(workplace_id: int, poll_id: int):
    """The workplace's results of a closed poll aimed at it, under the threshold (another's: 404)."""
    workplace, poll = manager.get_workplace_poll_or_404(db.session, poll_id, current_user, workplace_id=workplace_id)
    return render_template("voice/workplace_results.html", workplace=workplace,
                           results=results.workplace_results(db.session, poll, workplace), today=date.today())
