"""The in-process intent classifier, its training-data readers and the shared reading of rankings."""

import json
import math
from pathlib import Path

import pytest

from bot.knowledge.entries import Entry, load_entries
from bot.nlu.embedded import EmbeddedClassifier, kb_examples, load_nlu_examples
from bot.nlu.labels import interpret, rasa_ranking
from bot.knowledge.tokens import char_ngrams, normalise, tokens

ROOT = Path(__file__).resolve().parent.parent

SMALL = [
    ("你好", "greet"), ("您好 在吗", "greet"), ("有人吗", "greet"), ("hello", "greet"),
    ("老板欠我工资不给", "consult_labor"), ("公司拖欠工资三个月", "consult_labor"),
    ("工地干活包工头不给钱", "consult_labor"), ("被公司辞退了没有补偿", "consult_labor"),
    ("我想离婚 孩子归谁", "consult_family"), ("老公要离婚 抚养权怎么判", "consult_family"),
    ("彩礼能要回来吗", "consult_family"), ("离婚财产怎么分", "consult_family"),
    ("被车撞了 对方不赔", "consult_traffic"), ("交通事故责任认定不服", "consult_traffic"),
    ("电动车撞了行人怎么办", "consult_traffic"), ("出车祸了保险公司不赔", "consult_traffic"),
]


@pytest.fixture(scope="module")
def small() -> EmbeddedClassifier:
    return EmbeddedClassifier.train(SMALL)


def test_tokens_normalise_width_case_punctuation_and_emoji():
    assert normalise("ＡＢＣ，老板欠薪！！😡 2.5万。") == "abc 老板欠薪 2.5万"
    assert "老板" in tokens("老板欠我工资😡")
    assert tokens("😡😡！！") == [] and tokens("") == []
    assert char_ngrams("你好，世界", 1, 2) == ["你", "好", "你好", "世", "界", "世界"]


def test_ranking_lists_every_intent_best_first_summing_to_one(small):
    ranking = small.rank("老板拖欠我的工资")
    assert sorted(intent for intent, _ in ranking) == sorted({intent for _, intent in SMALL})
    assert math.isclose(sum(probability for _, probability in ranking), 1.0)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)
    assert ranking[0][0] == "consult_labor"


def test_unseen_paraphrases_find_their_intent(small):
    assert small.rank("离婚以后孩子抚养权")[0][0] == "consult_family"
    assert small.rank("骑电动车被汽车撞了")[0][0] == "consult_traffic"
    assert small.rank("您好")[0][0] == "greet"


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "！？。", "量子纠缠薛定谔zzz"])
def test_empty_emoji_or_unknown_text_gives_a_low_confidence_ranking(small, text):
    ranking = small.rank(text)
    assert len(ranking) == 4
    assert ranking[0][1] < 0.5


def test_nothing_known_is_exactly_uniform(small):
    probabilities = [p for _, p in small.rank("😀🙏")]
    assert max(probabilities) - min(probabilities) < 1e-12


def test_training_without_examples_is_an_error():
    with pytest.raises(ValueError):
        EmbeddedClassifier.train([])


def test_rasa_files_are_read_recursively_without_entity_markup(tmp_path):
    (tmp_path / "consult").mkdir()
    (tmp_path / "consult" / "labor.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: consult_labor\n  examples: |\n'
        "    - 老板欠我[两万](amount)工资\n    - 在[朝阳]{\"entity\": \"district\"}工地干活不给钱\n\n"
        "- synonym: 工钱\n  examples: |\n    - 工资\n", encoding="utf-8")
    (tmp_path / "chitchat.yml").write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - 你好\n    -   \n    - 在吗\n", encoding="utf-8")
    assert load_nlu_examples(tmp_path) == [
        ("你好", "greet"), ("在吗", "greet"),
        ("老板欠我两万工资", "consult_labor"), ("在朝阳工地干活不给钱", "consult_labor"),
    ]


def test_kb_examples_are_question_and_phrasings_under_the_topic_intent():
    entry = Entry(id="labor.x", topic="labor", question={"zh": "包工头跑了怎么办", "en": "x"}, answer={},
                  phrasings=("工头卷钱跑了", "工钱找谁要"), citations=(), reviewed=None)
    assert kb_examples([entry]) == [("包工头跑了怎么办", "consult_labor"), ("工头卷钱跑了", "consult_labor"),
                                    ("工钱找谁要", "consult_labor")]


def test_interpretation_reads_consult_intents_as_topics():
    reading = interpret([("greet", 0.1), ("consult_labor", 0.5), ("consult_family", 0.3), ("thanks", 0.05),
                         ("consult_debt", 0.04), ("consult_tort", 0.01)])
    assert reading.intent == "consult" and reading.confidence == 0.5 and reading.topic == "labor"
    assert [topic for topic, _ in reading.topics] == ["labor", "family", "debt"]
    assert math.isclose(reading.topics[0][1], 0.5 / 0.85)


def test_interpretation_keeps_service_intents_and_still_names_a_topic():
    reading = interpret([("consult_labor", 0.2), ("legal_aid", 0.7), ("greet", 0.1)])
    assert reading.intent == "legal_aid" and reading.topic == "labor" and reading.topics == [("labor", 1.0)]
    assert interpret([("greet", 1.0)]).topic is None
    assert interpret([]).confidence == 0.0


def test_rasa_parse_is_read_in_ranking_order():
    parse = {"intent": {"name": "consult_debt", "confidence": 0.6},
             "intent_ranking": [{"name": "consult_debt", "confidence": 0.6},
                                {"name": "nlu_fallback", "confidence": 0.3},
                                {"name": "consult_labor", "confidence": 0.1}]}
    reading = interpret(rasa_ranking(parse))
    assert reading.topic == "debt" and [t for t, _ in reading.topics] == ["debt", "labor"]


def test_held_out_messages_are_read_well_enough():
    """Measured: topic top-1 0.919, top-3 0.984, exact intent 0.911 on the 381/503 held-out lines."""
    examples = load_nlu_examples(ROOT / "nlu" / "data") + kb_examples(load_entries(ROOT / "knowledge" / "entries"))
    classifier = EmbeddedClassifier.train(examples)
    lines = [json.loads(line) for line in (ROOT / "nlu" / "tests" / "heldout.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    top1 = top3 = consult = exact = 0
    for line in lines:
        reading = interpret(classifier.rank(line["text"]))
        predicted = f"consult_{reading.topic}" if reading.intent == "consult" else reading.intent
        exact += predicted == line["intent"]
        if line["intent"].startswith("consult_"):
            topics = [topic for topic, _ in reading.topics]
            consult += 1
            top1 += topics[:1] == [line["topic"]]
            top3 += line["topic"] in topics
    assert top3 / consult >= 0.95
    assert top1 / consult >= 0.88
    assert exact / len(lines) >= 0.87
