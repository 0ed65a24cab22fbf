"""The applicant's question-per-page journey: the steps in order, saving each answer as it is
given (so they can sign out and come back), what is still unanswered, and sending it."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role, User
from academy.workplaces.models import District, ServiceType
from recruitment import duplicates, forms
from recruitment.models import VALUES, Application, Experience, HeardAbout, RightToWork, State
from recruitment.pipeline import flush_or_conflict, gate, move

POSTCODE_DISTRICTS_FILE = Path(__file__).with_name("data") / "postcode_districts.csv"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    """What the check-your-answers page calls it."""
    fields: tuple[str, ...]
    heading: str | None = None
    """A page heading of its own (pages with more than one question); else the question is the heading."""
    value: str | None = None
    field_params: dict = field(default_factory=dict, hash=False, compare=False)


STEPS: tuple[Step, ...] = (
    Step("name", "Name", ("full_name",)),
    Step("phone", "Phone number", ("phone",)),
    Step("postcode", "Postcode", ("postcode",)),
    Step("district", "Where you would like to work", ("district_id",)),
    Step("right-to-work", "Right to work in the UK", ("right_to_work",)),
    Step("driving", "Driving", ("driving_licence", "has_car"), heading="Driving"),
    Step("availability", "When you can work", ("shifts", "hours_per_week"), heading="When you can work"),
    Step("service-types", "Kinds of care", ("service_type_ids",)),
    Step("experience", "Experience", ("experience", "experience_details"), heading="Your experience"),
    Step("qualifications", "Qualifications", ("qualifications",)),
    Step("languages", "Languages", ("languages",)),
    Step("heard-about", "How you heard about us", ("heard_about", "heard_about_other"),
         heading="How did you hear about us?"),
    *(Step(f"values-{value}", f"About you: {value}", ("answer",), value=value) for value in VALUES),
    Step("cv", "CV", ("cv",), heading="Upload your CV"),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def step_answered(application: Application, step: Step) -> bool:
    """Has the applicant answered this page (optional pages count once they have been through them)?"""
    a = application
    checks = {
        "name": a.full_name, "phone": a.phone, "postcode": a.postcode, "district": a.district_id,
        "right-to-work": a.right_to_work, "driving": a.driving_licence is not None and a.has_car is not None,
        "availability": a.hours_per_week is not None, "service-types": a.service_types_answered,
        "experience": a.experience, "qualifications": a.qualifications_answered, "languages": a.languages,
        "heard-about": a.heard_about, "cv": a.cv_answered,
    }
    if step.value:
        return bool(a.answer(step.value))
    return bool(checks[step.slug])


def missing_steps(application: Application) -> list[Step]:
    return [step for step in STEPS if not step_answered(application, step)]


@gate(State.submitted)
def _every_question_answered(application: Application) -> str | None:
    if missing_steps(application):
        return "Answer every question before you send your application"
    return None


def first_unanswered(application: Application) -> Step:
    missing = missing_steps(application)
    return missing[0] if missing else None


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


def application_for(session, user: User, create: bool = False) -> Application | None:
    """The user's own application (one each), created as a draft when asked."""
    application = session.scalar(select(Application).where(Application.user_id == user.id))
    if application is None and create:
        if user.role != Role.applicant:
            raise NotAllowed("Only applicants can apply")
        application = Application(user=user, state=State.draft)
        session.add(application)
        session.flush()
    return application


def make_form(session, step: Step, application: Application, submitted: bool = False):
    """The step's form: what was posted, or else filled from what the applicant has already saved."""
    if step.value:
        form = forms.ValuesAnswerForm(step.value)
        if not submitted:
            form.answer.data = application.answer(step.value)
        return form
    if step.slug == "district":
        form = forms.DistrictForm(session.scalars(select(District).order_by(District.name)))
        if not submitted:
            form.district_id.data = application.district_id or district_for_postcode(session, application.postcode)
        return form
    if step.slug == "service-types":
        form = forms.ServiceTypesForm(session.scalars(select(ServiceType).order_by(ServiceType.id)))
        if not submitted:
            form.service_type_ids.data = [s.id for s in application.service_types]
        return form
    form_class = _FORMS[step.slug]
    form = form_class()
    if not submitted:
        _fill(form, application)
    return form


