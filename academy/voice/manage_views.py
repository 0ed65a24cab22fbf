"""HCPA staff's poll pages: the list, a poll's details and questions, opening and closing, results
with a chart and downloads, and the free-text moderation queue."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.exports import MIMETYPES, export_response
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.outcomes.charts import SIZES
from academy.tiers.models import Tier
from academy.unit_of_work import flash_when_committed
from academy.voice import charts, moderation, polls, results
from academy.voice.audience import id_list
from academy.voice.blueprint import bp
from academy.voice.forms import ActionForm, ModerationForm, PollForm, QuestionForm
from academy.voice.invitations import invite_after_commit
from academy.voice.models import QuestionKind
from academy.workplaces.models import District, JobRole, ServiceType

HCPA = polls.RUNS_POLLS


def _poll_form(poll=None, **kwargs) -> PollForm:
    session = db.session
    lists = (session.scalars(select(District).order_by(District.name)).all(),
             session.scalars(select(ServiceType).order_by(ServiceType.id)).all(),
             session.scalars(select(JobRole).order_by(JobRole.name)).all(),
             session.scalars(select(Tier).order_by(Tier.number)).all())
    if poll is not None and request.method == "GET":
        kwargs["data"] = {"title": poll.title, "intro": poll.intro, "opens_on": poll.opens_on,
                          "closes_on": poll.closes_on, "district_ids": id_list(poll.district_ids),
                          "service_type_ids": id_list(poll.service_type_ids),
                          "job_role_ids": id_list(poll.job_role_ids), "tiers": id_list(poll.tiers)}
    return PollForm(*lists, **kwargs)


def _details(form: PollForm) -> polls.PollDetails:
    return polls.PollDetails(form.title.data, form.intro.data, form.opens_on.data, form.closes_on.data,
                             form.district_ids.data or [], form.service_type_ids.data or [],
                             form.job_role_ids.data or [], form.tiers.data or [])


@bp.get("/polls")
@role_required(*HCPA)
def polls_list():
    """HCPA staff: every poll with its status, dates and how many have answered."""
    return render_template("voice/polls.html", rows=polls.all_polls(db.session),
                           waiting=moderation.waiting_count(db.session), today=date.today())


def _save(poll, template: str):
    form = _poll_form(poll)
    if form.validate_on_submit():
        try:
            saved = polls.save_poll(db.session, poll, _details(form), current_user)
        except polls.PollProblem as problem:
            form_error(form, problem.field, problem)
        except DomainError as problem:
            form_error(form, "title", problem)
        else:
            audit("saved_poll", target=saved, detail=saved.title)
            flash(f"Poll {saved.title} saved." + (" Now add its questions." if not saved.questions else ""), "success")
            return redirect(url_for("voice.poll_detail", poll_id=saved.id))
    return render_template(template, form=form, poll=poll), status_for(form)


@bp.route("/polls/new", methods=["GET", "POST"])
@role_required(*HCPA)
def new_poll():
    """HCPA staff: a new draft poll (its questions are added next)."""
    return _save(None, "voice/poll_form.html")


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@role_required(*HCPA)
def edit_poll(poll_id: int):
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    return _save(poll, "voice/poll_form.html")


def _poll_page(poll, question_form: QuestionForm | None = None):
    question_form = question_form or QuestionForm(formdata=None)
    page = render_template("voice/poll.html", poll=poll, form=question_form, action=ActionForm(),
                           audience=polls.describe_audience(db.session, poll),
                           reach=polls.audience_size(db.session, poll),
                           respondents=polls.respondents(db.session, poll), today=date.today())
    return page, status_for(question_form)


@bp.get("/polls/<int:poll_id>")
@role_required(*HCPA)
def poll_detail(poll_id: int):
    """HCPA staff: a poll's details, audience, questions and what can be done next."""
    return _poll_page(polls.get_poll_or_404(db.session, poll_id, current_user))


@bp.post("/polls/<int:poll_id>/questions")
@role_required(*HCPA)
def add_question(poll_id: int):
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = polls.add_question(db.session, poll, QuestionKind[form.kind.data], form.text.data,
                                          form.options.data, current_user)
        except polls.PollProblem as problem:
            form_error(form, problem.field, problem)
        except DomainError as problem:
            form_error(form, "text", problem)
        else:
            audit("added_poll_question", target=poll, detail=f"question {question.position}")
            flash("Question added.", "success")
            return redirect(url_for("voice.poll_detail", poll_id=poll.id))
    return _poll_page(poll, form)


