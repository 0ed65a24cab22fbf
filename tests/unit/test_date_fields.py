"""academy.forms.DayMonthYearField with RequiredDate / OptionalDate: the three boxes are judged
together, so a part-filled date is neither ignored nor reported as missing."""
import pytest
from werkzeug.datastructures import MultiDict

from academy.forms import DayMonthYearField, FlaskForm, OptionalDate, RequiredDate


class Dates(FlaskForm):
    class Meta:
        csrf = False

    started = DayMonthYearField("Start date", invalid="The start date must be a real date",
                                validators=[RequiredDate(message="Enter the start date")])
    issued = DayMonthYearField("Issued", invalid="The issue date must be a real date", validators=[OptionalDate()])


def submitted(started, issued):
    return MultiDict([("started", part) for part in started] + [("issued", part) for part in issued])


@pytest.mark.parametrize("started, issued, errors", [
    (["3", "3", "2026"], ["", "", ""], {}),
    (["", "", ""], ["", "", ""], {"started": ["Enter the start date"]}),
    ([], [], {"started": ["Enter the start date"]}),  # boxes missing from the request altogether
    (["", "3", "2026"], ["1", "2", "2026"], {"started": ["The start date must be a real date"]}),
    (["31", "2", "2026"], ["1", "2", "2026"], {"started": ["The start date must be a real date"]}),
    (["3", "3", "2026"], ["", "2", "2026"], {"issued": ["The issue date must be a real date"]}),
    (["3", "3", "2026"], ["30", "2", ""], {"issued": ["The issue date must be a real date"]}),
])
def test_the_three_boxes_are_judged_together(app, started, issued, errors):
    with app.test_request_context(method="POST"):
        form = Dates(formdata=submitted(started, issued))
        assert form.validate() is (not errors)
        assert form.errors == errors
        if not errors:
            assert form.issued.data is None and form.started.data.isoformat() == "2026-03-03"