_FORMS = {
    "name": forms.NameForm, "phone": forms.PhoneForm, "postcode": forms.PostcodeForm,
    "right-to-work": forms.RightToWorkForm, "driving": forms.DrivingForm, "availability": forms.AvailabilityForm,
    "experience": forms.ExperienceForm, "qualifications": forms.QualificationsForm,
    "languages": forms.LanguagesForm, "heard-about": forms.HeardAboutForm, "cv": forms.CvForm,
}


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _fill(form, a: Application) -> None:
    simple = ("full_name", "phone", "postcode", "hours_per_week", "experience_details", "qualifications",
              "languages", "heard_about_other")
    for name in simple:
        if name in form:
            form[name].data = getattr(a, name)
    if "full_name" in form and not a.full_name:
        form.full_name.data = a.user.full_name  # suggested from the account; the applicant confirms it
    for name in ("right_to_work", "experience", "heard_about"):
        if name in form and getattr(a, name) is not None:
            form[name].data = getattr(a, name).name
    for name in ("driving_licence", "has_car"):
        if name in form:
            form[name].data = _yes_no(getattr(a, name))
    if "shifts" in form and a.hours_per_week is not None:
        form.shifts.data = [s for s, on in (("days", a.available_days), ("nights", a.available_nights),
                                            ("weekends", a.available_weekends)) if on]


def save_step(session, application: Application, step: Step, form, by: User) -> None:
    """Save one page's answers to the draft. Only the applicant, only before it is sent."""
    if by.id != application.user_id:
        raise NotAllowed("You can only answer your own application")
    if application.state != State.draft:
        raise Invalid("You have already sent your application. You can still update your contact details.")
    a, data = application, form.data
    if step.value:
        setattr(a, f"answer_{step.value}", data["answer"])
    elif step.slug == "district":
        if session.get(District, data["district_id"]) is None:
            raise Invalid("Select a district from the list")
        a.district_id = data["district_id"]
    elif step.slug == "service-types":
        chosen = list(session.scalars(select(ServiceType).where(ServiceType.id.in_(data["service_type_ids"]))))
        a.service_types = chosen
        a.service_types_answered = True
    elif step.slug == "driving":
        a.driving_licence, a.has_car = data["driving_licence"] == "yes", data["has_car"] == "yes"
    elif step.slug == "availability":
        shifts = set(data["shifts"])
        a.available_days, a.available_nights = "days" in shifts, "nights" in shifts
        a.available_weekends, a.hours_per_week = "weekends" in shifts, data["hours_per_week"]
    elif step.slug == "right-to-work":
        a.right_to_work = RightToWork[data["right_to_work"]]
    elif step.slug == "experience":
        a.experience, a.experience_details = Experience[data["experience"]], data["experience_details"] or None
    elif step.slug == "qualifications":
        a.qualifications, a.qualifications_answered = data["qualifications"] or None, True
    elif step.slug == "heard-about":
        a.heard_about = HeardAbout[data["heard_about"]]
        a.heard_about_other = data["heard_about_other"] if a.heard_about == HeardAbout.other else None
    elif step.slug == "postcode":
        if a.postcode != data["postcode"]:
            a.district_id = None  # worked out again from the new postcode on the next page
        a.postcode = data["postcode"]
    elif step.slug == "cv":
        a.cv_answered = True  # the file itself is saved by recruitment.cv
    else:
        setattr(a, step.fields[0], data[step.fields[0]])
    a.furthest_page = max(a.furthest_page or 0, STEPS.index(step) + 1)  # the funnel's form drop-off
    session.flush()


