"""The subject-access export as a PDF (fpdf2, in the training passport's house style): one
heading per section, each record as label: value lines."""
from __future__ import annotations

from fpdf import FPDF

from training.pdf import NEXT_LINE, _text


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _flat(value) -> str:
    if value is None:
        return "Not held"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(_flat(v) for v in value) if value else "None"
    return str(value)


class _ExportPDF(FPDF):
    def __init__(self, service_name: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.service_name = service_name
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("Your data")
        self.set_creator(service_name)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _text(f"{self.service_name}: everything we hold about you - page {self.page_no()}"),
                  align="C")


def render_export_pdf(export: dict, service_name: str) -> bytes:
    pdf = _ExportPDF(service_name)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _text(f"Everything {service_name} holds about {export['about']}"), **NEXT_LINE)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _text(f"Produced {export['generated_at'][:16].replace('T', ' at ')} UTC."), **NEXT_LINE)
    for section in export["sections"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, _text(section["title"]), **NEXT_LINE)
        pdf.set_font("Helvetica", size=9)
        if not section["records"]:
            pdf.multi_cell(0, 5, "Nothing of this kind is held.", **NEXT_LINE)
        for record in section["records"]:
            for key, value in record.items():
                pdf.multi_cell(0, 4.5, _text(f"{_label(key)}: {_flat(value)}"), **NEXT_LINE)
            pdf.ln(2)
    return bytes(pdf.output())
