"""Tier rules for admins: the five tiers and their criteria; add, change and remove a criterion."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.tiers import rules
from academy.tiers.blueprint import bp
from academy.tiers.evaluator import criterion_names, describe, load_tiers
from academy.tiers.forms import ConfirmForm, CriterionForm
from academy.tiers.models import TierCriterion
from academy.workplaces.models import JobRole
from training.catalogue import training_courses


@bp.get("/rules")
@role_required(Role.admin)
def rules_index():
    tiers = load_tiers(db.session)
    names = criterion_names(db.session, tiers)
    return render_template("tiers/rules.html", tiers=tiers, describe=lambda c: describe(c, names))


def _criterion_form(**kwargs) -> CriterionForm:
    roles = list(db.session.scalars(select(JobRole).order_by(JobRole.name)))
    return CriterionForm(training_courses(db.session), roles, **kwargs)


def _save(form: CriterionForm, tier, criterion=None):
    values = rules.CriterionInput(form.kind.data, form.number.data, list(form.courses.data or []),
                                  list(form.job_roles.data or []), list(form.qualification_types.data or []))
    try:
        saved = rules.save_criterion(db.session, tier, values, criterion)
    except DomainError as problem:
        form_error(form, getattr(problem, "field", "kind"), problem)
        return None
    audit("saved_tier_criterion", target=saved, detail=f"tier {tier.number}: {saved.kind.name}")
    flash(f"Tier {tier.number} criterion saved.", "success")
    return redirect(url_for("tiers.rules_index"))


@bp.route("/rules/<int:number>/criteria/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new_criterion(number: int):
    tier = rules.get_tier(db.session, number) or abort(404)
    form = _criterion_form()
    if form.validate_on_submit():
        done = _save(form, tier)
        if done is not None:
            return done
    return render_template("tiers/criterion_form.html", form=form, tier=tier, criterion=None), \
        status_for(form)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_criterion(criterion_id: int):
    criterion = db.session.get(TierCriterion, criterion_id) or abort(404)
    tier = criterion.tier
    data = {"kind": criterion.kind.name, "number": criterion.number,
            "courses": criterion.code_list, "job_roles": criterion.code_list,
            "qualification_types": criterion.code_list}
    form = _criterion_form(data=data)
    if form.validate_on_submit():
        done = _save(form, tier, criterion)
        if done is not None:
            return done
    return render_template("tiers/criterion_form.html", form=form, tier=tier, criterion=criterion), \
        status_for(form)


@bp.route("/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@role_required(Role.admin)
def remove_criterion(criterion_id: int):
    criterion = db.session.get(TierCriterion, criterion_id) or abort(404)
    tiers = load_tiers(db.session)
    description = describe(criterion, criterion_names(db.session, tiers))
    form = ConfirmForm()
    if form.validate_on_submit():
        number = criterion.tier.number
        try:
            rules.remove_criterion(db.session, criterion)
        except DomainError as problem:
            db.session.rollback()
            form.submit.errors = [str(problem)]
        else:
            audit("removed_tier_criterion", target=("TierCriterion", criterion_id), detail=f"tier {number}",
                  actor=current_user)
            flash(f"Criterion removed from tier {number}.", "success")
            return redirect(url_for("tiers.rules_index"))
    return render_template("tiers/criterion_remove.html", form=form, criterion=criterion,
                           description=description), status_for(form)
