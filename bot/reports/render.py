"""Render a report document as HTML (with SVG charts), PDF (the same HTML, printed) or an .xlsx workbook."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.reports.document import Chart, Document

FORMATS = ("html", "pdf", "xlsx")
# Fonts that carry Chinese glyphs, in order of preference; the set-up installs fonts-noto-cjk.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Droid Sans Fallback", "DejaVu Sans"]


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    folder = Path(__file__).parent / "templates"
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)


def chart_svg(chart: Chart) -> str:
    """A horizontal bar chart as inline SVG; glyphs are drawn as paths, so Chinese renders without the font."""
    if not chart.values or not any(chart.values):
        return ""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import PercentFormatter

    with matplotlib.rc_context({"font.sans-serif": CJK_FONTS, "font.family": "sans-serif", "svg.fonttype": "path",
                                "axes.unicode_minus": False}):
        height = 1.0 + 0.32 * len(chart.labels)
        figure, axes = pyplot.subplots(figsize=(7.0, height))
        values = [100 * v for v in chart.values] if chart.percent else chart.values
        positions = list(range(len(values)))[::-1]
        axes.barh(positions, values, color="#2f6f9f")
        axes.set_yticks(positions, chart.labels)
        axes.set_title(chart.title, fontsize=11)
        if chart.percent:
            axes.xaxis.set_major_formatter(PercentFormatter(100))
            axes.set_xlim(0, 100)
        for spine in ("top", "right"):
            axes.spines[spine].set_visible(False)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg")
        pyplot.close(figure)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


def to_html(document: Document, lang: str, empty: str) -> str:
    charts = {chart.title: chart_svg(chart) for section in document.sections for chart in section.charts}
    return _templates().get_template("report.html.j2").render(doc=document, lang=lang, charts=charts, empty=empty)


def to_pdf(document: Document, lang: str, empty: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(document, lang, empty)).write_pdf()


def to_xlsx(document: Document) -> bytes:
    """One sheet per section: its headline figures, then each table under its title."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for number, section in enumerate(document.sections, start=1):
        sheet = workbook.create_sheet(_sheet_name(section.title, number))
        sheet.append([document.title])
        sheet["A1"].font = bold
        sheet.append([section.title])
        for name, value in section.figures:
            sheet.append([name, value])
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(sheet.max_row, 1).font = bold
            sheet.append(table.columns)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append(row)
        for note in section.notes:
            sheet.append([note])
        sheet.column_dimensions["A"].width = 34
        for column in "BCDEFG":
            sheet.column_dimensions[column].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(title: str, number: int) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ ."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip()
    return (cleaned or f"Sheet {number}")[:31]


def render(document: Document, fmt: str, lang: str, empty: str) -> bytes:
    if fmt == "html":
        return to_html(document, lang, empty).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(document, lang, empty)
    if fmt == "xlsx":
        return to_xlsx(document)
    raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