def update_contact_details(session, application: Application, by: User, phone: str, postcode: str) -> None:
    """After sending, the applicant can still keep their phone number and postcode up to date."""
    if by.id != application.user_id:
        raise NotAllowed("You can only change your own contact details")
    if application.state in (State.withdrawn, State.not_progressed, State.merged):
        raise Invalid("Your application is closed, so there is nothing to update")
    application.phone, application.postcode = phone, postcode
    flush_or_conflict(session)
    duplicates.record_possible_duplicates(session, application)  # for HCPA; the applicant sees no difference


def send(session, application: Application, by: User):
    """Send the finished application to HCPA (the pipeline refuses it while questions are unanswered).
    Likely duplicates of earlier applications are recorded for HCPA (recruitment/duplicates.py):
    never a reason to refuse, and the applicant is told nothing different."""
    change = move(session, application, State.submitted, by)
    duplicates.record_possible_duplicates(session, application)
    return change


# Postcode -> district ---------------------------------------------------------------------------

def _outward_code(postcode: str | None) -> str | None:
    if not postcode:
        return None
    compact = re.sub(r"\s+", "", postcode.upper())
    return compact[:-3] if len(compact) > 3 else None


_postcode_districts: dict[str, str] | None = None


def postcode_districts() -> dict[str, str]:
    """Hertfordshire postcode districts (outward codes) mapped to the local-government district most
    of each lies in; border areas are approximate, so the applicant confirms or changes it."""
    global _postcode_districts
    if _postcode_districts is None:
        with POSTCODE_DISTRICTS_FILE.open(newline="") as fh:
            rows = csv.DictReader(line for line in fh if not line.startswith("#"))
            _postcode_districts = {row["outward_code"]: row["district"] for row in rows}
    return _postcode_districts


def district_for_postcode(session, postcode: str | None) -> int | None:
    name = postcode_districts().get(_outward_code(postcode) or "")
    if name is None:
        return None
    return session.scalar(select(District.id).where(District.name == name))


# Check your answers -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRow:
    step: Step
    label: str
    value: str


def _yes_no_text(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def answer_rows(application: Application) -> list[AnswerRow]:
    """Every answer in words, in journey order, each with the page to change it."""
    a, s = application, STEPS_BY_SLUG
    shifts = ", ".join(n for n, on in (("Days", a.available_days), ("Nights", a.available_nights),
                                       ("Weekends", a.available_weekends)) if on)
    experience = a.experience.value if a.experience else ""
    if a.experience_details:
        experience += f"\n{a.experience_details}"
    heard = a.heard_about.value if a.heard_about else ""
    if a.heard_about_other:
        heard += f": {a.heard_about_other}"
    rows = [
        AnswerRow(s["name"], "Name", a.full_name or ""),
        AnswerRow(s["phone"], "Phone number", a.phone or ""),
        AnswerRow(s["postcode"], "Postcode", a.postcode or ""),
        AnswerRow(s["district"], "Where you would like to work", a.district.name if a.district else ""),
        AnswerRow(s["right-to-work"], "Right to work in the UK", a.right_to_work.value if a.right_to_work else ""),
        AnswerRow(s["driving"], "Full UK driving licence", _yes_no_text(a.driving_licence)),
        AnswerRow(s["driving"], "Car for work", _yes_no_text(a.has_car)),
        AnswerRow(s["availability"], "When you can work", shifts),
        AnswerRow(s["availability"], "Hours a week", str(a.hours_per_week or "")),
        AnswerRow(s["service-types"], "Kinds of care", ", ".join(t.name for t in a.service_types)),
        AnswerRow(s["experience"], "Experience", experience),
        AnswerRow(s["qualifications"], "Qualifications",
                  a.qualifications or ("None" if a.qualifications_answered else "")),
        AnswerRow(s["languages"], "Languages", a.languages or ""),
        AnswerRow(s["heard-about"], "How you heard about us", heard),
    ]
    rows += [AnswerRow(s[f"values-{value}"], forms.VALUES_QUESTIONS[value], a.answer(value) or "")
             for value in VALUES]
    rows.append(AnswerRow(s["cv"], "CV", a.cv_original_name or ("Not uploaded" if a.cv_answered else "")))
    return rows
