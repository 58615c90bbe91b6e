"""A resident walks the menu on plain data: consent, navigation, stations, language."""

from bot.core.content import pick
from bot.db.repositories import Repositories
from tests.domain_helpers import Resident


def test_first_contact_shows_privacy_notice_and_asks_consent(assistant):
    resident = Resident(assistant)
    resident.command("start")
    assert "隐私说明" in resident.text and "180 天" in resident.text
    assert resident.labels()[:2] == ["✅ 同意", "暂不同意"]


def test_consent_is_recorded_and_leads_to_main_menu(assistant, clock):
    resident = Resident(assistant)
    resident.command("start")
    reply = resident.press("同意")
    assert reply.messages[0].replace
    assert "谢谢，您已同意" in resident.text
    assert "💬 法律咨询" in resident.labels()
    with assistant.sessions() as session:
        user = Repositories(session).users.find("test", "1001")
        assert user.consent == "granted" and user.consent_at == clock.now


def test_every_main_menu_button_answers_with_back_and_home(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    home = resident.screen
    for button in [b for row in home.buttons for b in row]:
        reply = resident.press_data(button.data)
        assert reply.messages and reply.messages[0].text, button.label
        assert resident.labels()[-2:] == ["⬅️ 返回", "🏠 首页"], button.label


def test_back_returns_to_parent_and_home_to_main_menu(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("服务站点")
    resident.press("潞源街道")
    resident.press("返回")
    assert "您在哪个镇或街道？" in resident.text
    resident.press("首页")
    assert "请选择服务" in resident.text


def test_station_choice_is_remembered_after_consent(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("同意")
    resident.press("服务站点")
    resident.press("台湖镇")
    assert "台湖镇公共法律服务工作站" in resident.text and "电话：12348" in resident.text
    assert "周一至周五 9:00-12:00、13:30-17:30" in resident.text
    resident.command("menu")
    resident.press("服务站点")
    assert "您当前的站点：台湖镇" in resident.text


def test_station_is_not_remembered_without_consent(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("暂不同意")
    resident.press("服务站点")
    resident.press("张家湾镇")
    assert "不会记住这个站点" in resident.text
    with assistant.sessions() as session:
        assert Repositories(session).users.find("test", "1001").station_id is None


def test_shared_location_finds_the_nearest_station(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("同意")
    resident.send_location(39.7600, 116.5500)
    assert "离您最近的站点" in resident.text and "马驹桥镇" in resident.text
    with assistant.sessions() as session:
        assert Repositories(session).users.find("test", "1001").station_id == "majuqiao"


def test_language_switch_changes_every_label(assistant):
    resident = Resident(assistant)
    resident.command("lang")
    resident.press("English")
    assert "Language set to English" in resident.text
    assert "💬 Legal consultation" in resident.labels()
    resident.press("Find my station")
    assert "Which town or street are you in?" in resident.text


def test_english_client_starts_in_english(assistant):
    resident = Resident(assistant, language="en-GB")
    resident.command("start")
    assert "Privacy notice" in resident.text


def test_withdrawing_consent_forgets_the_station(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("同意")
    resident.press("服务站点")
    resident.press("北苑街道")
    resident.command("privacy")
    assert "已同意" in resident.text
    resident.press("撤回同意")
    assert "已撤回同意" in resident.text
    with assistant.sessions() as session:
        user = Repositories(session).users.find("test", "1001")
        assert user.consent == "declined" and user.station_id is None


def test_legal_aid_asks_for_consent_before_starting_an_application(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("法律援助")
    assert "同意后才能开始" in resident.text and "10 MB" in resident.text


def test_cancel_returns_home_from_anywhere(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("服务站点")
    resident.command("cancel")
    assert "没有进行中的表单" in resident.text and "💬 法律咨询" in resident.labels()


def test_typing_a_menu_label_opens_that_screen(assistant):
    resident = Resident(assistant)
    resident.say("服务站点")
    assert "您在哪个镇或街道？" in resident.text


def test_position_survives_a_new_assistant_on_the_same_database(assistant, settings, clock, domain_services):
    from bot.services import build_assistant

    resident = Resident(assistant)
    resident.command("menu")
    resident.press("服务站点")
    restarted = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    try:
        after = Resident(restarted)
        after.send_media("sticker")
        assert "潞源街道" in after.labels()
        old_button_reply = after.press_data("go:home")
        assert "请选择服务" in old_button_reply.messages[0].text
    finally:
        restarted.close()


def test_home_text_comes_from_the_menu_file(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    assert resident.text == pick(assistant.content.menu.nodes["home"].text, "zh").strip()
