"""Recognition pages: HCPA's awards (categories, rounds, nominations, shortlist, winners), anyone's
nomination, managers' thanks and the worker's choice of where recognition shows."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.recognition import awards, display, thanks
from academy.recognition.blueprint import bp
from academy.recognition.forms import (
    CategoryForm, DecisionForm, NominationForm, RoundForm, ShowChoiceForm, ThanksForm,
)
from academy.recognition.models import AwardCategory, AwardRound
from training.people import ensure_own_person


# --- HCPA: categories, rounds, nominations ---------------------------------------------------------

def _awards_page(category_form: CategoryForm, round_form: RoundForm):
    page = render_template("recognition/awards.html", categories=awards.categories(db.session),
                           rounds=awards.rounds(db.session), today=date.today(),
                           category_form=category_form, round_form=round_form,
                           form=category_form if category_form.errors else round_form)  # its errors head the page
    return page, max(status_for(category_form), status_for(round_form))


@bp.get("/awards")
@role_required(*awards.RUNS_AWARDS)
def manage():
    """HCPA staff: the award categories and rounds, with forms to add each."""
    return _awards_page(CategoryForm(prefix="category"), RoundForm(prefix="round"))


@bp.post("/awards/categories")
@role_required(*awards.RUNS_AWARDS)
def add_category():
    form = CategoryForm(prefix="category")
    if form.validate_on_submit():
        try:
            category = awards.add_category(db.session, form.name.data, form.description.data, current_user)
        except DomainError as problem:
            form_error(form, "name", problem)
        else:
            audit("added_award_category", target=category, detail=category.name)
            flash(f"Category {category.name} added.", "success")
            return redirect(url_for("recognition.manage"))
    return _awards_page(form, RoundForm(prefix="round", formdata=None))


@bp.post("/awards/rounds")
@role_required(*awards.RUNS_AWARDS)
def add_round():
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        try:
            award_round = awards.add_round(db.session, form.name.data, form.closes_on.data, current_user)
        except DomainError as problem:
            form_error(form, "closes_on" if "closing date" in str(problem) else "name", problem)
        else:
            audit("added_award_round", target=award_round, detail=award_round.name)
            flash(f"Round {award_round.name} added: nominations are open until "
                  f"{award_round.closes_on:%-d %B %Y}.", "success")
            return redirect(url_for("recognition.manage"))
    return _awards_page(CategoryForm(prefix="category", formdata=None), form)


@bp.get("/awards/rounds/<int:round_id>")
@role_required(*awards.RUNS_AWARDS)
def round_nominations(round_id: int):
    """HCPA staff: a round's nominations per category, with the shortlist and winner actions."""
    award_round = awards.get_round_or_404(db.session, round_id, current_user)
    return render_template("recognition/round.html", award_round=award_round, today=date.today(),
                           grouped=awards.nominations_by_category(db.session, award_round), form=DecisionForm())


def _decide(nomination_id: int, decide, action: str, done: str):
    nomination = awards.get_nomination_or_404(db.session, nomination_id, current_user)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decide(db.session, nomination, current_user)
        except DomainError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            audit(action, target=nomination, subject=nomination.person.user, detail=nomination.category.name)
            flash(done.format(name=nomination.person.full_name, category=nomination.category.name), "success")
    return redirect(url_for("recognition.round_nominations", round_id=nomination.round_id))


@bp.post("/awards/nominations/<int:nomination_id>/shortlist")
@role_required(*awards.RUNS_AWARDS)
def shortlist(nomination_id: int):
    return _decide(nomination_id, awards.shortlist, "shortlisted_nomination",
                   "{name} shortlisted for {category}; we have emailed them.")


@bp.post("/awards/nominations/<int:nomination_id>/winner")
@role_required(*awards.RUNS_AWARDS)
def winner(nomination_id: int):
    return _decide(nomination_id, awards.record_winner, "recorded_award_winner",
                   "{name} recorded as the winner of {category}; we have emailed them.")


# --- anyone signed in: nominate ------------------------------------------------------------------

@bp.route("/nominate", methods=["GET", "POST"])
@login_required
def nominate():
    """Nominate a CPA member (visible profile) for a category of an open round; find them by name."""
    today = date.today()
    rounds, categories = awards.open_rounds(db.session, today), awards.categories(db.session)
    form = NominationForm(rounds, categories)
    if request.method == "GET" and request.args.get("member"):
        form.member_number.data = request.args["member"][:20]
    if form.validate_on_submit():
        try:
            nomination = awards.nominate(db.session, db.session.get(AwardRound, form.round_id.data),
                                         db.session.get(AwardCategory, form.category_id.data),
                                         form.member_number.data, form.reason.data, current_user, today)
        except awards.NominationProblem as problem:
            form_error(form, problem.field, problem)
        else:
            audit("nominated_for_award", target=nomination, subject=nomination.person.user,
                  detail=nomination.category.name)
            flash(f"Thank you: your nomination of {nomination.person.full_name} for "
                  f"{nomination.category.name} has been sent to HCPA.", "success")
            return redirect(url_for("recognition.nominate"))
    name = (request.args.get("name") or "").strip()[:100]
    found = awards.find_nominees(db.session, name) if name else None
    return render_template("recognition/nominate.html", form=form, rounds=rounds, categories=categories,
                           name=name, found=found), status_for(form)


# --- managers: thanks ----------------------------------------------------------------------------

@bp.get("/thanks")
@role_required(Role.manager)
def staff_to_thank():
    """The manager's staff, each with a link to send them a thank-you."""
    return render_template("recognition/staff.html", people=thanks.thankable_staff(db.session, current_user))


@bp.route("/thanks/<int:person_id>", methods=["GET", "POST"])
@role_required(Role.manager)
def thank(person_id: int):
    """Send a thank-you to one of the manager's own staff (anyone else's is a 404)."""
    person = thanks.get_thankable_person_or_404(db.session, person_id, current_user)
    form = ThanksForm()
    if form.validate_on_submit():
        try:
            sent = thanks.thank(db.session, person, form.message.data, current_user)
        except DomainError as problem:
            form_error(form, "message", problem)
        else:
            audit("sent_thanks", target=sent, subject=person.user)
            flash(f"Your thank-you has been sent to {person.full_name}.", "success")
            return redirect(url_for("recognition.staff_to_thank"))
    return render_template("recognition/thank.html", person=person, form=form), status_for(form)


# --- care workers: their recognition and where it shows ------------------------------------------

@bp.route("/mine", methods=["GET", "POST"])
@role_required(Role.care_worker)
def mine():
    """The worker's awards and thanks, and whether they show on the passport and profile."""
    person = ensure_own_person(db.session, current_user)
    shown = display.shows_on_passport(db.session, person)
    form = ShowChoiceForm(data={"show": "yes" if shown else "no"})
    if form.validate_on_submit():
        choice = display.set_choice(db.session, person, form.show.data == "yes", current_user)
        audit("changed_recognition_visibility", target=choice, detail="shown" if choice.show_on_passport else "hidden")
        flash("Your awards and thanks now show on your passport and profile." if choice.show_on_passport
              else "Your awards and thanks are now hidden from your passport and profile.", "success")
        return redirect(url_for("recognition.mine"))
    return render_template("recognition/mine.html", form=form, shown=shown,
                           recognition=display.recognition_of(db.session, person)), status_for(form)
