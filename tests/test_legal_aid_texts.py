"""Every code, step, role, item and status of the legal-aid domain has its text in both languages in texts.yml."""

import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.content import LANGUAGES, Texts
from bot.forms import parsing
from bot.legal_aid import summary, tracking, wages

MENUS = Path(__file__).resolve().parent.parent / "menus"
RAW = {key: value for key, value in yaml.safe_load((MENUS / "texts.yml").read_text(encoding="utf-8")).items()
       if key.startswith("aid_")}
TEXTS = Texts(RAW)

NEEDED = (
    [f"aid_error_{code}" for code in parsing.ERROR_CODES + wages.ERROR_CODES]
    + [f"aid_wage_step_{kind}" for kind in wages.STEP_KINDS]
    + [f"aid_party_{role}" for role in summary.PARTY_ROLES]
    + [f"aid_evidence_{item}" for item in summary.EVIDENCE_ITEMS]
    + [f"aid_status_{status}" for status in tracking.Status]
    + [f"aid_transition_{code}" for code in tracking.ERROR_CODES]
)


@pytest.mark.parametrize("key", NEEDED)
def test_every_domain_code_has_a_text(key):
    assert key in TEXTS


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_is_exactly_zh_and_en_with_the_same_placeholders():
    for key, localized in RAW.items():
        assert set(localized) == set(LANGUAGES), key  # an unquoted comma in a flow mapping splits a text
        assert all(isinstance(localized[lang], str) and localized[lang].strip() for lang in LANGUAGES), key
        assert placeholders(localized["zh"]) == placeholders(localized["en"]), key


def test_reasks_give_an_example_or_say_what_to_type():
    for code in parsing.ERROR_CODES:
        assert any(word in TEXTS.get(f"aid_error_{code}", "zh") for word in ("例如", "请")), code


def test_legal_aid_domain_imports_neither_telegram_nor_the_database():
    probe = (
        "import sys\n"
        "import bot.forms.parsing, bot.legal_aid.wages, bot.legal_aid.eligibility\n"
        "import bot.legal_aid.tracking, bot.legal_aid.summary\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy') or m.startswith('bot.db')])"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
