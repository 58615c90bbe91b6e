"""Knowledge retrieval: ranking, the topic prior, calibrated scores and related entries."""

import json
from pathlib import Path

import pytest

from bot.knowledge.entries import Entry, load_entries
from bot.knowledge.retrieval import CONFIDENT, PLAUSIBLE, Match, Retriever, calibrated
from bot.nlu.embedded import load_nlu_examples

ROOT = Path(__file__).resolve().parent.parent
NOT_LEGAL = {"out_of_scope", "greet", "thanks", "goodbye", "affirm", "deny"}
NONSENSE = [
    "asdfghjkl", "今天股票涨了没有", "我家猫不吃饭怎么办", "推荐一本好看的小说", "周末带孩子去哪玩",
    "帮我写一首关于秋天的诗", "红烧肉怎么做才好吃", "电脑蓝屏了怎么修", "哈哈哈哈哈", "😂😂😂", "？？？",
    "明天几点日出", "月球离地球有多远", "我想学游泳", "世界杯谁夺冠了", "帮我翻译一下hello world",
    "给我推荐个手机", "头疼吃什么药好", "怎么减肥最快",
]


def entry(entry_id: str, topic: str, question: str, *phrasings: str) -> Entry:
    return Entry(id=entry_id, topic=topic, question={"zh": question, "en": entry_id}, answer={"zh": "", "en": ""},
                 phrasings=phrasings, citations=(), reviewed=None)


SMALL = [
    entry("labor.foreman", "labor", "包工头跑了 工资找谁要", "工头卷钱跑了 工钱咋办", "干了半年活包工头联系不上"),
    entry("labor.dismissal", "labor", "公司辞退我不给补偿", "被开除了有没有赔偿金", "公司裁员给多少补偿"),
    entry("labor.overtime", "labor", "加班费怎么算", "周末加班公司不给钱", "天天加班没有加班费"),
    entry("family.divorce", "family", "协议离婚怎么办手续", "去民政局离婚要带什么", "离婚冷静期多久"),
    entry("family.custody", "family", "离婚后孩子抚养权归谁", "孩子跟谁过怎么判", "抚养费一个月给多少"),
    entry("debt.loan", "debt", "借钱不还怎么起诉", "朋友借了钱不还", "借条过期了还能要钱吗"),
    entry("tort.deposit", "tort", "押金不退怎么办", "退房的时候押金不给退", "押金被扣光了"),
    entry("labor.deposit", "labor", "入职押金不退怎么办", "离职的时候押金不给退", "工作押金被扣了"),
]


@pytest.fixture(scope="module")
def small() -> Retriever:
    return Retriever(SMALL)


def test_exact_and_paraphrased_questions_find_their_entry(small):
    assert small.search("包工头跑了 工资找谁要")[0].entry.id == "labor.foreman"
    assert small.search("包工头不见了 我的工钱谁给")[0].entry.id == "labor.foreman"
    assert small.search("离了婚孩子判给谁")[0].entry.id == "family.custody"


def test_matches_are_sorted_scored_between_zero_and_one_and_limited(small):
    matches = small.search("离婚 孩子 抚养费", limit=2)
    assert len(matches) == 2 and all(isinstance(match, Match) for match in matches)
    assert all(0.0 <= match.score <= 1.0 for match in matches)
    assert matches[0].score >= matches[1].score
    assert 2 < len(small.search("离婚 孩子 抚养费", limit=5)) <= 5
    assert small.search("离婚", limit=0) == []


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "？？！！", "zzqqxx"])
def test_text_sharing_nothing_with_the_knowledge_base_finds_nothing(small, text):
    assert small.search(text) == []


def test_topic_prior_decides_between_equally_good_entries(small):
    plain = [match.entry.id for match in small.search("押金不退怎么办", limit=2)]
    assert set(plain) == {"tort.deposit", "labor.deposit"}
    towards_labor = small.search("押金不退怎么办", {"labor": 0.9, "tort": 0.1}, limit=2)
    towards_tort = small.search("押金不退怎么办", {"labor": 0.1, "tort": 0.9}, limit=2)
    assert towards_labor[0].entry.id == "labor.deposit"
    assert towards_tort[0].entry.id == "tort.deposit"


def test_a_likely_topic_raises_the_score(small):
    neutral = small.search("周末加班的钱怎么算", {"labor": 0.2, "family": 0.2})[0]
    likely = small.search("周末加班的钱怎么算", {"labor": 1.0})[0]
    assert likely.entry == neutral.entry and likely.score > neutral.score


def test_calibration_rewards_a_strong_clear_match():
    assert calibrated(0.0, 0.0, None) == 0.0
    assert calibrated(60, 10, 0.9) > calibrated(60, 55, 0.9) > calibrated(5, 4, 0.9)
    assert calibrated(60, 10, 0.9) > calibrated(60, 10, 0.1)
    assert calibrated(1e-9, 1e6, 0.5) == 0.0 and 0.0 < calibrated(1e-9, 1e-9, None) < 0.01


def test_related_entries_stay_in_the_topic_and_exclude_the_entry(small):
    foreman = SMALL[0]
    related = small.related(foreman)
    assert len(related) == 2
    assert all(other.topic == "labor" and other.id != foreman.id for other in related)
    assert small.related(foreman, limit=10) == [e for e in small.related(foreman, limit=10) if e.topic == "labor"]
    assert len(small.related(foreman, limit=10)) == 3
    assert small.related(SMALL[5]) == []  # debt has no other entry
    assert small.related(entry("unknown", "labor", "不在索引里")) == []


def test_held_out_paraphrases_and_off_topic_messages():
    """Measured without the topic prior (the bot adds it; bench/nlu.py measures both): top-1 0.831,
    top-3 0.948 (512 entries); since calibrating on real questions, few are confident without the
    prior (3%, all right; through the bot, with the prior, 3% too: bench/consult_real.py); most
    off-topic messages below PLAUSIBLE (the NLU's out_of_scope and chat intents catch most of the
    rest before retrieval decides)."""
    retriever = Retriever(load_entries(ROOT / "knowledge" / "entries"))
    lines = [json.loads(line) for path in sorted((ROOT / "tests" / "data" / "kb_heldout").glob("*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()]
    top1 = top3 = confident = confident_right = 0
    for line in lines:
        matches = retriever.search(line["text"])
        found = [match.entry.id for match in matches]
        top1 += found[:1] == [line["entry_id"]]
        top3 += line["entry_id"] in found
        if matches and matches[0].score >= CONFIDENT:
            confident += 1
            confident_right += found[0] == line["entry_id"]
    assert top3 / len(lines) >= 0.90
    assert top1 / len(lines) >= 0.79
    assert confident_right / confident >= 0.95 and confident / len(lines) >= 0.02

    heldout = [json.loads(line) for line in (ROOT / "nlu" / "tests" / "heldout.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    off_topic = ([text for text, intent in load_nlu_examples(ROOT / "nlu" / "data") if intent in NOT_LEGAL]
                 + [line["text"] for line in heldout if line["intent"] in NOT_LEGAL] + NONSENSE)
    below = [not (matches := retriever.search(text)) or matches[0].score < PLAUSIBLE for text in off_topic]
    assert sum(below) / len(off_topic) >= 0.45
