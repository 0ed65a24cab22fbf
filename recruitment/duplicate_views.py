"""HCPA staff's pages for likely duplicate applications: the list, a side-by-side comparison,
"not a duplicate" and the merge (with its confirmation page). The rules are in duplicates.py."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.pagination import paginate, requested_page
from recruitment import duplicates, screening
from recruitment.blueprint import bp
from recruitment.forms import DismissDuplicateForm, MergeForm
from recruitment.pipeline import Conflict, check_version


@bp.get("/duplicates")
@role_required(*STAFF_ROLES)
def duplicates_list():
    """Open possible duplicates, newest first, each with the reasons it matched (fixed query count);
    with ?application=N, only application N's (the screening queue links there when it has several)."""
    application = None
    if request.args.get("application", "").isdigit() and len(request.args["application"]) <= 9:
        application = screening.get_application_or_404(db.session, int(request.args["application"]), current_user)
    query = duplicates.open_pairs_query(application.id if application else None)
    page = paginate(db.session, query, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("recruitment/staff/duplicates.html", page=page, application=application)


@bp.get("/duplicates/<int:pair_id>")
@role_required(*STAFF_ROLES)
def compare_duplicates(pair_id: int):
    """The two applications side by side, with "Merge" and "Not a duplicate"."""
    pair = duplicates.get_pair_or_404(db.session, pair_id, current_user)
    page = render_template("recruitment/staff/compare.html", pair=pair, first=pair.application,
                           second=pair.other_application, dismiss_form=DismissDuplicateForm())
    # Both sets of answers include the right-to-work answer: viewing is audited, as on an application's page.
    audit("compared_possible_duplicates", target=pair, detail=f"applications {pair.application_id} and "
                                                             f"{pair.other_application_id}")
    return page


@bp.post("/duplicates/<int:pair_id>/dismiss")
@role_required(*STAFF_ROLES)
def dismiss_duplicate(pair_id: int):
    pair = duplicates.get_pair_or_404(db.session, pair_id, current_user)
    form = DismissDuplicateForm()
    if not form.validate_on_submit():
        flash("The form has expired. Try again.", "info")
        return redirect(url_for("recruitment.compare_duplicates", pair_id=pair.id))
    try:
        duplicates.dismiss(db.session, pair, current_user)
    except DomainError as problem:
        flash_refusal(problem, "info")
        return redirect(url_for("recruitment.compare_duplicates", pair_id=pair_id))
    detail = f"applications {pair.application_id} and {pair.other_application_id}"
    for application in (pair.application, pair.other_application):
        audit("dismissed_possible_duplicate", target=pair, subject=application.user, detail=detail)
    flash(f"Applications {pair.application_id} and {pair.other_application_id} are marked as not duplicates. "
          "They will not be shown as possible duplicates again.", "success")
    return redirect(url_for("recruitment.duplicates_list"))


@bp.route("/duplicates/<int:pair_id>/merge", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def merge_duplicates(pair_id: int):
    """Confirm a merge: which application to keep, what moves, and that it cannot be undone."""
    pair = duplicates.get_pair_or_404(db.session, pair_id, current_user)
    first, second = pair.application, pair.other_application
    form = MergeForm()
    form.keep.choices = [(str(first.id), f"Keep application {first.id}"),
                         (str(second.id), f"Keep application {second.id}")]
    if not form.is_submitted():
        form.first_version.data, form.second_version.data = first.version, second.version
    if form.validate_on_submit():
        keep = first if form.keep.data == str(first.id) else second
        try:
            check_version(first, form.first_version.data)
            check_version(second, form.second_version.data)
            plan = duplicates.merge(db.session, pair, keep, current_user)
        except Conflict:
            db.session.rollback()
            flash("Someone else changed one of these applications while you were looking at them. "
                  "Check the latest details and try again.", "info")
            return redirect(url_for("recruitment.merge_duplicates", pair_id=pair_id))
        except DomainError as problem:
            form_error(form, "keep", problem)
        else:
            away = plan.away
            detail = f"application {away.id} merged into application {keep.id}"
            audit("merged_applications", target=keep, subject=keep.user, detail=detail)
            audit("merged_applications", target=away, subject=away.user, detail=detail)
            flash(f"Application {away.id} is merged into application {keep.id}. Its history, notes and "
                  "other records are below, marked as from application " f"{away.id}.", "success")
            return redirect(url_for("recruitment.application", application_id=keep.id))
    return render_template("recruitment/staff/merge.html", pair=pair, form=form, first=first, second=second,
                           plans={first.id: duplicates.plan_or_problem(db.session, first, second),
                                  second.id: duplicates.plan_or_problem(db.session, second, first)}), status_for(form)
