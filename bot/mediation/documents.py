"""The 调解协议书 and the 司法确认申请书, from the templates in templates/, as Word (.docx) and PDF.

A template is a list of blocks (title, heading, paragraph, the terms table, signature lines, a list). `blocks`
fills it from a case; `to_docx` and `to_pdf` lay the same blocks out, so both files say the same thing."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from bot.core.messages import Attachment
from bot.db.models import MediationCase
from bot.mediation.cases import Party, Term
from bot.mediation.context import MediationContext

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAMES = ("agreement", "application")  # 调解协议书, 司法确认申请书
DOC_LANG = "zh"  # the documents are filed in Chinese
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
# Fonts that carry Chinese glyphs; the set-up installs fonts-noto-cjk.
CJK_SERIF = "Noto Serif CJK SC"
CJK_FONTS = f'"{CJK_SERIF}", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", serif'


@dataclass(frozen=True)
class Block:
    kind: str  # title, right, heading, para, terms, signatures, closing, list
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # the terms table: a header row, then one row per term
    lines: list[str] = field(default_factory=list)  # signature lines, closing lines (seal, date) or list items
    widths: list[float] = field(default_factory=list)  # the terms table's column widths in cm


@lru_cache(maxsize=4)
def template(name: str) -> dict:
    return yaml.safe_load((TEMPLATES / f"{name}.yml").read_text(encoding="utf-8"))


def _amount(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}"


def term_rows(ctx: MediationContext, case: MediationCase) -> list[list[str]]:
    terms = [Term.from_dict(t) for t in case.agreement.get("terms", [])]
    names = {Party.APPLICANT: case.fields.get("name", ""), Party.RESPONDENT: case.fields.get("other_name", "")}
    return [[str(i), f"{ctx.t(f'md_party_{t.party.value}', DOC_LANG)} {names[t.party]}", t.does, _amount(t.amount),
             t.by.isoformat(), t.how] for i, t in enumerate(terms, 1)]


def terms_text(ctx: MediationContext, case: MediationCase, lang: str) -> str:
    """The terms as a chat message lists them: who, what, how much, by when, how."""
    lines = []
    for number, party, does, amount, by, how in term_rows(ctx, case):
        lines.append(ctx.t("md_term_line", lang, n=number, party=party, does=does,
                           amount="" if amount == "—" else ctx.t("md_term_amount", lang, amount=amount), by=by, how=how))
    return "\n".join(lines)


def values(ctx: MediationContext, case: MediationCase) -> dict[str, str]:
    """Everything a template may name, from the case."""
    fields, lang = case.fields, DOC_LANG
    judicial = ctx.config["judicial_confirmation"]
    effective = case.effective_on
    rows = term_rows(ctx, case)
    partial = ctx.t("md_doc_partial", lang, reason=case.outcome_reason or "") if case.outcome == "partial" else ""
    return {
        "number": case.number,
        "applicant": fields.get("name", ""),
        "respondent": fields.get("other_name", ""),
        "relation": ctx.data.option("other_relation", fields.get("other_relation", ""), lang),
        "kind": ctx.data.option("kind", case.kind, lang),
        "facts": case.agreement.get("facts", ""),
        "matters": case.agreement.get("matters", ""),
        "committee": ctx.committee(case.station_id, lang),
        "mediator": case.agreement.get("mediator") or (case.mediator.name if case.mediator else ""),
        "partial": partial,
        "basis": "、".join(ctx.article(name).heading() for name in ("agreement_form", "agreement_contents")),
        "effective": effective.isoformat() if effective else ctx.t("md_doc_date_blank", lang),
        "deadline": (effective + timedelta(days=int(judicial["window_days"]))).isoformat() if effective else "—",
        "court": ctx.court(lang),
        "mediation_article": ctx.article("confirmation").heading(),
        "procedure_article": ctx.article("confirmation_procedure").heading(),
        "terms_inline": ctx.t("md_doc_terms_inline", lang, terms=ctx.t("md_doc_terms_joiner", lang).join(
            ctx.t("md_doc_term_inline", lang, party=party, by=by, how=how, does=does,
                  amount="" if amount == "—" else ctx.t("md_doc_term_amount", lang, amount=amount))
            for _, party, does, amount, by, how in rows)),
    }


def blocks(ctx: MediationContext, case: MediationCase, name: str) -> list[Block]:
    """The template filled from the case."""
    filled = values(ctx, case)
    result: list[Block] = []
    for spec in template(name)["blocks"]:
        kind = spec["kind"]
        if kind == "terms":
            result.append(Block(kind, rows=[list(spec["columns"])] + term_rows(ctx, case),
                                widths=list(spec.get("widths", []))))
        elif kind in ("signatures", "closing"):
            result.append(Block(kind, lines=[line.format(**filled) for line in spec["lines"]]))
        elif kind == "list":
            items = ctx.config["judicial_confirmation"][spec["items"]]
            result.append(Block(kind, lines=[item[DOC_LANG] for item in items]))
        else:
            result.append(Block(kind, text=spec["text"].format(**filled)))
    return result


def _set_cjk_font(rpr) -> None:
    """Name the CJK font for Latin and East Asian text alike, dropping the theme fonts that would win over it."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(script), CJK_SERIF)


