"""Data minimisation in the staff group: a masked summary before the claim, nothing the resident sends posted there
while the ticket waits, and afterwards only the claimer's thread or private chat."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from bot.core.messages import Inbound, InboundKind
from bot.handoff import whistle
from bot.handoff.context import HandoffContext
from tests.domain_helpers import Resident
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, outbox_for, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan

GROUP, DUTY = "-100500", "-100900"
PHONE, ID_NUMBER, CARD = "13812345678", "11010519491231002X", "6222021234567890123"
ADDRESS = "九棵树东路107号院3号楼2单元501室"
PERSONAL = (PHONE, ID_NUMBER, CARD, "107号院", "501室", ID_NUMBER[6:14])
_messages = count(7000)


@pytest.fixture
def desk(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    settings.handoff = settings.handoff.model_copy(update={"duty_chat_id": DUTY})
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", GROUP)
    return desk_of(assistant)


def leaks(texts) -> list[str]:
    return [secret for text in texts for secret in PERSONAL if secret in text]


def staff_side(assistant) -> list[str]:
    """Everything written for the group, the duty desk and the supervisor."""
    return [n.text for chat in (GROUP, DUTY, "509") for n in outbox_for(assistant, chat)]


def send_photo(resident: Resident) -> int:
    message_id = next(_messages)
    resident.assistant.handle(Inbound(channel=resident.channel, user_id=resident.user_id, chat_id=resident.user_id,
                                      kind=InboundKind.MEDIA, media_type="photo", message_id=message_id,
                                      update_key=f"photo-{message_id}"))
    return message_id


def test_the_group_sees_only_a_masked_summary_before_a_claim(assistant, desk, clock):
    resident = resident_at_luyuan(assistant)
    resident.say(f"我叫张三，电话{PHONE}，身份证{ID_NUMBER}")
    resident.say(f"工资卡{CARD}，住在{ADDRESS}，老板一直不发工资")
    resident.command("human")
    clock.advance(minutes=40)  # the whistle, the supervisor and the duty desk all get the card
    whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), clock)
    posted = staff_side(assistant)
    assert len(posted) >= 3 and any("老板一直不发工资" in text for text in posted)
    assert any("138****5678" in text for text in posted)
    assert leaks(posted) == []


def test_messages_typed_while_a_ticket_waits_are_not_posted_to_the_group(assistant, desk):
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    posted = len(outbox_for(assistant, GROUP))
    resident.say(f"补充一下，我的电话是{PHONE}")
    assert "认领工单 #1 后会看到" in resident.text
    photo = send_photo(resident)
    assert outbox_for(assistant, GROUP)[posted:] == []
    assert "held" in ticket(assistant).summary

    act(desk, "501", "button", button_data="tk:1")  # no forum: the claimer's private chat
    private = outbox_for(assistant, "501")
    assert any(PHONE in n.text for n in private)
    assert [(n.copy_chat_id, n.copy_message_id) for n in private if n.copy_message_id] == [("1001", photo)]
    assert outbox_for(assistant, GROUP)[posted + 1:] == []  # only the claim notice went to the group, if anything
    assert leaks(n.text for n in outbox_for(assistant, GROUP)) == []
    assert "held" not in ticket(assistant).summary


def test_after_the_claim_resident_messages_go_only_to_the_claimer(assistant, desk):
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    act(desk, "501", "button", button_data="tk:1")
    posted = len(outbox_for(assistant, GROUP))
    resident.say(f"电话{PHONE}，身份证{ID_NUMBER}")
    photo = send_photo(resident)
    assert outbox_for(assistant, GROUP)[posted:] == []
    private = outbox_for(assistant, "501")
    assert any(ID_NUMBER in n.text for n in private) and any(n.copy_message_id == photo for n in private)


def test_without_consent_nothing_typed_while_waiting_is_kept(assistant, desk):
    resident = Resident(assistant, channel="telegram")
    resident.command("human")
    resident.say(f"电话{PHONE}")
    assert "没有转给工作人员" in resident.text and "不保存" in resident.text
    assert "held" not in ticket(assistant).summary
    assert leaks(staff_side(assistant)) == []


def test_the_whistle_carries_a_masked_card_after_hours_too(assistant, desk, clock):
    resident = resident_at_luyuan(assistant)
    resident.say(f"身份证{ID_NUMBER}，住{ADDRESS}")
    resident.command("human")
    clock.advance(days=1, minutes=30)
    whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), clock)
    assert leaks(staff_side(assistant)) == []
    assert clock.now - OFFICE_HOURS > timedelta(hours=20)
