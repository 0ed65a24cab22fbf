"""The route table: every URL rule of the app, the ids to put in it, and what each role gets.

A rule maps to a list of cases. A case names the values for the rule's arguments ("@key" is
`world.ids[key]`, anything else is used as it is) and the expected answer for each role:

- an int is the status code (200, 403, 404, ...);
- a string is a redirect (302) to that path ("{key}" is filled from `world.ids`);
- REDIRECT is any 302 (a signed-in user sent away from sign-in/sign-up pages).

`E(ok, **overrides)` builds one: the roles in `ok` get 200, anonymous visitors are sent to
sign in, every other role gets 403; overrides set one role's answer. The answer is for GET when
the rule has GET, otherwise for POST; `post=` gives a different answer for POST (the portal lets
HCPA staff read but not write). Routes with an id have a case for the walking user's own
record (workplace A, their own application, person or record) and one for someone else's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ANON, APP, CW, MGR, HCPA, ADM = ROLES = ("anonymous", "applicant", "care_worker", "manager", "hcpa_staff", "admin")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
STAFF = frozenset({HCPA, ADM})
MANAGING = STAFF | {MGR}
REDIRECT = "any redirect"
SIGN_IN = "/sign-in"

# Flask's own static route and GOV.UK Frontend's two asset routes serve files from disk to
# everyone by design (CSS, JS, fonts, images); no data and no role behind them.
SKIPPED_ENDPOINTS = {"static", "govuk_dist", "govuk_assets"}


def E(ok=frozenset(), **overrides):  # noqa: N802 - reads as a table heading
    answers = {role: 200 if role in ok else (SIGN_IN if role == ANON else 403) for role in ROLES}
    answers.update(overrides)
    return answers


def only_signed_in_elsewhere(ok=EVERYONE):
    """A page for visitors that sends anyone already signed in elsewhere."""
    return E(ok, **{role: REDIRECT for role in SIGNED_IN})


@dataclass
class Case:
    params: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    post: dict | None = None  # when POST answers differently from GET
    query: str = ""  # a query string ("{key}" from world.ids) for ids passed that way

    def for_method(self, method: str) -> dict:
        return self.post if method == "POST" and self.post is not None else self.expect


def one(expect, post=None, **params):
    return [Case(params, expect, post)]


def own_and_other(own: dict, other: dict, own_expect, other_expect, own_post=None, other_post=None):
    return [Case(own, own_expect, own_post), Case(other, other_expect, other_post)]


def _portal(own_extra=None, other_extra=None, post_only=False, write_page=False):
    """Portal pages: managers of A read and write, HCPA/admin read only, manager of A gets 404 for B.
    A form that only changes things (`write_page`) is 403 to HCPA/admin even to look at."""
    own = {"workplace_id": "@workplace_a", **(own_extra or {})}
    other = {"workplace_id": "@workplace_b", **(other_extra or own_extra or {})}
    read_own, read_other = E(MANAGING), E(STAFF, manager=404)
    write_own, write_other = E({MGR}), E(set(), manager=404)
    if post_only or write_page:
        return own_and_other(own, other, write_own, write_other)
    return own_and_other(own, other, read_own, read_other, write_own, write_other)


def _portal_nested(param, own_value, other_value, write_page=False):
    """A portal page about one record: A's record under A, B's record under A (404 for all:
    the record is not the workplace's), and B's record under B."""
    cases = _portal(own_extra={param: own_value}, other_extra={param: other_value}, write_page=write_page)
    read = E(set(), manager=404) if write_page else E(set(), manager=404, hcpa_staff=404, admin=404)
    mismatch = Case({"workplace_id": "@workplace_a", param: other_value}, read, E(set(), manager=404))
    return cases + [mismatch]


def _worker_record(param, key, roles=frozenset({CW}) | MANAGING):
    """A record of a care worker: their own (A), and B's (404 to A's worker and A's manager)."""
    other_expect = E(STAFF & roles, **{r: 404 for r in roles - STAFF})
    return own_and_other({param: f"@{key}_a"}, {param: f"@{key}_b"}, E(roles), other_expect)


def _scoped(**params):
    """The outcomes pages take the scope in the query string: a manager chooses among their own
    workplaces (another is a 404: as if it did not exist); HCPA and admins among the county,
    districts and kinds of service (workplace scopes are not theirs to choose: 404)."""
    nobody = E(set(), manager=404, hcpa_staff=404, admin=404)
    return [Case(params, E(MANAGING)),
            Case(params, E({MGR}, hcpa_staff=404, admin=404), query="scope=workplace-{workplace_a}"),
            Case(params, nobody, query="scope=workplace-{workplace_b}"),
            Case(params, E(STAFF, manager=404), query="scope=district-{district_a}&compare=district-{district_b}"),
            Case(params, E(STAFF, manager=404), query="scope=county&compare=district-{district_b}"),
            Case(params, nobody, query="scope=county&compare=workplace-{workplace_b}")]


def _staff_application(param="application_id"):
    return own_and_other({param: "@application"}, {param: "@other_application"}, E(STAFF), E(STAFF))


TABLE: dict[str, list[Case]] = {
    # --- public pages and accounts -------------------------------------------------------------
    "/": one(E(EVERYONE)),
    "/accessibility": one(E(EVERYONE)),
    "/cookies": one(E(EVERYONE)),
    "/privacy": one(E(EVERYONE)),
    "/healthz": one(E(EVERYONE)),
    "/sign-in": one(only_signed_in_elsewhere()),
    "/sign-up": one(only_signed_in_elsewhere()),
    "/sign-up/check-your-email": one(E(EVERYONE)),
    "/password/forgot": one(E(EVERYONE)),
    "/confirm-email/resend": one(E(EVERYONE)),
    # A link with a token that is not one of ours: the "link is not valid" page, status 400.
    "/confirm-email/<token>": [Case({"token": "@confirm_token"}, E(set(), **{r: REDIRECT for r in ROLES})),
                               Case({"token": "not-a-token"}, E(set(), **{r: 400 for r in ROLES}))],
    # A good token moves into the session and the address is cleaned (redirect); the clean pages
    # with no token in the session are the "link is not valid" page, status 400.
    "/password/reset/<token>": [Case({"token": "@reset_token"}, E(set(), **{r: "/password/reset" for r in ROLES})),
                                Case({"token": "not-a-token"}, E(set(), **{r: 400 for r in ROLES}))],
    "/password/reset": one(E(set(), **{r: 400 for r in ROLES})),
    "/invitation/<token>": [Case({"token": "@invitation_token"}, E(set(), **{r: "/invitation" for r in ROLES})),
                            Case({"token": "not-a-token"}, E(set(), **{r: 400 for r in ROLES}))],
    "/invitation": one(E(set(), **{r: 400 for r in ROLES})),
    "/account": one(E(SIGNED_IN)),
    # Two-step sign-in: the code page is only for someone between password and code (nobody in
    # the walk); setting up is for those without it (the walk's staff have it on); HCPA staff and
    # admins may not turn it off, others without it on are sent back to the two-step page.
    "/sign-in/two-step": one(E(set(), **{r: "/account" for r in SIGNED_IN})),
    "/account/two-step": one(E(SIGNED_IN)),
    "/account/two-step/set-up": one(E({APP, CW, MGR}, hcpa_staff="/account/two-step", admin="/account/two-step")),
    "/account/two-step/recovery-codes": one(E({HCPA, ADM}, applicant="/account/two-step",
                                              care_worker="/account/two-step", manager="/account/two-step")),
    "/account/two-step/turn-off": one(E(set(), applicant="/account/two-step", care_worker="/account/two-step",
                                        manager="/account/two-step")),
    "/sign-out": one(E(SIGNED_IN)),
    "/admin/users": one(E({ADM})),
    "/admin/audit": one(E({ADM})),
    "/admin/refusals": one(E({ADM})),
    "/admin/invite": one(E(STAFF)),
    # An account's lifecycle: admins only; the walking admin changes someone else (an applicant),
    # an unknown id is a 404. Removing a manager: HCPA staff and admins, and only a manager of
    # that workplace (A's manager under B is a 404).
    "/admin/users/<int:user_id>": [Case({"user_id": "@applicant_user"}, E({ADM})),
                                   Case({"user_id": 999999}, E(set(), admin=404))],
    "/admin/users/<int:user_id>/deactivate": [Case({"user_id": "@applicant_user"}, E({ADM})),
                                              Case({"user_id": 999999}, E(set(), admin=404))],
    "/admin/users/<int:user_id>/reactivate": [
        Case({"user_id": "@applicant_user"}, E(set(), admin="/admin/users/{applicant_user}")),
        Case({"user_id": 999999}, E(set(), admin=404))],
    # Resetting two-step: for an account that has it on (the walk's HCPA officer); without it, 404.
    "/admin/users/<int:user_id>/two-step/reset": [Case({"user_id": "@hcpa_user"}, E({ADM})),
                                                  Case({"user_id": "@applicant_user"}, E(set(), admin=404))],
    "/admin/users/<int:user_id>/role": [Case({"user_id": "@applicant_user"}, E({ADM})),
                                        Case({"user_id": 999999}, E(set(), admin=404))],
    "/admin/invitations": one(E({ADM})),
    "/admin/invitations/<int:invitation_id>/resend": [
        Case({"invitation_id": "@invitation"}, E(set(), admin="/admin/invitations")),
        Case({"invitation_id": 999999}, E(set(), admin=404))],
    "/admin/invitations/<int:invitation_id>/cancel": [Case({"invitation_id": "@invitation"}, E({ADM})),
                                                      Case({"invitation_id": 999999}, E(set(), admin=404))],
    "/admin/workplaces/<int:workplace_id>/managers/<int:user_id>/remove": [
        Case({"workplace_id": "@workplace_a", "user_id": "@manager_user_a"}, E(STAFF)),
        Case({"workplace_id": "@workplace_b", "user_id": "@manager_user_a"}, E(set(), hcpa_staff=404, admin=404))],
    # A job's page is for whoever started it, and admins (who may watch any job).
    "/jobs/<job_id>": [Case({"job_id": "@job"}, E({HCPA, ADM}, applicant=404, care_worker=404, manager=404)),
                       Case({"job_id": "no-such-job"}, E(set(), **{r: 404 for r in SIGNED_IN}))],
    "/jobs/<job_id>.json": [Case({"job_id": "@job"},
                                 E({HCPA, ADM}, applicant=404, care_worker=404, manager=404)),
                            Case({"job_id": "no-such-job"}, E(set(), **{r: 404 for r in SIGNED_IN}))],
    # Starting a lost job again: whoever may see its page; the walk's job is not lost (nor
    # restartable), so they are sent back to its page, which says why.
    "/jobs/<job_id>/start-again": [
        Case({"job_id": "@job"}, E(set(), hcpa_staff="/jobs/{job}", admin="/jobs/{job}",
                                   applicant=404, care_worker=404, manager=404)),
        Case({"job_id": "no-such-job"}, E(set(), **{r: 404 for r in SIGNED_IN}))],

    # --- workplaces ----------------------------------------------------------------------------
    "/workplaces/": one(E(STAFF)),
    "/workplaces/new": one(E(STAFF)),
    "/workplaces/mine": one(E({MGR})),
    "/workplaces/<int:workplace_id>": own_and_other({"workplace_id": "@workplace_a"}, {"workplace_id": "@workplace_b"},
                                                    E(MANAGING), E(STAFF, manager=404)),
    "/workplaces/<int:workplace_id>/edit": own_and_other({"workplace_id": "@workplace_a"},
                                                         {"workplace_id": "@workplace_b"},
                                                         E(MANAGING), E(STAFF, manager=404)),
    "/workplaces/<int:workplace_id>/active": own_and_other({"workplace_id": "@workplace_a"},
                                                           {"workplace_id": "@workplace_b"}, E(STAFF), E(STAFF)),

    # --- ASC-WDS import and export (an import belongs to whoever uploaded it) ----------------------
    "/ascwds/": one(E(MANAGING)),
    "/ascwds/import": one(E(MANAGING)),
    "/ascwds/imports/<int:batch_id>": [
        Case({"batch_id": "@manager_import_batch"}, E({MGR}, hcpa_staff=404, admin=404)),
        Case({"batch_id": "@import_batch"}, E({HCPA}, manager=404, admin=404))],
    "/ascwds/imports/<int:batch_id>/apply": [
        Case({"batch_id": "@manager_import_batch"}, E({MGR}, hcpa_staff=404, admin=404)),
        Case({"batch_id": "@import_batch"}, E({HCPA}, manager=404, admin=404))],
    "/ascwds/workplaces/<int:workplace_id>/export.zip": own_and_other(
        {"workplace_id": "@workplace_a"}, {"workplace_id": "@workplace_b"}, E(MANAGING), E(STAFF, manager=404)),
    "/ascwds/providers/<int:provider_id>/export.zip": own_and_other(
        {"provider_id": "@provider_a"}, {"provider_id": "@provider_b"}, E(MANAGING), E(STAFF, manager=404)),

    # --- outcomes ------------------------------------------------------------------------------
    "/outcomes/": one(E(MANAGING)) + _scoped() + [  # the GCR funnel's filters: staff only (a manager sees none)
        Case({}, E(MANAGING), query="funnel_whose=district-{district_a}&funnel_month="),
        Case({}, E(MANAGING, hcpa_staff=404, admin=404), query="funnel_whose=source-99")],
    "/outcomes/baselines": one(E({ADM})),
    "/outcomes/baselines/new": one(E({ADM})),
    "/outcomes/baselines/<int:baseline_id>/edit": [Case({"baseline_id": "@baseline"}, E({ADM})),
                                                   Case({"baseline_id": 999999}, E(set(), admin=404))],
    "/outcomes/charts/<metric>.svg": _scoped(metric="vacancy_rate") + [
                                      Case({"metric": "no_such_metric"}, E(set(), **{r: 404 for r in MANAGING}))],
    "/outcomes/download.<fmt>": _scoped(fmt="csv") + [Case({"fmt": "xlsx"}, E(MANAGING)),
                                 Case({"fmt": "exe"}, E(set(), **{r: 404 for r in MANAGING}))],
    "/outcomes/recompute": one(E(STAFF)),
    "/outcomes/funnel/<part>.svg": [Case({"part": "stages"}, E(STAFF)),
                                    Case({"part": "form"}, E(STAFF), query="funnel_whose=district-{district_a}"),
                                    Case({"part": "other"}, E(set(), hcpa_staff=404, admin=404))],
    "/outcomes/funnel/download.<fmt>": [Case({"fmt": "csv"}, E(STAFF)),
                                        Case({"fmt": "xlsx"}, E(STAFF), query="funnel_whose=source-2"),
                                        Case({"fmt": "exe"}, E(set(), hcpa_staff=404, admin=404))],

    # --- manager portal ------------------------------------------------------------------------
    "/portal/": one(E(MANAGING, manager="/portal/{workplace_a}/")),
    "/portal/<int:workplace_id>/": _portal(),
    "/portal/<int:workplace_id>/inductions": _portal(),
    "/portal/<int:workplace_id>/inductions/<int:induction_id>/sign-off":
        _portal(own_extra={"induction_id": "@induction_a"}, other_extra={"induction_id": "@induction_b"},
                post_only=True)
        + [Case({"workplace_id": "@workplace_a", "induction_id": "@induction_b"}, E(set(), manager=404))],
    "/portal/<int:workplace_id>/matrix": _portal(),
    "/portal/<int:workplace_id>/matrix.<fmt>": _portal(own_extra={"fmt": "csv"}),
    "/portal/<int:workplace_id>/training-needs": _portal(),
    "/portal/<int:workplace_id>/training-needs.<fmt>": _portal(own_extra={"fmt": "csv"}),
    "/portal/<int:workplace_id>/referrals": _portal(),
    "/portal/<int:workplace_id>/referrals/<int:referral_id>/cv": _portal_nested("referral_id", "@referral_a",
                                                                               "@referral_b"),
    "/portal/<int:workplace_id>/referrals/<int:referral_id>": _portal_nested("referral_id", "@referral_a",
                                                                             "@referral_b"),
    "/portal/<int:workplace_id>/staff": _portal(),
    "/portal/<int:workplace_id>/staff/new": _portal(write_page=True),
    "/portal/<int:workplace_id>/staff/<int:employment_id>": _portal_nested("employment_id", "@employment_a",
                                                                           "@employment_b"),
    # A's own starter record asking B's worker; B's asking A's worker; B's record under A.
    "/portal/<int:workplace_id>/staff/<int:employment_id>/link-request/cancel": _portal(
        own_extra={"employment_id": "@asking_employment_a"}, other_extra={"employment_id": "@asking_employment_b"},
        post_only=True)
        + [Case({"workplace_id": "@workplace_a", "employment_id": "@asking_employment_b"}, E(set(), manager=404))],
    # HCPA see the requests waiting for a worker's answer and may link one on the worker's behalf.
    "/portal/link-requests": one(E(STAFF)),
    "/portal/link-requests/<int:request_id>/link": [
        Case({"request_id": "@request_to_worker_a"}, E(STAFF)),
        Case({"request_id": 999999}, E(set(), hcpa_staff=404, admin=404))],
    "/portal/<int:workplace_id>/vacancies": _portal(),
    "/portal/<int:workplace_id>/vacancies/new": _portal(write_page=True),
    "/portal/<int:workplace_id>/vacancies/<int:vacancy_id>": _portal_nested("vacancy_id", "@vacancy_a", "@vacancy_b"),
    "/portal/<int:workplace_id>/vacancies/<int:vacancy_id>/close": _portal_nested("vacancy_id", "@vacancy_a",
                                                                                  "@vacancy_b", write_page=True),

    # --- privacy -------------------------------------------------------------------------------
    "/privacy/delete-account": one(E(SIGNED_IN, applicant="/privacy/delete-account/requested")),
    "/privacy/delete-account/cancel": one(E({APP}, **{r: 404 for r in SIGNED_IN - {APP}})),
    "/privacy/delete-account/requested": one(E({APP}, **{r: 404 for r in SIGNED_IN - {APP}})),
    "/privacy/requests": one(E(STAFF)),
    "/privacy/requests/<int:request_id>": [Case({"request_id": "@erasure_request"}, E(STAFF)),
                                           Case({"request_id": "@own_erasure_request"}, E(STAFF))],
    "/privacy/requests/<int:request_id>/decline": [Case({"request_id": "@erasure_request"}, E(STAFF)),
                                                   Case({"request_id": "@own_erasure_request"}, E(STAFF))],
    "/privacy/subject-access": one(E(STAFF)),
    "/privacy/subject-access/<kind>/<int:record_id>/data.json": [
        Case({"kind": "user", "record_id": "@applicant_user"}, E(STAFF)),
        Case({"kind": "person", "record_id": "@person_b"}, E(STAFF)),
        Case({"kind": "nonsense", "record_id": "@person_b"}, E(set(), hcpa_staff=404, admin=404))],
    "/privacy/subject-access/<kind>/<int:record_id>/summary": [
        Case({"kind": "user", "record_id": "@applicant_user"}, E(STAFF)),
        Case({"kind": "person", "record_id": "@person_b"}, E(STAFF)),
        Case({"kind": "nonsense", "record_id": "@person_b"}, E(set(), hcpa_staff=404, admin=404))],
    "/privacy/what-we-keep": one(E(EVERYONE)),
    "/privacy/your-data": one(E(SIGNED_IN)),
    "/privacy/your-data/data.json": one(E(SIGNED_IN)),
    "/privacy/your-data/data.pdf": one(E(SIGNED_IN)),
    "/privacy/your-data/summary": one(E(SIGNED_IN)),

    # --- Good Care Recruitment -----------------------------------------------------------------
    "/recruitment/": one(E(EVERYONE, manager="/recruitment/referrals", hcpa_staff="/recruitment/screening",
                           admin="/recruitment/screening")),
    "/recruitment/apply": one(E(set(), applicant="/recruitment/")),
    "/recruitment/apply/<slug>": [Case({"slug": "@first_step"}, E(set(), applicant="/recruitment/")),
                                  Case({"slug": "no-such-question"}, E(set(), applicant=404))],
    "/recruitment/apply/check-your-answers": one(E(set(), applicant="/recruitment/")),
    "/recruitment/apply/sent": one(E({APP})),
    "/recruitment/your-application/contact": one(E({APP, CW})),
    "/recruitment/your-application/withdraw": one(E({APP})),
    "/recruitment/applications/<int:application_id>": _staff_application(),
    "/recruitment/applications/<int:application_id>/assessment": _staff_application(),
    "/recruitment/applications/<int:application_id>/checks": _staff_application(),
    "/recruitment/applications/<int:application_id>/cv": own_and_other(
        {"application_id": "@application"}, {"application_id": "@other_application"},
        E(STAFF), E(set(), hcpa_staff=404, admin=404)),
    "/recruitment/applications/<int:application_id>/matches": _staff_application(),
    "/recruitment/applications/<int:application_id>/move": _staff_application(),
    "/recruitment/applications/<int:application_id>/notes": _staff_application(),
    "/recruitment/applications/<int:application_id>/refer/<int:vacancy_id>": own_and_other(
        {"application_id": "@application", "vacancy_id": "@vacancy_a"},
        {"application_id": "@other_application", "vacancy_id": "@vacancy_b"}, E(STAFF), E(STAFF)),
    "/recruitment/applications/<int:application_id>/assign": _staff_application(),
    "/recruitment/assessments/<int:assessment_id>": [Case({"assessment_id": "@assessment"}, E(STAFF)),
                                                     Case({"assessment_id": 999999}, E(set(), hcpa_staff=404,
                                                                                       admin=404))],
    # The jobs board is public; applying from it is for applicants (their interest is recorded).
    "/recruitment/jobs": one(E(EVERYONE)),
    "/recruitment/jobs/<int:vacancy_id>": [Case({"vacancy_id": "@vacancy_a"}, E(EVERYONE)),
                                           Case({"vacancy_id": 999999}, {r: 404 for r in ROLES})],
    "/recruitment/jobs/<int:vacancy_id>/apply": [Case({"vacancy_id": "@vacancy_a"}, E({APP})),
                                                 Case({"vacancy_id": 999999}, E(set(), applicant=404))],
    "/recruitment/check-ins": one(E({CW})),
    "/recruitment/check-ins/<int:follow_up_id>": _worker_record("follow_up_id", "follow_up", {CW} | STAFF),
    "/recruitment/follow-ups": one(E(STAFF)),
    "/recruitment/interviews": one(E(STAFF)),
    "/recruitment/interview/book": one(E({APP, CW})),
    "/recruitment/interview/other-times": one(E({APP, CW})),
    "/recruitment/interview/cancel": one(E({APP, CW})),
    "/recruitment/follow-ups/run": one(E(STAFF)),
    # Managers answer referrals in their portal now; the old addresses send them there.
    "/recruitment/referrals": one(E(set(), manager="/portal/{workplace_a}/referrals")),
    "/recruitment/referrals/<int:referral_id>": own_and_other(
        {"referral_id": "@referral_a"}, {"referral_id": "@referral_b"},
        E(STAFF, manager="/portal/{workplace_a}/referrals/{referral_a}"), E(STAFF, manager=404)),
    "/recruitment/referrals/<int:referral_id>/offer-not-taken-up": own_and_other(
        {"referral_id": "@referral_a"}, {"referral_id": "@referral_b"}, E(STAFF), E(STAFF)),
    "/recruitment/referrals/<int:referral_id>/place": own_and_other(
        {"referral_id": "@referral_a"}, {"referral_id": "@referral_b"}, E(STAFF), E(STAFF)),
    "/recruitment/screening": one(E(STAFF)),
    # Possible duplicate applications (recruitment/duplicates.py): HCPA staff only.
    "/recruitment/duplicates": one(E(STAFF)),
    "/recruitment/duplicates/<int:pair_id>": [Case({"pair_id": "@duplicate_pair"}, E(STAFF)),
                                              Case({"pair_id": 999999}, E(set(), hcpa_staff=404, admin=404))],
    "/recruitment/duplicates/<int:pair_id>/dismiss": [
        Case({"pair_id": "@duplicate_pair"}, E(STAFF)),
        Case({"pair_id": 999999}, E(set(), hcpa_staff=404, admin=404))],
    "/recruitment/duplicates/<int:pair_id>/merge": [Case({"pair_id": "@duplicate_pair"}, E(STAFF)),
                                                    Case({"pair_id": 999999}, E(set(), hcpa_staff=404, admin=404))],
    "/recruitment/vacancies": one(E(STAFF)),
    "/recruitment/vacancies/<int:vacancy_id>/candidates": own_and_other(
        {"vacancy_id": "@vacancy_a"}, {"vacancy_id": "@vacancy_b"}, E(STAFF), E(STAFF)),

    # --- career tiers --------------------------------------------------------------------------
    "/tiers/": one(E({CW})),
    "/tiers/profile": one(E({CW})),
    "/tiers/endorsements": one(E({MGR})),
    "/tiers/members": one(E(MANAGING)),
    "/tiers/members/<member_number>": [Case({"member_number": "@member_a"}, E(MANAGING)),
                                       Case({"member_number": "@member_b"},  # hidden by its worker
                                            E(set(), **{r: 404 for r in MANAGING})),
                                       Case({"member_number": "CPA-NOPE"}, E(set(), **{r: 404 for r in MANAGING}))],
    "/tiers/people/<int:person_id>": _worker_record("person_id", "person", MANAGING),
    "/tiers/people/<int:person_id>/endorse": own_and_other({"person_id": "@person_a"}, {"person_id": "@person_b"},
                                                           E({MGR}), E(set(), manager=404)),
    "/tiers/rules": one(E({ADM})),
    "/tiers/rules/<int:number>/criteria/new": [Case({"number": "@tier_number"}, E({ADM})),
                                               Case({"number": 99}, E(set(), admin=404))],
    "/tiers/criteria/<int:criterion_id>/edit": [Case({"criterion_id": "@criterion"}, E({ADM})),
                                                Case({"criterion_id": 999999}, E(set(), admin=404))],
    "/tiers/criteria/<int:criterion_id>/remove": [Case({"criterion_id": "@criterion"}, E({ADM})),
                                                  Case({"criterion_id": 999999}, E(set(), admin=404))],

    # --- recognition (awards and thanks) -------------------------------------------------------
    "/recognition/awards": one(E({HCPA})),
    "/recognition/awards/categories": one(E({HCPA})),
    "/recognition/awards/rounds": one(E({HCPA})),
    "/recognition/awards/rounds/<int:round_id>": [Case({"round_id": "@award_round"}, E({HCPA})),
                                                  Case({"round_id": 999999}, E(set(), hcpa_staff=404))],
    "/recognition/awards/nominations/<int:nomination_id>/shortlist": [
        Case({"nomination_id": "@nomination"}, E({HCPA})), Case({"nomination_id": 999999}, E(set(), hcpa_staff=404))],
    "/recognition/awards/nominations/<int:nomination_id>/winner": [
        Case({"nomination_id": "@nomination"}, E({HCPA})), Case({"nomination_id": 999999}, E(set(), hcpa_staff=404))],
    "/recognition/nominate": one(E(SIGNED_IN)),
    "/recognition/thanks": one(E({MGR})),
    "/recognition/thanks/<int:person_id>": own_and_other({"person_id": "@person_a"}, {"person_id": "@person_b"},
                                                         E({MGR}), E(set(), manager=404)),
    "/recognition/mine": one(E({CW})),

    # --- benefits and wellbeing ------------------------------------------------------------------
    # A member opens only a benefit they are eligible for (one that is not theirs is a 404, as if it
    # did not exist); HCPA keep the catalogue; the portal page is read by the workplace's managers
    # and by HCPA and admins, like every portal page.
    "/benefits/": one(E({CW})),
    "/benefits/<int:benefit_id>": [Case({"benefit_id": "@benefit"}, E({CW})),
                                   Case({"benefit_id": "@benefit_not_for_a"}, E(set(), care_worker=404))],
    "/benefits/<int:benefit_id>/used": [Case({"benefit_id": "@benefit"}, E({CW})),
                                        Case({"benefit_id": "@benefit_not_for_a"}, E(set(), care_worker=404))],
    "/benefits/catalogue": one(E({HCPA})),
    "/benefits/catalogue/new": one(E({HCPA})),
    "/benefits/catalogue/<int:benefit_id>/edit": [Case({"benefit_id": "@benefit"}, E({HCPA})),
                                                  Case({"benefit_id": 999999}, E(set(), hcpa_staff=404))],
    "/benefits/catalogue/<int:benefit_id>/withdraw": [Case({"benefit_id": "@benefit"}, E({HCPA})),
                                                      Case({"benefit_id": 999999}, E(set(), hcpa_staff=404))],
    "/benefits/workplaces/<int:workplace_id>": _portal(),
    # --- staff voice (polls and pulse surveys) ------------------------------------------------
    # HCPA run polls (an unknown poll is a 404 to them); members answer polls that reach them (one
    # aimed at B's district only is a 404 to A's worker); the emailed link is its member's alone
    # (anyone else signed in: 404); managers see A's results, never B's.
    "/voice/polls": one(E({HCPA})),
    "/voice/polls/new": one(E({HCPA})),
    "/voice/polls/<int:poll_id>": [Case({"poll_id": "@poll_draft"}, E({HCPA})),
                                   Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/edit": [Case({"poll_id": "@poll_draft"}, E({HCPA})),
                                        Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/questions": [Case({"poll_id": "@poll_draft"}, E({HCPA})),
                                             Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/questions/<int:question_id>/remove": [
        Case({"poll_id": "@poll_draft", "question_id": "@poll_draft_question"}, E({HCPA})),
        Case({"poll_id": "@poll_closed", "question_id": "@poll_draft_question"}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/open": [Case({"poll_id": "@poll_draft"}, E({HCPA})),
                                        Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/close": [Case({"poll_id": "@poll_open"}, E({HCPA})),
                                         Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/results": [Case({"poll_id": "@poll_closed"}, E({HCPA})),
                                           Case({"poll_id": 999999}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/results.<fmt>": [Case({"poll_id": "@poll_closed", "fmt": "csv"}, E({HCPA})),
                                                 Case({"poll_id": "@poll_closed", "fmt": "xlsx"}, E({HCPA})),
                                                 Case({"poll_id": 999999, "fmt": "csv"}, E(set(), hcpa_staff=404))],
    "/voice/polls/<int:poll_id>/questions/<int:question_id>/chart.svg": [
        Case({"poll_id": "@poll_closed", "question_id": "@poll_closed_question"}, E({HCPA})),
        Case({"poll_id": "@poll_draft", "question_id": "@poll_closed_question"}, E(set(), hcpa_staff=404))],
    "/voice/moderation": one(E({HCPA})),
    "/voice/moderation/<answer_id>": [Case({"answer_id": "@poll_waiting_answer"}, E({HCPA})),
                                      Case({"answer_id": "0" * 32}, E(set(), hcpa_staff=404))],
    "/voice/": one(E({CW})),
    "/voice/polls/<int:poll_id>/answer": [Case({"poll_id": "@poll_open"}, E({CW})),
                                          Case({"poll_id": "@poll_for_b"}, E(set(), care_worker=404))],
    "/voice/answer/<token>": [Case({"token": "@poll_link_a"},
                                   E(set(), anonymous=REDIRECT, care_worker=REDIRECT,
                                     **{r: 404 for r in (APP, MGR, HCPA, ADM)})),
                              Case({"token": "not-a-token"}, E(set(), **{r: 404 for r in ROLES}))],
    # Only for the poll and member of a link opened in this browser: the walk has just opened A's
    # worker's link (the rule above comes first), so a visitor and A's worker may answer it here;
    # the others are refused it (signed in as someone else), and no one has a link to B's poll.
    "/voice/polls/<int:poll_id>/from-your-link": [
        Case({"poll_id": "@poll_open"}, E({ANON, CW}, **{r: 404 for r in (APP, MGR, HCPA, ADM)})),
        Case({"poll_id": "@poll_for_b"}, E(set(), **{r: 404 for r in ROLES}))],
    "/voice/workplaces": one(E({MGR})),
    "/voice/workplaces/<int:workplace_id>/polls/<int:poll_id>": own_and_other(
        {"workplace_id": "@workplace_a", "poll_id": "@poll_closed"},
        {"workplace_id": "@workplace_b", "poll_id": "@poll_closed"}, E({MGR}), E(set(), manager=404)),

    # --- training ------------------------------------------------------------------------------
    "/training/": one(E(EVERYONE)),
    "/training/courses": one(E(STAFF)),
    "/training/courses/new": one(E(STAFF)),
    "/training/courses/<int:course_id>/edit": [Case({"course_id": "@course"}, E(STAFF)),
                                               Case({"course_id": 999999}, E(set(), hcpa_staff=404, admin=404))],
    # A workplace's request to link the worker's passport: only the worker asked may see or answer it.
    "/training/employer-requests/<int:request_id>": _worker_record("request_id", "request_to_worker", {CW}),
    "/training/employer-requests/<int:request_id>/accept": _worker_record("request_id", "request_to_worker", {CW}),
    "/training/employer-requests/<int:request_id>/decline": _worker_record("request_id", "request_to_worker", {CW}),
    "/training/induction": one(E(set(), care_worker="/training/people/{person_a}/induction")),
    "/training/inductions/<int:induction_id>/standards/<int:number>": [
        Case({"induction_id": "@induction_a", "number": 1}, E({CW} | MANAGING)),
        Case({"induction_id": "@induction_b", "number": 1}, E(STAFF, care_worker=404, manager=404))],
    "/training/passport.pdf": one(E({CW})),
    "/training/passport/share": one(E({CW})),
    "/training/passport/shares/<int:share_id>/revoke": _worker_record("share_id", "share", {CW}),
    "/training/people": one(E(STAFF)),
    "/training/people/<int:person_id>": _worker_record("person_id", "person", MANAGING),
    "/training/people/<int:person_id>/induction": _worker_record("person_id", "person"),
    "/training/people/<int:person_id>/induction/completed": _worker_record("person_id", "person", MANAGING),
    "/training/people/<int:person_id>/induction/start": _worker_record("person_id", "person", MANAGING),
    "/training/people/<int:person_id>/qualifications/new": _worker_record("person_id", "person", MANAGING),
    "/training/people/<int:person_id>/records/new": _worker_record("person_id", "person", MANAGING),
    "/training/qualifications/<int:qualification_id>/edit": _worker_record("qualification_id", "qualification"),
    "/training/qualifications/<int:qualification_id>/verify": _worker_record("qualification_id", "qualification",
                                                                            MANAGING),
    "/training/qualifications/new": one(E({CW})),
    "/training/records/<int:record_id>/certificate": _worker_record("record_id", "record"),
    "/training/records/<int:record_id>/delete": _worker_record("record_id", "unverified_record", {CW}),
    "/training/records/<int:record_id>/verify": _worker_record("record_id", "unverified_record", MANAGING),
    "/training/records/<int:record_id>/withdraw-verification": _worker_record("record_id", "record", MANAGING),
    "/training/records/new": one(E({CW})),
    "/training/sessions/new": one(E({MGR})),
    "/training/shared": one(E(EVERYONE)),
    "/training/shared/<token>": [Case({"token": "@share_token_a"}, E(EVERYONE)),
                                 Case({"token": "not-a-token"}, E(set(), **{r: 404 for r in ROLES}))],
    "/training/staff": one(E({MGR})),
    "/training/staff/verify": one(E({MGR})),
    "/training/verify": one(E(EVERYONE)),
    # Credentials: the worker downloads their own (another worker's item is a 404); the issuer's
    # DID document, the status lists and the verify page are public; unknown verify links are 404s.
    "/.well-known/did.json": one(E(EVERYONE)),
    "/credentials/mine/<kind>/<int:source_id>": [
        Case({"kind": "training_record", "source_id": "@record_a"}, E({CW})),
        Case({"kind": "training_record", "source_id": "@record_b"}, E(set(), care_worker=404))],
    "/credentials/mine/passport.json": one(E({CW})),
    "/credentials/status/<int:number>": [Case({"number": 0}, E(EVERYONE)),  # every list is public: no owner
                                         Case({"number": 1}, E(EVERYONE))],
    "/credentials/verify": one(E(EVERYONE)),
    "/credentials/verify/<public_id>": [
        Case({"public_id": "@credential_a"}, E(EVERYONE)),
        Case({"public_id": "00000000-0000-0000-0000-000000000000"}, E(set(), **{r: 404 for r in ROLES}))],
    "/credentials/verify/set/<token>": [Case({"token": "@credential_set_a"}, E(EVERYONE)),
                                        Case({"token": "not-a-token"}, E(set(), **{r: 404 for r in ROLES}))],
}

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def url_for_case(rule: str, case: Case, ids: dict) -> str | None:
    """The path for `rule` with the case's values, or None when the world lacks one (not built)."""
    values = {}
    for name, value in case.params.items():
        if isinstance(value, str) and value.startswith("@"):
            value = ids.get(value[1:])
            if value is None:
                return None
        values[name] = value
    path = ARGUMENT.sub(lambda m: str(values[m.group(1)]), rule)
    return f"{path}?{case.query.format(**ids)}" if case.query else path


def arguments(rule: str) -> list[str]:
    return ARGUMENT.findall(rule)


def walked_rules(app) -> list:
    """Every rule of the app the walk covers, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS),
                  key=lambda r: r.rule)


def methods(rule) -> list[str]:
    return sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"})
