"""Forms for staff voice: HCPA's poll details and questions, moderation, and a member's answers
(a form made for each poll from its questions)."""
from __future__ import annotations

from academy.forms import (
    DayMonthYearField, FlaskForm, GovCheckboxesInput, GovRadioInput, GovTextArea, GovTextInput, InputRequired,
    Length, RadioField, RequiredDate, SelectMultipleField, StringField, TextAreaField, submit,
)
from academy.voice.answering import FREE_TEXT_MAX, field_name
from academy.voice.models import Poll, QuestionKind


class PollForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), description="Members see it in the email and on the poll",
                        validators=[InputRequired(message="Enter the poll's title"),
                                    Length(max=200, message="The title must be 200 characters or fewer")])
    intro = TextAreaField("Introduction (optional)", widget=GovTextArea(),
                          description="A sentence or two on why you are asking",
                          validators=[Length(max=2000, message="The introduction must be 2,000 characters or fewer")])
    opens_on = DayMonthYearField("Opening date", description="For example, 1 2 2027",
                                 validators=[RequiredDate(message="Enter the date the poll opens")])
    closes_on = DayMonthYearField("Closing date", description="Members can answer until the end of this day",
                                  validators=[RequiredDate(message="Enter the date the poll closes")])
    district_ids = SelectMultipleField("Districts", coerce=int, widget=GovCheckboxesInput(),
                                       description="None ticked: every district")
    service_type_ids = SelectMultipleField("Service types", coerce=int, widget=GovCheckboxesInput(),
                                           description="None ticked: every service type")
    job_role_ids = SelectMultipleField("Job roles", coerce=int, widget=GovCheckboxesInput(),
                                       description="None ticked: every job role")
    tiers = SelectMultipleField("Career tiers", coerce=int, widget=GovCheckboxesInput(),
                                description="None ticked: every member, whatever their tier")
    submit = submit("Save poll")

    def __init__(self, districts, service_types, job_roles, tiers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_ids.choices = [(d.id, d.name) for d in districts]
        self.service_type_ids.choices = [(s.id, s.name) for s in service_types]
        self.job_role_ids.choices = [(r.id, r.name) for r in job_roles]
        self.tiers.choices = [(t.number, f"Tier {t.number}: {t.name}") for t in tiers]


class QuestionForm(FlaskForm):
    kind = RadioField("Kind of question", widget=GovRadioInput(),
                      choices=[(k.name, k.value) for k in QuestionKind],
                      validators=[InputRequired(message="Choose the kind of question")])
    text = StringField("Question", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the question"),
                                   Length(max=300, message="The question must be 300 characters or fewer")])
    options = TextAreaField("Answers to choose from (single choice only)", widget=GovTextArea(),
                            description="One a line, 2 to 10",
                            validators=[Length(max=3000, message="The answers must be 3,000 characters or fewer")])
    submit = submit("Add question")


class ActionForm(FlaskForm):
    submit = submit("Confirm")


class ModerationForm(FlaskForm):
    text = TextAreaField("Text to show", widget=GovTextArea(),
                         description="Remove names, places, dates and anything else that could identify someone",
                         validators=[Length(max=FREE_TEXT_MAX, message=f"The text must be {FREE_TEXT_MAX:,} "
                                                                       "characters or fewer")])
    decision = RadioField("Show this answer?", widget=GovRadioInput(),
                          choices=[("approve", "Approve: show the text above (as edited)"),
                                   ("reject", "Reject: never show it, and delete it")],
                          validators=[InputRequired(message="Choose whether to approve or reject the answer")])
    submit = submit("Save and see the next")


def answer_form(poll: Poll, *args, **kwargs) -> FlaskForm:
    """A form with one field a question ("q12"): radios for choices and the scale, a text area for
    free text (optional). Choices are checked again by the domain (academy.voice.answering)."""

    class AnswerForm(FlaskForm):
        pass

    for question in poll.questions:
        if question.kind == QuestionKind.free_text:
            field = TextAreaField(question.text, widget=GovTextArea(),
                                  description="Optional. Please do not name anyone: HCPA staff remove anything "
                                              "identifying before anyone sees it.",
                                  validators=[Length(max=FREE_TEXT_MAX, message=f"Your answer must be "
                                                                                f"{FREE_TEXT_MAX:,} characters or fewer")])
        else:
            field = RadioField(question.text, widget=GovRadioInput(),
                               choices=[(str(value), label) for value, label in question.choices],
                               validators=[InputRequired(message=f"Choose an answer to “{question.text}”")])
        setattr(AnswerForm, field_name(question), field)
    AnswerForm.submit = submit("Send my answers")
    return AnswerForm(*args, **kwargs)