@bp.post("/polls/<int:poll_id>/questions/<int:question_id>/remove")
@role_required(*HCPA)
def remove_question(poll_id: int, question_id: int):
    question = polls.get_question_or_404(db.session, question_id, current_user, poll_id=poll_id)
    if ActionForm().validate_on_submit():
        try:
            polls.remove_question(db.session, question, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("removed_poll_question", target=("Poll", poll_id))
            flash("Question removed.", "success")
    return redirect(url_for("voice.poll_detail", poll_id=poll_id))


@bp.post("/polls/<int:poll_id>/open")
@role_required(*HCPA)
def open_poll(poll_id: int):
    """Open a draft: members can answer from its opening date, and are emailed their link that day."""
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            opens_today = polls.open_poll(db.session, poll, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("opened_poll", target=poll, detail=poll.title)
            if opens_today:
                invite_after_commit(poll)
                flash_when_committed(f"{poll.title} is open: we are emailing each member their link.",
                                     if_not_queued=f"{poll.title} is open, but the emails could not be queued: "
                                                   "the daily job will send them.")
            else:
                flash(f"{poll.title} will open on {poll.opens_on:%-d %B %Y}; members are emailed that day.",
                      "success")
    return redirect(url_for("voice.poll_detail", poll_id=poll_id))


@bp.post("/polls/<int:poll_id>/close")
@role_required(*HCPA)
def close_poll(poll_id: int):
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            polls.close_poll(db.session, poll, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("closed_poll", target=poll, detail=poll.title)
            flash(f"{poll.title} is closed: no more answers are taken.", "success")
    return redirect(url_for("voice.poll_detail", poll_id=poll_id))


@bp.get("/polls/<int:poll_id>/results")
@role_required(*HCPA)
def poll_results(poll_id: int):
    """HCPA staff: the county's results, by district and by service type, under the threshold, once
    the poll has closed; before that, only how many have answered and how many it reaches."""
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    shown = results.shown_to_staff(poll, date.today())
    return render_template("voice/results.html", poll=poll, respondents=polls.respondents(db.session, poll),
                           results=results.county_results(db.session, poll) if shown else None,
                           reach=None if shown else polls.audience_size(db.session, poll))


@bp.get("/polls/<int:poll_id>/results.<fmt>")
@role_required(*HCPA)
def download_results(poll_id: int, fmt: str):
    """The county results as CSV or XLSX: hidden cells say so and carry no counts. A 404 (and no
    audit entry) until the poll has closed."""
    if fmt not in MIMETYPES:
        abort(404)
    poll = polls.get_poll_or_404(db.session, poll_id, current_user)
    if not results.shown_to_staff(poll, date.today()):
        abort(404)
    rows = results.export_rows(results.county_results(db.session, poll))
    audit("downloaded_poll_results", target=poll, detail=fmt)
    return export_response(fmt, results.EXPORT_HEADER, rows, f"poll-{poll.id}-results", title="Poll results")


@bp.get("/polls/<int:poll_id>/questions/<int:question_id>/chart.svg")
@role_required(*HCPA)
def question_chart(poll_id: int, question_id: int):
    """One question's county answers as a bar chart (?size=narrow for a phone); a hidden result, or
    any result of a poll still open, is a 404."""
    question = polls.get_question_or_404(db.session, question_id, current_user, poll_id=poll_id)
    size = SIZES.get(request.args.get("size", "wide"))
    if size is None or question.kind == QuestionKind.free_text:
        abort(404)
    if not results.shown_to_staff(question.poll, date.today()):
        abort(404)
    found = next(r for r in results.county_results(db.session, question.poll).questions if r.question.id == question.id)
    if not found.total.shown:
        abort(404)
    svg = charts.answers_svg(question.text, [label for _, label in question.choices],
                             [found.total.share(i) for i in range(len(question.choices))], size)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/moderation")
@role_required(*HCPA)
def moderation_queue():
    """HCPA staff: free-text answers waiting to be read, in a random order."""
    return render_template("voice/moderation.html", answers=moderation.queue(db.session),
                           waiting=moderation.waiting_count(db.session))


@bp.route("/moderation/<answer_id>", methods=["GET", "POST"])
@role_required(*HCPA)
def moderate(answer_id: str):
    """Edit out anything identifying, then approve the text, or reject it."""
    answer = moderation.get_waiting_answer_or_404(db.session, answer_id, current_user)
    form = ModerationForm(data={"text": answer.text} if request.method == "GET" else None)
    if form.validate_on_submit():
        poll = answer.question.poll
        try:
            if form.decision.data == "approve":
                moderation.approve(db.session, answer, form.text.data, current_user)
            else:
                moderation.reject(db.session, answer, current_user)
        except DomainError as problem:
            form_error(form, "text", problem)
        else:
            audit("moderated_poll_answer", target=poll,
                  detail="approved" if form.decision.data == "approve" else "rejected")
            flash("Answer approved: it can now be shown." if form.decision.data == "approve"
                  else "Answer rejected and deleted.", "success")
            return redirect(url_for("voice.moderation_queue"))
    return render_template("voice/moderate.html", answer=answer, form=form), status_for(form)
