"""The service navigation each role sees (one list, used by the base layout)."""
from __future__ import annotations

from flask import request, url_for

from academy.auth.models import Role

_LINKS = {
    None: [("Home", "public.home"), ("Apply for a job in care", "recruitment.start")],
    Role.applicant: [("Your application", "recruitment.start")],
    Role.care_worker: [("Your training passport", "training.start"), ("Care Certificate", "training.own_induction"),
                       ("Share your passport", "training.share"), ("Your check-ins", "recruitment.check_ins")],
    Role.manager: [("Your workplaces", "workplaces.mine"), ("Staff training", "training.staff"),
                   ("Record a training session", "training.new_session"), ("Referrals", "recruitment.manager_referrals"),
                   ("Outcomes", "outcomes.index")],
    Role.hcpa_staff: [("Screening queue", "recruitment.queue"), ("Workplaces", "workplaces.index"),
                      ("Interviews", "recruitment.interviews_overview"), ("Follow-ups", "recruitment.follow_ups"),
                      ("Training records", "training.people"),
                      ("Course catalogue", "training.courses"), ("Outcomes", "outcomes.index"),
                      ("Invite someone", "admin.invite")],
    Role.admin: [("Users", "admin.users"), ("Audit log", "admin.audit_log"), ("Refused requests", "admin.refusals"),
                 ("Workplaces", "workplaces.index"), ("Course catalogue", "training.courses"),
                 ("Outcomes", "outcomes.index"), ("Baselines", "outcomes.baseline_list"),
                 ("Invite someone", "admin.invite")],
}


# ASC-WDS files (academy/ascwds): import and export Skills for Care bulk-upload files.
for _role in (Role.manager, Role.hcpa_staff, Role.admin):
    _LINKS[_role].append(("ASC-WDS files", "ascwds.index"))

# Career tiers (academy/tiers): the worker's tier, managers' endorsements, admins' tier rules.
_LINKS[Role.care_worker].insert(2, ("Your career tier", "tiers.mine"))
_LINKS[Role.manager].append(("Tier endorsements", "tiers.endorsements"))
_LINKS[Role.admin].append(("Tier rules", "tiers.rules_index"))
_LINKS[Role.hcpa_staff].append(("CPA members", "tiers.find_member"))

# Privacy (academy/privacy): erasure requests to confirm and subject access, for HCPA staff and admins.
for _role in (Role.hcpa_staff, Role.admin):
    _LINKS[_role].append(("Privacy requests", "privacy.requests"))

# Requests to link a starter to a worker's passport (academy/portal/employer_links.py): HCPA link on behalf.
_LINKS[Role.hcpa_staff].append(("Passport link requests", "portal.link_requests"))

# Recognition (academy/recognition): HCPA run the Hertfordshire Care Awards; managers thank their staff;
# care workers see their awards and thanks and choose whether their passport shows them.
_LINKS[Role.hcpa_staff].append(("Care Awards", "recognition.manage"))
_LINKS[Role.manager].append(("Say thank you", "recognition.staff_to_thank"))
_LINKS[Role.care_worker].append(("Awards and thanks", "recognition.mine"))

# Benefits and wellbeing (academy/benefits): HCPA keep the catalogue; members see what they are eligible for.
_LINKS[Role.hcpa_staff].append(("Benefits catalogue", "benefits.catalogue_list"))
_LINKS[Role.care_worker].append(("Your benefits", "benefits.mine"))
# Possible duplicate applications (recruitment/duplicates.py): HCPA compare, dismiss or merge them.
_LINKS[Role.hcpa_staff].insert(1, ("Possible duplicates", "recruitment.duplicates_list"))
# Staff voice (academy/voice): HCPA run polls and pulse surveys; members answer; managers see their results.
_LINKS[Role.hcpa_staff].append(("Polls and surveys", "voice.polls_list"))
_LINKS[Role.manager].append(("Staff polls", "voice.workplace_polls"))
_LINKS[Role.care_worker].append(("Have your say", "voice.mine"))

# The jobs board (recruitment/board.py): open jobs for visitors and applicants.
_LINKS[None].insert(2, ("Jobs", "recruitment.board_list"))
_LINKS[Role.applicant].append(("Jobs", "recruitment.board_list"))

# Manager portal (academy/portal): a registered manager's start page, first in their navigation.
_LINKS[Role.manager].insert(0, ("Manager portal", "portal.index"))


def navigation_for(user) -> list[dict]:
    """Navigation items for the GOV.UK service navigation component."""
    role = user.role if user.is_authenticated else None
    items = []
    for text, endpoint in _LINKS[role]:
        href = url_for(endpoint)
        items.append({"text": text, "href": href, "active": request.path == href})
    if user.is_authenticated:
        items.append({"text": "Your account", "href": url_for("auth.account"),
                      "active": request.path == url_for("auth.account")})
    else:
        items.append({"text": "Sign in", "href": url_for("auth.sign_in"),
                      "active": request.path == url_for("auth.sign_in")})
    return items
