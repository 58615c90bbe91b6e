"""The knowledge base in the console: 👎 counts per entry, and the questions nobody could answer grouped by topic,
masked and kept only with the resident's consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import UnansweredQuestion
from tests.console_helpers import console_client, sign_in
from tests.domain_helpers import Resident
from tests.handoff_helpers import OFFICE_HOURS, staff_cli


def resident(assistant, user_id: str, consent: bool = True) -> Resident:
    someone = Resident(assistant, user_id=user_id)
    someone.command("start")
    someone.press("同意" if consent else "不同意")
    return someone


@pytest.fixture
def client(settings, assistant, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor")
    with console_client(settings, assistant) as client:
        yield client


def test_unanswered_questions_are_kept_masked_and_only_with_consent(assistant):
    resident(assistant, "1001").say("啊吧啊吧 嘀嘀嗒嗒 我的电话13812345678")
    resident(assistant, "1002", consent=False).say("呜啦啦 噼里啪啦 叮叮当当")
    with assistant.sessions() as session:
        kept = [row.text for row in session.scalars(select(UnansweredQuestion))]
    assert len(kept) == 1 and "13812345678" not in kept[0] and "啊吧啊吧" in kept[0]


def test_the_page_shows_unhelpful_counts_and_the_gaps_by_topic(client, assistant):
    someone = resident(assistant, "1001")
    entry = assistant.knowledge.by_topic["traffic"][0]
    someone.press_data(f"kb:{entry.key}")
    someone.press("没帮助")
    someone.say("啊吧啊吧 嘀嘀嗒嗒 咕噜咕噜")
    sign_in(client, assistant, "509")
    page = client.get("/staff/knowledge").text
    row = page.split(f'data-entry="{entry.id}"')[1].split("</tr>")[0]
    assert row.count("<td>1</td>") == 2  # asked once, 👎 once
    assert "啊吧啊吧" in page and "没能回答的问题" in page
