"""Forms for the awards (HCPA's categories and rounds, anyone's nomination), managers' thanks and
the worker's choice of where recognition shows."""
from __future__ import annotations

from academy.forms import (
    DayMonthYearField, FlaskForm, GovRadioInput, GovSelect, GovTextArea, GovTextInput, InputRequired, Length,
    RadioField, RequiredDate, SelectField, StringField, TextAreaField, submit,
)


class CategoryForm(FlaskForm):
    name = StringField("Category name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the category's name"),
                                   Length(max=120, message="The category's name must be 120 characters or fewer")])
    description = TextAreaField("What the category recognises (optional)", widget=GovTextArea(),
                                validators=[Length(max=2000, message="The description must be 2,000 characters or fewer")])
    submit = submit("Add category")


class RoundForm(FlaskForm):
    name = StringField("Round name", widget=GovTextInput(), description="For example, Hertfordshire Care Awards 2027",
                       validators=[InputRequired(message="Enter the round's name"),
                                   Length(max=120, message="The round's name must be 120 characters or fewer")])
    closes_on = DayMonthYearField("Closing date for nominations", description="For example, 31 3 2027",
                                  validators=[RequiredDate(message="Enter the closing date")])
    submit = submit("Add round")


class NominationForm(FlaskForm):
    round_id = SelectField("Awards round", coerce=int, widget=GovSelect(),
                           validators=[InputRequired(message="Choose an awards round")])
    category_id = SelectField("Award category", coerce=int, widget=GovSelect(),
                              validators=[InputRequired(message="Choose an award category")])
    member_number = StringField("CPA member number of the care worker", widget=GovTextInput(),
                                description="Like CPA-000123. Find it by name below if you do not know it.",
                                validators=[InputRequired(message="Enter the care worker's CPA member number"),
                                            Length(max=20, message="Enter a CPA member number, like CPA-000123")])
    reason = TextAreaField("Why are you nominating them?", widget=GovTextArea(),
                           validators=[InputRequired(message="Say why you are nominating them"),
                                       Length(max=3000, message="The reason must be 3,000 characters or fewer")])
    submit = submit("Send nomination")

    def __init__(self, rounds, categories, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_id.choices = [(r.id, f"{r.name} (closes {r.closes_on:%-d %B %Y})") for r in rounds]
        self.category_id.choices = [(c.id, c.name) for c in categories]


class DecisionForm(FlaskForm):
    submit = submit("Save")


class ThanksForm(FlaskForm):
    message = TextAreaField("Your thank-you message", widget=GovTextArea(),
                            validators=[InputRequired(message="Enter your thank-you message"),
                                        Length(max=2000, message="The message must be 2,000 characters or fewer")])
    submit = submit("Send thank-you")


class ShowChoiceForm(FlaskForm):
    show = RadioField("Show your awards and managers' thanks on your training passport and profile?",
                      widget=GovRadioInput(),
                      choices=[("yes", "Yes, show them to anyone who sees my passport or profile"),
                               ("no", "No, keep them to myself")],
                      validators=[InputRequired(message="Select whether to show your awards and thanks")])
    submit = submit("Save")
