"""The 调解协议书 and the 司法确认申请书 against 人民调解法 第二十九条 and 第三十三条 / 民事诉讼法 第二百零五条."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime, timezone

import pytest
from docx import Document

from bot.db.models import MediationCase, StaffMember
from bot.mediation import documents
from bot.mediation.cases import Party, Term
from bot.mediation.context import MediationContext

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def ctx(settings) -> MediationContext:
    return MediationContext.load(settings)


def agreed_case(outcome: str = "agreement", effective: date | None = None) -> MediationCase:
    terms = [Term(Party.RESPONDENT, "归还借款", date(2026, 12, 31), "银行转账", 20000.0),
             Term(Party.APPLICANT, "出具收条并撤回对王五的投诉", date(2027, 1, 5), "当面交付")]
    case = MediationCase(
        number="TJ-2026-000007", station_id="luyuan", kind="debt", status="agreed", outcome=outcome,
        outcome_reason="利息部分未达成一致" if outcome == "partial" else None,
        fields={"name": "张三", "phone": "13812345678", "other_name": "王五", "other_relation": "neighbour",
                "other_phone": "13900001111", "facts": "借钱不还的经过", "wishes": "还钱"},
        agreement={"facts": "2025年5月张三借给王五两万元，约定半年归还。", "matters": "王五是否应当归还借款；王五承认借款。",
                   "terms": [t.as_dict() for t in terms], "mediator": "李调解员"},
        effective_on=effective, created_at=NOW, updated_at=NOW)
    case.mediator = StaffMember(name="李调解员", role="mediator", channel="telegram", external_id="601", created_at=NOW)
    return case


def docx_paragraphs(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_agreement_carries_every_element_of_article_29(ctx):
    text = "\n".join(b.text or "\n".join(b.lines) or "\n".join(" ".join(r) for r in b.rows)
                     for b in documents.blocks(ctx, agreed_case(), "agreement"))
    # (一) the parties' basic details
    assert "申请人：张三" in text and "被申请人：王五（与申请人的关系：邻居）" in text
    # (二) the main facts, the disputed matters and each party's responsibility
    assert "主要事实：2025年5月张三借给王五两万元" in text and "争议事项及各方责任：王五是否应当归还借款" in text
    # (三) the agreed terms, and how and by when they are performed
    assert "被申请人 王五 归还借款 20,000.00 2026-12-31 银行转账" in text
    assert "申请人 张三 出具收条并撤回对王五的投诉 — 2027-01-05 当面交付" in text
    # signatures, the mediator's signature and the committee's seal; when it takes effect; three copies
    assert "申请人（签名或按指印）" in text and "被申请人（签名或按指印）" in text
    assert "人民调解员（签名）：李调解员" in text and "潞源街道人民调解委员会（印章）" in text
    assert "签名、盖章或者按指印" in text and "一式三份" in text
    assert "《人民调解法》第二十八条、《人民调解法》第二十九条" in text
    assert "13812345678" not in text and "13900001111" not in text, "no phone number on the agreement"


def test_a_partial_agreement_says_what_stayed_unagreed(ctx):
    text = "\n".join(b.text for b in documents.blocks(ctx, agreed_case("partial"), "agreement"))
    assert "部分达成，未达成部分：利息部分未达成一致" in text


def test_word_file_holds_the_same_text_and_sets_the_chinese_font(ctx):
    content = documents.to_docx(documents.blocks(ctx, agreed_case(), "agreement"))
    text = docx_paragraphs(content)
    assert "人民调解协议书" in text and "编号：TJ-2026-000007" in text and "20,000.00" in text and "当面交付" in text
    assert 'w:eastAsia="Noto Serif CJK SC"' in Document(io.BytesIO(content)).styles["Normal"].element.xml


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_renders_the_chinese_text(ctx, tmp_path):
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(documents.to_pdf(documents.blocks(ctx, agreed_case(), "agreement")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "人 民 调 解 协 议 书" in text or "人民调解协议书" in text
    assert "潞源街道人民调解委员会" in text and "银行转账" in text


def test_joint_application_names_the_court_the_articles_and_the_deadline(ctx):
    case = agreed_case(effective=date(2026, 11, 30))
    text = "\n".join(b.text or "\n".join(b.lines) for b in documents.blocks(ctx, case, "application"))
    assert "申请人一：张三" in text and "申请人二：王五" in text
    assert "北京市通州区人民法院" in text
    assert "《人民调解法》第三十三条" in text and "《民事诉讼法》第二百零五条" in text
    assert "2026-11-30" in text and "2026-12-30" in text
    assert "被申请人 王五于2026-12-31前以银行转账方式归还借款（20,000.00元）" in text
    assert "居民身份证" in text, "the documents to bring are listed"


def test_the_articles_cited_are_the_ones_in_the_statute_table(ctx):
    """Checked against the 2023 revision of the Civil Procedure Law: 205 is where to apply, 206 is enforcement."""
    assert "三十日内" in ctx.article("confirmation_procedure").text
    assert "申请执行" in ctx.article("enforcement").text
    assert "司法确认" in ctx.article("confirmation").text
    assert "调解协议书可以载明" in ctx.article("agreement_contents").text
    assert "明确拒绝调解的，不得调解" in ctx.article("voluntary").text
    assert "拒绝调解或者要求终止调解" in ctx.article("rights").text
    assert "可以制作调解协议书" in ctx.article("agreement_form").text
    assert "向人民法院提起诉讼" in ctx.article("sue_on_agreement").text
