"""Legal consultation on plain data: cited answers, did-you-mean, honest misses, feedback and hot questions."""

import re

from bot.db.repositories import Repositories
from tests.domain_helpers import Resident


def consenting_resident(assistant, user_id="1001", station="zhongcang"):
    resident = Resident(assistant, user_id=user_id)
    resident.command("start")
    resident.press("同意")
    resident.press_data(f"st:{station}")
    return resident


def test_wage_question_gets_a_plain_answer_with_resolving_citations(assistant):
    resident = consenting_resident(assistant)
    resident.say("包工头跑路了 欠我们半年工钱 找谁要啊")
    text = resident.text
    assert text.startswith("❓ ") and "📖 法律依据：" in text
    headings = re.findall(r"· (《.+?》第.+?条)", text)
    assert headings, text
    entry = assistant.knowledge.by_key[resident.screen.buttons[0][0].data.split(":")[1]]
    assert entry.topic in {"labor", "construction"}
    assert headings == [article.heading() for article in assistant.knowledge.articles(entry)]
    assert resident.labels()[:3] == ["👍 有帮助", "👎 没帮助", "📖 查看法条"]
    assert "🙋 转人工" in resident.labels()


def test_view_law_shows_the_verbatim_articles(assistant):
    resident = consenting_resident(assistant)
    resident.say("离婚了孩子抚养权归谁")
    if resident.text.startswith("你想问的是不是"):
        resident.press_data(resident.screen.buttons[0][0].data)
    key = resident.screen.buttons[0][0].data.split(":")[1]
    entry = assistant.knowledge.by_key[key]
    reply = resident.press("查看法条")
    assert not reply.messages[0].replace, "the law comes as a new message under the answer"
    for article in assistant.knowledge.articles(entry):
        assert article.text in resident.text


def test_unhelpful_is_counted_once_per_resident_and_offers_staff(assistant, clock):
    resident = consenting_resident(assistant)
    key = assistant.knowledge.by_topic["traffic"][0].key
    resident.press_data(f"kb:{key}")
    resident.press("没帮助")
    assert "我们会改进这条回答" in resident.text and resident.labels()[0] == "🙋 转人工"
    resident.press_data(f"down:{key}")
    with assistant.sessions() as session:
        top = Repositories(session).question_counts.top_entries(clock.now.strftime("%Y-%m"))
    assert [(entry_id, unhelpful) for entry_id, _, _, unhelpful in top] == [(assistant.knowledge.by_key[key].id, 1)]


def test_vague_question_offers_did_you_mean_then_answers_the_pick(assistant):
    resident = consenting_resident(assistant)
    resident.say("钱的事")
    if "你想问的是不是" not in resident.text:
        assert "换个说法" in resident.text
        return
    choices = [b for row in resident.screen.buttons for b in row if b.data.startswith("kb:")]
    assert 1 <= len(choices) <= 3
    resident.press_data(choices[0].data)
    assert resident.text.startswith("❓ ")


def test_nonsense_is_answered_honestly_and_twice_offers_staff(assistant):
    resident = consenting_resident(assistant)
    resident.say("啊吧啊吧 嘀嘀嗒嗒 咕噜咕噜")
    assert "不想乱说" in resident.text or "只能回答法律方面" in resident.text
    assert resident.labels()[0] == "🙋 转人工"
    resident.say("呜啦啦 噼里啪啦 叮叮当当")
    assert "已为您直接转人工" in resident.text and "工单号 #" in resident.text


def test_out_of_scope_question_says_what_the_bot_can_do(assistant):
    resident = consenting_resident(assistant)
    resident.say("明天北京天气怎么样 会下雨吗")
    assert "只能回答法律方面的问题" in resident.text


def test_request_for_legal_aid_goes_to_the_green_channel(assistant):
    resident = consenting_resident(assistant)
    resident.say("我想申请法律援助 请不起律师")
    assert "法律援助绿色通道" in resident.text or resident.labels()[0] == "🟢 法律援助绿色通道"


def test_greeting_gets_small_talk(assistant):
    resident = consenting_resident(assistant)
    resident.say("你好呀")
    assert "直接打字问我" in resident.text


def test_topics_can_be_browsed_page_by_page(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("法律咨询")
    assert "用自己的话说" in resident.text and "劳动纠纷" in resident.labels()
    resident.press("劳动纠纷")
    assert "第 1/" in resident.text
    resident.press("下一页")
    assert "第 2/" in resident.text
    question = resident.screen.buttons[0][0]
    resident.press_data(question.data)
    assert resident.text.startswith("❓ ")
    resident.press("返回")
    assert "用自己的话说" in resident.text


def test_hot_questions_show_the_town_once_it_has_enough_and_the_district_before(assistant):
    asker = consenting_resident(assistant, user_id="2001", station="songzhuang")
    for _ in range(3):
        asker.say("包工头跑路了 欠我们半年工钱 找谁要啊")
    viewer = consenting_resident(assistant, user_id="2002", station="songzhuang")
    viewer.command("menu")
    viewer.press("本月热点")
    assert "全区" in viewer.text
    assistant.settings.hot_questions.min_town_questions = 3
    viewer.command("menu")
    viewer.press("本月热点")
    assert "宋庄镇居民最常问" in viewer.text
    asked = asker.screen.buttons[0][0].data
    assert asked in [b.data.replace("kb:", "up:") for row in viewer.screen.buttons for b in row]


def test_hot_questions_before_any_question_show_common_ones(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("本月热点")
    assert "提问还不多" in resident.text and len(resident.labels()) > 2


def test_english_question_gets_the_english_answer(assistant):
    resident = Resident(assistant, language="en")
    resident.command("start")
    resident.press("I agree")
    resident.say("包工头欠我工资不给怎么办")
    if resident.text.startswith("Did you mean"):
        resident.press_data(resident.screen.buttons[0][0].data)
    key = resident.screen.buttons[0][0].data.split(":")[1]
    entry = assistant.knowledge.by_key[key]
    assert "📖 Legal basis:" in resident.text and entry.answer["en"] in resident.text
