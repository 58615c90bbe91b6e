"""The mediation documents as a reader sees them: Word files opened by LibreOffice, and PDF pages rendered to pixels.

Each check reads the rendered page back with OCR, so a missing CJK font (tofu boxes or blanks) fails it even when the
PDF's text layer is right. The binaries come from `scripts/setup_system.sh test`; without them the tests skip."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.mediation import documents
from bot.mediation.context import MediationContext
from bot.settings import load_settings
from tests.conftest import CONFIG
from tests.test_mediation_documents import agreed_case

DPI = 150
TOP_OF_PAGE = dict(width=1240, height=560)  # pixels at DPI: the title, the number and the parties of an A4 page


def _missing(*binaries: str) -> str | None:
    absent = [name for name in binaries if shutil.which(name) is None]
    return f"{', '.join(absent)} not installed (bash scripts/setup_system.sh test)" if absent else None


needs_soffice = pytest.mark.skipif(bool(_missing("soffice", "pdftotext")), reason=str(_missing("soffice", "pdftotext")))
needs_ocr = pytest.mark.skipif(bool(_missing("pdftoppm", "pdffonts", "tesseract")),
                               reason=str(_missing("pdftoppm", "pdffonts", "tesseract")))


def run(*command: str, timeout: int = 120) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout).stdout


@pytest.fixture(scope="module")
def written(database_url, tmp_path_factory) -> Path:
    """The agreement and the joint application as the bot sends them: .docx and .pdf in one folder."""
    ctx = MediationContext.load(load_settings(CONFIG, database_url=database_url))
    folder = tmp_path_factory.mktemp("mediation_documents")
    for name, case in (("agreement", agreed_case()), ("application", agreed_case(effective=date(2026, 11, 30)))):
        parts = documents.blocks(ctx, case, name)
        (folder / f"{name}.docx").write_bytes(documents.to_docx(parts))
        (folder / f"{name}.pdf").write_bytes(documents.to_pdf(parts))
    return folder


@pytest.fixture(scope="module")
def converted(written, tmp_path_factory) -> Path:
    """LibreOffice's PDFs of the two Word files, converted headless with a private profile so parallel runs never
    share one."""
    if _missing("soffice"):
        pytest.skip(_missing("soffice"))
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("libreoffice_profile")
    run("soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir",
        str(out), str(written / "agreement.docx"), str(written / "application.docx"))
    return out


def pdf_text(pdf: Path) -> str:
    return " ".join(run("pdftotext", "-layout", str(pdf), "-").split())


def read_top_of_first_page(pdf: Path, tmp_path: Path) -> str:
    """The top of page one rendered to pixels and read back by Tesseract (Simplified Chinese), without spaces."""
    png = tmp_path / pdf.stem
    run("pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", "-W", str(TOP_OF_PAGE["width"]),
        "-H", str(TOP_OF_PAGE["height"]), "-png", str(pdf), str(png))
    return re.sub(r"\s+", "", run("tesseract", f"{png}.png", "-", "-l", "chi_sim", "--psm", "6"))


def embedded_cjk_fonts(pdf: Path) -> list[str]:
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    # columns: name, type..., emb, sub, uni, object, id; a CJK font's name says so (NotoSerifCJK..., Noto-Serif-CJK...)
    return [row.split()[0] for row in rows if re.search(r"CJK", row) and row.split()[-5] == "yes"]


@needs_soffice
def test_libreoffice_opens_the_agreement_and_finds_its_text(converted):
    text = pdf_text(converted / "agreement.pdf")
    assert "人民调解协议书" in text and "申请人：张三" in text and "被申请人：王五" in text
    assert "1 被申请人 王五 归还借款 20,000.00 2026-12-31 银行转账" in text, "the terms line, in its table"
    assert "潞源街道人民调解委员会（印章）" in text


@needs_soffice
def test_libreoffice_opens_the_joint_application_and_finds_its_text(converted):
    text = pdf_text(converted / "application.pdf")
    assert "司法确认申请书" in text and "申请人一：张三" in text and "申请人二：王五" in text
    assert "北京市通州区人民法院" in text and "居民身份证" in text


@needs_ocr
@pytest.mark.parametrize("name", ["agreement", "application"])
def test_the_bots_pdf_page_shows_chinese_glyphs(written, tmp_path, name):
    pdf = written / f"{name}.pdf"
    assert embedded_cjk_fonts(pdf), f"no embedded CJK font in {name}.pdf"
    seen = read_top_of_first_page(pdf, tmp_path)
    assert {"agreement": "调解协议书", "application": "司法确认申请书"}[name] in seen, seen
    assert "张三" in seen and "王五" in seen, seen


@needs_ocr
@needs_soffice
@pytest.mark.parametrize("name", ["agreement", "application"])
def test_libreoffices_page_of_the_word_file_shows_chinese_glyphs(converted, tmp_path, name):
    pdf = converted / f"{name}.pdf"
    assert embedded_cjk_fonts(pdf), f"LibreOffice embedded no CJK font for {name}.docx"
    seen = read_top_of_first_page(pdf, tmp_path)
    assert {"agreement": "调解协议书", "application": "司法确认申请书"}[name] in seen, seen
    assert "张三" in seen and "王五" in seen, seen
