"""HCPA staff's benefits catalogue pages: the list, add, change and withdraw (thin views)."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.benefits import catalogue
from academy.benefits.blueprint import bp
from academy.benefits.eligibility import who_for
from academy.benefits.forms import BenefitForm, ButtonForm
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.pagination import paginate, requested_page
from academy.tiers.evaluator import load_tiers


@bp.get("/catalogue")
@role_required(*catalogue.RUNS_CATALOGUE)
def catalogue_list():
    """Every benefit with its status, who it is for and how many members said they used it."""
    page = paginate(db.session, catalogue.catalogue_query(), requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("benefits/catalogue.html", page=page, today=date.today(), who_for=who_for,
                           uses=catalogue.use_totals(db.session, [b.id for b in page.items]))


def _form(**kwargs) -> BenefitForm:
    return BenefitForm(load_tiers(db.session), catalogue.job_roles(db.session), **kwargs)


def _save(form: BenefitForm, benefit=None):
    """Save from a valid form; None when the domain refused it (the error is on its field)."""
    try:
        return catalogue.save_benefit(db.session, form.values(), current_user, benefit)
    except catalogue.BenefitProblem as problem:
        form_error(form, problem.field, problem)
    except DomainError as problem:
        form_error(form, "title", problem)
    return None


@bp.route("/catalogue/new", methods=["GET", "POST"])
@role_required(*catalogue.RUNS_CATALOGUE)
def new_benefit():
    """Add a benefit to the catalogue."""
    form = _form()
    if form.validate_on_submit() and (saved := _save(form)) is not None:
        benefit, _ = saved
        audit("added_benefit", target=benefit, detail=benefit.kind.name)
        flash(f"{benefit.title} added to the catalogue.", "success")
        return redirect(url_for("benefits.catalogue_list"))
    return render_template("benefits/form.html", form=form, benefit=None), status_for(form)


@bp.route("/catalogue/<int:benefit_id>/edit", methods=["GET", "POST"])
@role_required(*catalogue.RUNS_CATALOGUE)
def edit_benefit(benefit_id: int):
    """Change a benefit (who it is for, how to claim, its dates); withdraw it from here too."""
    benefit = catalogue.get_benefit_or_404(db.session, benefit_id, current_user)
    form = _form()
    if request.method == "GET":
        form.fill(catalogue.values_of(benefit))
    elif form.validate_on_submit() and (saved := _save(form, benefit)) is not None:
        _, changed = saved
        if changed:
            audit("changed_benefit", target=benefit, detail=", ".join(changed))
            flash(f"{benefit.title} saved.", "success")
        else:
            flash(f"Nothing changed in {benefit.title}.", "success")
        return redirect(url_for("benefits.catalogue_list"))
    return render_template("benefits/form.html", form=form, benefit=benefit, today=date.today(),
                           withdraw_form=ButtonForm()), status_for(form)


@bp.post("/catalogue/<int:benefit_id>/withdraw")
@role_required(*catalogue.RUNS_CATALOGUE)
def withdraw_benefit(benefit_id: int):
    """Withdraw a benefit: members stop seeing it at once; it stays in the catalogue."""
    benefit = catalogue.get_benefit_or_404(db.session, benefit_id, current_user)
    if ButtonForm().validate_on_submit():
        try:
            catalogue.withdraw(db.session, benefit, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("withdrew_benefit", target=benefit)
            flash(f"{benefit.title} withdrawn: members no longer see it.", "success")
    return redirect(url_for("benefits.catalogue_list"))