def _format_styles(document) -> None:
    """Black text in the CJK serif on A4, marked as Chinese, with the spacing of the PDF."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_cjk_font(defaults)
    # zh-CN makes Word and LibreOffice pick the Simplified Chinese glyphs and punctuation of the font
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            _set_cjk_font(style.element.get_or_add_rPr())
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = Pt(19)  # as the PDF's 1.6; a multiple would add to Noto CJK's tall line
    title = document.styles["Title"]
    title.element.get_or_add_pPr().remove_all("w:pBdr")  # no coloured rule under the title
    title.font.size, title.font.bold, title.font.color.rgb = Pt(20), True, RGBColor(0, 0, 0)
    title.element.get_or_add_rPr().remove_all("w:spacing", "w:kern")
    title.paragraph_format.space_after, title.paragraph_format.line_spacing = Pt(12), 1.0
    heading = document.styles["Heading 2"]
    heading.font.size, heading.font.color.rgb = Pt(13), RGBColor(0, 0, 0)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(4)
    heading.paragraph_format.line_spacing = 1.0


def to_docx(parts: list[Block]) -> bytes:
    """A Word document with the blocks, laid out as the PDF; Chinese text is set in the CJK font."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    _format_styles(document)
    document.core_properties.language = "zh-CN"
    for block in parts:
        if block.kind == "title":
            document.core_properties.title = block.text
            paragraph = document.add_heading(block.text, level=0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "right":
            document.add_paragraph(block.text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.kind == "terms":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            table.autofit = False
            for c, width in enumerate(block.widths):
                table.columns[c].width = Cm(width)  # the grid LibreOffice lays out by
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    if block.widths:
                        cell.width = Cm(block.widths[c])
                    paragraph = cell.paragraphs[0]
                    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
                    paragraph.paragraph_format.line_spacing = Pt(15)
                    run = paragraph.add_run(value)
                    run.font.size, run.font.bold = Pt(10.5), r == 0
        elif block.kind in ("signatures", "closing"):
            for i, line in enumerate(block.lines):
                paragraph = document.add_paragraph(line)
                paragraph.paragraph_format.space_before = Pt(12)
                # the signature places, the seal and the date stay on one page
                paragraph.paragraph_format.keep_with_next = block.kind == "signatures" or i < len(block.lines) - 1
                if block.kind == "closing":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.kind == "list":
            for line in block.lines:
                document.add_paragraph("· " + line)
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_html(parts: list[Block]) -> str:
    body = []
    for block in parts:
        text = html.escape(block.text)
        if block.kind == "title":
            body.append(f"<h1>{text}</h1>")
        elif block.kind == "heading":
            body.append(f"<h2>{text}</h2>")
        elif block.kind == "right":
            body.append(f'<p class="right">{text}</p>')
        elif block.kind == "terms":
            head, *rows = block.rows
            total = sum(block.widths) or 1
            cols = "".join(f'<col style="width: {100 * w / total:.1f}%">' for w in block.widths)
            cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
            lines = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
            body.append(f"<table><colgroup>{cols}</colgroup><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody></table>")
        elif block.kind == "signatures":
            body.append('<div class="signatures">' + "".join(f"<p>{html.escape(line)}</p>" for line in block.lines)
                        + "</div>")
        elif block.kind == "closing":
            body.append('<div class="closing">' + "".join(f"<p>{html.escape(line)}</p>" for line in block.lines)
                        + "</div>")
        elif block.kind == "list":
            body.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in block.lines) + "</ul>")
        else:
            body.append(f"<p>{text}</p>")
    style = ("@page { size: A4; margin: 2.2cm 2cm; } body { font-family: FONTS; font-size: 12pt; line-height: 1.6; } "
             "h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; } h2 { font-size: 13pt; margin: 1.1em 0 0.3em; } "
             "p { margin: 0.3em 0; } .right { text-align: right; } "
             "table { border-collapse: collapse; width: 100%; font-size: 10.5pt; } "
             "td, th { border: 1px solid #333; padding: 4px 6px; vertical-align: top; } .signatures p { margin: 0.9em 0; } "
             ".signatures, .closing { break-inside: avoid; } .closing { text-align: right; } .closing p { margin: 0.9em 0; }"
             ).replace("FONTS", CJK_FONTS)
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head>' \
           f'<body>{"".join(body)}</body></html>'


def to_pdf(parts: list[Block]) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(parts)).write_pdf()


def files(ctx: MediationContext, case: MediationCase, name: str) -> list[Attachment]:
    parts = blocks(ctx, case, name)
    stem = template(name)["filename"].format(number=case.number)
    return [Attachment(f"{stem}.docx", to_docx(parts), DOCX), Attachment(f"{stem}.pdf", to_pdf(parts), PDF)]


def agreement_files(ctx: MediationContext, case: MediationCase) -> list[Attachment]:
    return files(ctx, case, "agreement")


def application_files(ctx: MediationContext, case: MediationCase) -> list[Attachment]:
    return files(ctx, case, "application")
