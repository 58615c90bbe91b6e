"""The catalogue on plain data: what a lecture shows, filters, pages, 我的记录 and suggestions after an answer."""

from bot.lectures.context import LectureContext
from bot.lectures.importer import load_demo
from tests.domain_helpers import Resident
from tests.lecture_helpers import add_lecture, consenting


def test_the_list_shows_title_topic_speaker_time_place_and_seats(assistant, clock):
    add_lecture(assistant, clock, title="工伤了怎么办", topic="labor", speaker="王律师", capacity=20, days=3)
    add_lecture(assistant, clock, title="线上：网购退货", topic="consumer", town=None, place="",
                online_url="https://meet.example.org/x", days=4)
    resident = Resident(assistant, user_id="4001")
    resident.command("menu")
    resident.press("法治微讲堂")
    text = resident.text
    assert "《工伤了怎么办》" in text and "🏷 劳动纠纷 · 👤 王律师" in text
    assert "11月29日（周日） 17:30–18:30" in text, "times are shown in Asia/Shanghai"
    assert "📍 潞源街道 · 潞源街道公共法律服务工作站" in text and "💺 剩余 20/20 个座位" in text
    assert "💻 线上讲座：https://meet.example.org/x" in text
    assert text.index("工伤了怎么办") < text.index("网购退货"), "soonest first"
    assert resident.labels()[-2:] == ["⬅️ 返回", "🏠 首页"]


def test_past_and_cancelled_lectures_are_not_listed(assistant, clock):
    add_lecture(assistant, clock, title="已经讲过了", days=0, hours=1)
    add_lecture(assistant, clock, title="还没开始", days=1)
    clock.advance(hours=2)
    resident = Resident(assistant, user_id="4011")
    resident.press_data("lec:p.all.all.1")
    assert "还没开始" in resident.text and "已经讲过了" not in resident.text


def test_filters_by_town_and_topic(assistant, clock):
    add_lecture(assistant, clock, title="潞源劳动讲座", topic="labor", town="luyuan")
    add_lecture(assistant, clock, title="台湖婚姻讲座", topic="family", town="taihu", place="社区中心")
    resident = consenting(assistant, "4021")
    resident.press_data("lec:p.all.all.1")
    resident.press("地区：")
    assert resident.labels()[:3] == ["全部地区", "潞源街道", "台湖镇"]
    resident.press("台湖镇")
    assert "台湖婚姻讲座" in resident.text and "潞源劳动讲座" not in resident.text
    resident.press("主题：")
    resident.press("劳动纠纷")
    assert "没有符合条件的讲座" in resident.text and "筛选：台湖镇 · 劳动纠纷" in resident.text


def test_the_residents_own_town_is_offered_first(assistant, clock):
    add_lecture(assistant, clock, town="luyuan")
    add_lecture(assistant, clock, town="songzhuang", place="宋庄工作站")
    resident = consenting(assistant, "4031")
    resident.press_data("st:songzhuang")
    resident.press_data("lec:fw.all")
    assert resident.labels()[:2] == ["全部地区", "宋庄镇"]


def test_many_lectures_are_paged_and_back_returns_to_the_same_page(assistant, clock):
    for day in range(1, 8):
        add_lecture(assistant, clock, title=f"第{day}讲", days=day)
    resident = consenting(assistant, "4041")
    resident.press_data("lec:p.all.all.1")
    assert "第 1/2 页" in resident.text and "第6讲" not in resident.text
    resident.press("下一页")
    assert "第6讲" in resident.text and "第1讲" not in resident.text
    resident.press("7. ")
    resident.press("返回")
    assert "第 2/2 页" in resident.text


def test_unknown_filters_and_lectures_expire_the_button(assistant, clock):
    resident = Resident(assistant, user_id="4051")
    resident.command("menu")
    for data in ("lec:p.atlantis.all.1", "lec:l.999", "lec:ft.nowhere", "lecb:999.1", "lecx:999.r", "lecics:999"):
        reply = resident.press_data(data)
        assert reply.notice and "已失效" in reply.notice, data


def test_my_records_lists_bookings_and_waitlist_places_with_cancel_buttons(assistant, clock):
    full = add_lecture(assistant, clock, title="满座讲座", capacity=1, days=2)
    open_ = add_lecture(assistant, clock, title="有座讲座", days=3)
    consenting(assistant, "4061").press_data(f"lecb:{full}.1")
    resident = consenting(assistant, "4062")
    resident.command("menu")
    resident.press("我的记录")
    assert "您暂时还没有" in resident.text
    resident.press_data(f"lecb:{open_}.2")
    resident.press_data(f"lecw:{full}.1")
    resident.command("menu")
    resident.press("我的记录")
    assert "1. ⏳ 候补第 1 位：《满座讲座》" in resident.text and "2. 《有座讲座》" in resident.text
    assert resident.labels()[:2] == ["🚪 退出候补 1. 满座讲座", "❌ 取消 2. 有座讲座"]


def test_an_answer_suggests_an_upcoming_lecture_on_its_topic(assistant, clock):
    resident = consenting(assistant, "4071")
    key = assistant.knowledge.by_topic["traffic"][0].key
    resident.press_data(f"kb:{key}")
    assert not any("相关讲座" in label for label in resident.labels())
    lecture_id = add_lecture(assistant, clock, title="交通事故后如何索赔", topic="traffic")
    add_lecture(assistant, clock, title="别的主题", topic="family")
    resident.press_data(f"kb:{key}")
    suggestion = [b for row in resident.screen.buttons for b in row if "相关讲座" in b.label]
    assert [b.data for b in suggestion] == [f"lec:l.{lecture_id}"]
    assert "交通事故后如何索赔" in suggestion[0].label
    assert resident.labels()[-3] == "🙋 转人工", "the suggestion sits above the staff button"


def test_demo_lectures_are_dated_from_today_and_loaded_once(assistant, clock):
    ctx = LectureContext.of(assistant)
    added = load_demo(assistant.sessions, ctx, clock.now)
    assert added >= 5
    assert load_demo(assistant.sessions, ctx, clock.now) == 0
    resident = Resident(assistant, user_id="4081")
    resident.press_data("lec:p.all.all.1")
    assert "11月28日（周六） 19:00–20:00" in resident.text, "two days after the fake clock's 26 November"
