"""The training passport as a PDF (fpdf2): the worker's name, every line with who verified it,
qualifications, Care Certificate progress, and the verify code that proves it is genuine."""
from __future__ import annotations

import unicodedata
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from recruitment.dates import short_date
from training.passport import PassportView

NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def _text(value) -> str:
    """Core PDF fonts hold Latin-1 only: keep accents where possible, replace the rest."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def _date(day) -> str:
    """A date, or a moment's date in UK time (Europe/London): the day the reader's calendar showed."""
    return short_date(day) if day else "-"


def standard_state(progress) -> str:
    """'Signed off by Morgan Manager on 3 Mar 2026' (not 'Signed off - signed off by ...'), else the state."""
    if progress.signed_off_by is not None:
        on = f" on {_date(progress.signed_off_at)}" if progress.signed_off_at else ""
        return f"Signed off by {progress.signed_off_by.full_name}{on}"
    return progress.state.value


class _PassportPDF(FPDF):
    def __init__(self, service_name: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.service_name = service_name
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("Training passport")
        self.set_creator(service_name)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _text(f"{self.service_name} training passport - page {self.page_no()}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, _text(text), **NEXT_LINE)
        self.set_font("Helvetica", size=10)

    def row(self, cells: list[tuple[str, float]], bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", 9)
        with self.table(col_widths=[w for _, w in cells], first_row_as_headings=False, line_height=5,
                        borders_layout="HORIZONTAL_LINES") as table:
            line = table.row()
            for text, _ in cells:
                line.cell(_text(text))
        self.set_font("Helvetica", size=10)


def render_passport_pdf(view: PassportView, service_name: str, check_url: str, recognition=None) -> bytes:
    """The passport; `check_url` is the public address of the check page with this passport's check
    code (academy.mail.public_url), printed and drawn as a QR code. `recognition` is what the worker
    chose to show (academy.recognition.display.shown_recognition: empty unless they chose to), as on
    the HTML passport."""
    pdf = _PassportPDF(service_name)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _text(f"Training passport: {view.person.full_name}"), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _text(f"Record as of {_date(view.on)}. Lines marked 'Verified' were confirmed by the "
                               "named manager or HCPA officer; others are self-declared."), **NEXT_LINE)
    for employment in view.employments:
        pdf.multi_cell(0, 5, _text(f"{employment.job_role.name} at {employment.workplace.name} since "
                                   f"{_date(employment.start_date)}"), **NEXT_LINE)

    pdf.heading("Training")
    widths = [(70, "Course"), (25, "Completed"), (25, "Expires"), (20, "State"), (50, "Verified")]
    pdf.row([(title, w) for w, title in widths], bold=True)
    for line in view.lines:
        record = line.record
        if record is None:
            pdf.row([(line.course.name, 70), ("-", 25), ("-", 25), (line.state.value, 20), ("-", 50)])
            continue
        verified = (f"Verified by {record.verified_by.full_name}, {_date(record.verified_at)}"
                    if record.verified else "Self-declared")
        pdf.row([(line.course.name, 70), (_date(record.completed_on), 25),
                 (_date(record.expires_on) if record.expires_on else "Does not expire", 25),
                 (line.state.value, 20), (verified, 50)])
    if not view.lines:
        pdf.multi_cell(0, 6, "No training recorded.", **NEXT_LINE)

    pdf.heading("Qualifications")
    for q in view.qualifications:
        dates = f"achieved {_date(q.achieved_on)}" if q.achieved_on else (
            f"started {_date(q.started_on)}" if q.started_on else "")
        verified = (f"Verified by {q.verified_by.full_name}, {_date(q.verified_at)}"
                    if q.verified else "Self-declared")
        level = f" (Level {q.level})" if q.level is not None else ""
        extra = f"; NMC PIN {q.registration_number}, renew by {_date(q.renewal_due_on)}" if q.registration_number else ""
        pdf.multi_cell(0, 5, _text(f"{q.title}{level}: {q.status.value} {dates}{extra}. {verified}."), **NEXT_LINE)
    if not view.qualifications:
        pdf.multi_cell(0, 6, "No qualifications recorded.", **NEXT_LINE)

    pdf.heading("Care Certificate")
    induction = view.induction
    if induction is None:
        pdf.multi_cell(0, 6, "Not started.", **NEXT_LINE)
    else:
        status = (f"Completed on {_date(induction.completed_on)}" if induction.completed_on
                  else f"In progress: started {_date(induction.started_on)}, target {_date(induction.target_on)}")
        pdf.multi_cell(0, 6, _text(f"{induction.version.value} standards. {status}."), **NEXT_LINE)
        names = view.standard_names()
        for progress in induction.standards:
            pdf.multi_cell(0, 5, _text(f"{progress.standard_number}. {names.get(progress.standard_number, '')}: "
                                       f"{standard_state(progress)}"), **NEXT_LINE)

    pdf.heading("Career tier")
    if view.tier:
        endorsed = f", endorsed by {view.tier.endorsed_by}" if view.tier.endorsed_by else ""
        pdf.multi_cell(0, 6, _text(f"Tier {view.tier.number}: {view.tier.name}. Awarded on {_date(view.tier.awarded_on)}"
                                   f"{endorsed}."), **NEXT_LINE)
    else:
        pdf.multi_cell(0, 6, "No Care Professional Academy tier awarded yet.", **NEXT_LINE)
    if recognition:
        _recognition_section(pdf, recognition)
    _check_section(pdf, view, service_name, check_url)
    return bytes(pdf.output())


def _recognition_section(pdf: _PassportPDF, recognition) -> None:
    """Hertfordshire Care Awards (shortlisted, winner) and managers' thanks the worker chose to show."""
    pdf.heading("Recognition")
    if recognition.awards:
        pdf.heading("Hertfordshire Care Awards", size=11)
        for nomination in recognition.awards:
            pdf.multi_cell(0, 5, _text(f"{nomination.status.value}: {nomination.category.name}, "
                                       f"{nomination.round.name}"), **NEXT_LINE)
    if recognition.thanks:
        pdf.heading("Thanks from managers", size=11)
        for thanks in recognition.thanks:
            place = f", {thanks.workplace.name}" if thanks.workplace is not None else ""
            pdf.multi_cell(0, 5, _text(f'"{thanks.message}"'), **NEXT_LINE)
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, _text(f"From {thanks.from_name}{place}, {_date(thanks.created_at)}"), **NEXT_LINE)
            pdf.set_font("Helvetica", size=10)
            pdf.ln(1)


def _check_section(pdf: _PassportPDF, view: PassportView, service_name: str, check_url: str) -> None:
    """The check code a person can type, the address that checks it, and a QR code of that address."""
    qr_size = 32  # mm
    if pdf.get_y() + qr_size + 20 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.heading("Check this passport is genuine", size=11)
    top = pdf.get_y()
    png = BytesIO()
    segno.make(check_url, error="m").save(png, kind="png", scale=8, border=2)
    png.seek(0)
    pdf.image(png, x=pdf.w - pdf.r_margin - qr_size, y=top, w=qr_size, h=qr_size, alt_text="QR code of the check address")
    text_width = pdf.epw - qr_size - 5
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(text_width, 7, _text(f"Check code: {view.check_code}"), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(text_width, 5, _text(f"To check it, go to {check_url} (or scan the QR code), or enter the check "
                                        f"code on the {service_name} 'Check a training passport' page. It says "
                                        "whether the service issued this passport and whether the record has "
                                        "changed since."), **NEXT_LINE)
    pdf.set_y(max(pdf.get_y(), top + qr_size) + 2)
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(0, 4, _text(f"Fingerprint (SHA-256): {view.fingerprint}"), **NEXT_LINE)
