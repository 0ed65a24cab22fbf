"""Credential pages. Holder: download one passport item, or the whole passport, as Open Badges
credentials. Public (no account): the verify page (paste, upload, or a verify link), the issuer's
DID document and the status lists."""
from __future__ import annotations

import json

from flask import Response, abort, render_template
from flask_login import current_user

from academy.auth.access import Invalid, NotAllowed, refuse, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db, limiter
from academy.forms import status_for
from training import passport
from training.credentials import issue as issuing
from training.credentials.blueprint import bp
from training.credentials.forms import MAX_CREDENTIAL_CHARS, CredentialCheckForm
from training.credentials.issuer import did_document
from training.credentials.models import CredentialKind
from training.credentials.published import check, check_all, credentials_in_set, find_issued
from training.credentials.signing import MEDIA_TYPE
from training.credentials.status import published_list
from training.people import ensure_own_person


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/credentials/mine/<kind>/<int:source_id>")
@role_required(Role.care_worker)
def download(kind: str, source_id: int):
    """One item of the worker's own passport as a credential (a .jwt file, VC-JWT)."""
    try:
        what = CredentialKind[kind]
    except KeyError:
        abort(404)
    person = ensure_own_person(db.session, current_user)
    try:
        issued = issuing.issue(db.session, person, what, source_id)
    except NotAllowed:
        refuse(404, current_user, (what.name, source_id))
    except Invalid as problem:
        db.session.rollback()
        return render_template("credentials/not_issued.html", problem=str(problem)), 409
    audit("downloaded_credential", target=issued.row, subject=current_user)
    return _download(issued.token, MEDIA_TYPE, issued.filename)


@bp.get("/credentials/mine/passport.json")
@role_required(Role.care_worker)
def download_passport():
    """Every credential the worker's passport carries now, in one file (a Verifiable Presentation)."""
    person = ensure_own_person(db.session, current_user)
    bundle = issuing.issue_passport(db.session, person, passport.build_view(db.session, person))
    audit("downloaded_passport_credentials", target=("Person", person.id), subject=current_user,
          detail=f"credentials={len(bundle)}")
    name = "".join(ch if ch.isalnum() else "-" for ch in person.full_name.lower())
    return _download(json.dumps(issuing.presentation(bundle), indent=2), "application/json",
                     f"training-passport-credentials-{name}.json")


# --- public ----------------------------------------------------------------------------------

@bp.get("/.well-known/did.json")
def did():
    """The issuer's DID document (did:web): the keys that verify its credentials."""
    return Response(json.dumps(did_document(), indent=2), mimetype="application/did+json",
                    headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})


@bp.get("/credentials/status/<int:number>")
@limiter.limit("120 per minute")
def status_list(number: int):
    """A published revocation list (BitstringStatusListCredential, as a VC-JWT)."""
    return Response(published_list(db.session, number), mimetype=MEDIA_TYPE,
                    headers={"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"})


def _uploaded_text(form) -> str:
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        data = upload.read(MAX_CREDENTIAL_CHARS + 1)
        if len(data) > MAX_CREDENTIAL_CHARS:
            return ""
        return data.decode("utf-8", errors="replace")
    return form.credential.data or ""


@bp.route("/credentials/verify", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify():
    """Check a credential: paste it or upload its file. Anyone may use it, no account needed."""
    form = CredentialCheckForm()
    results = None
    if form.validate_on_submit():
        text = _uploaded_text(form)
        if not text.strip():
            form.credential.errors = list(form.credential.errors) + [
                "Paste the credential, or choose its file (a .jwt or .json file up to 200 KB)"]
        else:
            results = check_all(db.session, issuing.tokens_in(text))
            if not all(result.valid for result in results):
                audit("credential_verify_failed", detail=",".join(sorted({r.outcome for r in results})))
    return render_template("credentials/verify.html", form=form, results=results), status_for(form)


@bp.get("/credentials/verify/<public_id>")
@limiter.limit("60 per minute")
def verify_issued(public_id: str):
    """A verify link (or QR code) for one credential: checks the credential as issued."""
    row = find_issued(db.session, public_id)
    if row is None or not row.token:
        return render_template("credentials/verify.html", form=CredentialCheckForm(), results=None,
                               unknown_link=True), 404
    return render_template("credentials/verify.html", form=CredentialCheckForm(),
                           results=[check(db.session, row.token)], from_link=True)


@bp.get("/credentials/verify/set/<token>")
@limiter.limit("60 per minute")
def verify_set(token: str):
    """A passport's verify link (the PDF's QR code): checks each credential it carried."""
    rows = credentials_in_set(db.session, token)
    if rows is None:
        return render_template("credentials/verify.html", form=CredentialCheckForm(), results=None,
                               unknown_link=True), 404
    results = check_all(db.session, [row.token for row in rows if row.token])
    return render_template("credentials/verify.html", form=CredentialCheckForm(), results=results, from_link=True)
