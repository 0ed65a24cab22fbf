"""The one CSV/XLSX export helper: formula cells neutralised, dates and empty cells written plainly."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from academy.exports import csv_text, export_response, neutralise, xlsx_bytes

HEADER = ["Name", "Course", "Due by", "Count"]
ROWS = [["=HYPERLINK(\"http://x\")", "+1", date(2026, 3, 1), 3],
        ["@SUM(A1)", "-2", None, -4],
        ["Ann Smith", "Fire safety", date(2026, 1, 31), 0]]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+44", "'+44"), ("-3", "'-3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("plain", "plain"), ("a=b", "a=b"), (5, 5), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_neutralises_text_and_writes_dates_as_iso():
    rows = list(csv.reader(io.StringIO(csv_text(HEADER, ROWS))))
    assert rows[0] == HEADER
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'+1", "2026-03-01", "3"]
    assert rows[2] == ["'@SUM(A1)", "'-2", "", "-4"]  # numbers stay numbers; only text is changed


def test_xlsx_keeps_formulas_as_text_and_dates_as_dates():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, "Plan"))).active
    assert sheet.title == "Plan"
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["B3"].value == "'-2"
    assert sheet["C2"].value.date() == date(2026, 3, 1)
    assert sheet["C3"].value is None and sheet["D3"].value == -4


def test_export_response_names_the_file_and_refuses_other_formats(app):
    with app.test_request_context():
        response = export_response("csv", HEADER, ROWS, "training matrix/Verulam")
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="training-matrix-Verulam.csv"'
        assert export_response("xlsx", HEADER, ROWS, "x").data[:2] == b"PK"
        with pytest.raises(ValueError):
            export_response("pdf", HEADER, ROWS, "x")


def test_xlsx_number_formats_apply_to_their_column():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["Rate"], [[0.125], [None]], number_formats={0: "0.0%"}))).active
    assert sheet["A2"].value == 0.125 and sheet["A2"].number_format == "0.0%"
    assert sheet["A3"].value is None
    dated = load_workbook(io.BytesIO(xlsx_bytes(["Day"], [[date(2026, 1, 2)]]))).active
    assert dated["A2"].number_format == "yyyy-mm-dd"


def test_xlsx_freezes_a_bold_header_row_and_sizes_each_column():
    long_name = "Oliver McGowan Mandatory Training on Learning Disability and Autism, Tier 1 e-learning"
    rows = [["Ann Smith", long_name, date(2026, 3, 1), 3]] + [["Bo", "Fire", None, i] for i in range(300)]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, rows, "Matrix"))).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == len("Ann Smith") + 2  # the longest name
    assert widths["B"] == 60  # long text is capped
    assert widths["C"] == len("yyyy-mm-dd") + 2 and widths["D"] == 8  # dates fit; narrow columns have a minimum
    assert sheet.max_row == 302  # every row written, the sized ones and the streamed rest
