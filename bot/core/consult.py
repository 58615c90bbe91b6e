"""Legal consultation: understand a free-text question and answer it from the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.callbacks import go
from bot.core.content import MenuNode
from bot.core.messages import Button, Outbound, Outcome, Reply
from bot.core.turn import Turn
from bot.knowledge.entries import Entry
from bot.knowledge.problems import separate_problems
from bot.knowledge.retrieval import CONFIDENT, PLAUSIBLE, PLAUSIBLE_ENGLISH, Match
from bot.nlu.labels import TOPICS_SHOWN, Interpretation
from bot.nlu.tokens import is_english
from bot.lectures.catalogue import suggestion_rows as lecture_suggestions
from bot.mediation.offer import offer_rows as mediation_offer  # mediation (t14)

NODE = "consult"
QUESTIONS_PER_PAGE = 8
MISSES_BEFORE_STAFF = 2
RATED_MEMORY = 20
TOPIC_SURE = 0.6
# "Did you mean" lists this many entries: on the real questions' tune split the right entry is in
# the top five far more often than in the top three (bench/consult_real.py), and a list is never a
# wrong answer.
SUGGESTIONS = 5
SEVERAL_SHOWN = 6  # each problem's entry first, then the whole message's best matches
SERVICE_INTENTS = {"legal_aid": "aid", "book_lecture": "lectures", "human": "human", "my_records": "records"}
SMALL_TALK = {"greet": "greet_reply", "thanks": "thanks_reply", "goodbye": "goodbye_reply",
              "affirm": "yes_no_reply", "deny": "yes_no_reply"}


def month_of(turn: Turn) -> str:
    return turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).strftime("%Y-%m")


def town_of(turn: Turn) -> str:
    return turn.user.station_id or ""


def label(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Understanding:
    """NLU and retrieval on one text: slow work, done before the turn's transaction so no lock waits for it."""

    text: str
    meaning: Any
    matches: list
    on_topic: list
    several: list
    english: bool

    @classmethod
    def of(cls, assistant, text: str) -> Understanding:
        english = is_english(text)
        if english:
            # The NLU models are Chinese: English is matched to the entries' English text directly.
            matches = assistant.retriever.search(text, None, limit=SUGGESTIONS)
            meaning = english_reading(matches)
        else:
            meaning = assistant.nlu.parse(text)
            matches = assistant.retriever.search(text, dict(meaning.topics), limit=SUGGESTIONS)
        topic = meaning.topic or "other"
        on_topic = [m.entry for m in assistant.retriever.search(text, {topic: 1.0}, limit=12) if m.entry.topic == topic]
        several = separate_problems(assistant.retriever, text) if meaning.intent != "out_of_scope" else []
        return cls(text, meaning, matches, on_topic, several, english)


def understand(turn: Turn, text: str) -> Understanding:
    """What was worked out before the transaction, or, when the turn took another path, worked out now."""
    understood = turn.understood
    if isinstance(understood, Understanding) and understood.text == text:
        return understood
    return Understanding.of(turn.assistant, text)


def ask(turn: Turn, text: str) -> Reply:
    """Answer a question typed in the user's own words, or route it to the service it asks for."""
    from bot.core import screens

    assistant = turn.assistant
    understood = understand(turn, text)
    meaning, matches = understood.meaning, understood.matches
    plausible = PLAUSIBLE_ENGLISH if understood.english else PLAUSIBLE
    sure = meaning.confidence >= assistant.settings.nlu.intent_threshold
    if meaning.intent in SMALL_TALK and sure:
        current = assistant.current_screen(turn)
        return Reply([Outbound(turn.t(SMALL_TALK[meaning.intent]).strip(), current.buttons)],
                     outcome=Outcome("small_talk", topic=meaning.topic,
                                     topics=tuple(topic for topic, _ in meaning.topics)))
    topic = meaning.topic or "other"
    turn.conversation.data = {**turn.conversation.data, "last_topic": topic}
    best = matches[0] if matches else None

    def shown(kind: str, outbound: Outbound, entries: list[Entry]) -> Reply:
        return Reply([outbound], outcome=Outcome(kind, tuple(entry.id for entry in entries), meaning.topic,
                                                 tuple(topic for topic, _ in meaning.topics)))

    if meaning.intent in SERVICE_INTENTS and sure:
        service = SERVICE_INTENTS[meaning.intent]
        if best is not None and best.score >= CONFIDENT:
            # "谁能申请法律援助" deserves its answer as well as the way to the service.
            answer = open_entry(turn, best.entry)
            answer.buttons.insert(0, [turn.node_button(service)])
            return shown("answer", answer, [best.entry])
        # A request for a person opens a ticket at once; the arg tells staff how it was opened.
        outbound = screens.show_node(turn, service, "nlu" if service == "human" else "")
        node = assistant.content.menu.nodes[service]
        outbound.text = f"{turn.t('intent_redirect', service=turn.plain_label(node))}\n\n{outbound.text}"
        return shown("handoff" if service == "human" else "service", outbound, [])
    several = understood.several
    if several:
        offered = [m.entry for m in several]
        offered += [m.entry for m in matches if m.entry not in offered]
        offered = offered[:SEVERAL_SHOWN]
        return shown("suggest", did_you_mean(turn, offered, "several_problems"), offered)
    if best is not None and best.score >= CONFIDENT and meaning.intent != "out_of_scope":
        return shown("answer", open_entry(turn, best.entry), [best.entry])
    if best is not None and best.score >= plausible and meaning.intent != "out_of_scope":
        offered = [m.entry for m in matches]
        return shown("suggest", did_you_mean(turn, offered), offered)
    if meaning.intent == "consult" and meaning.topics and meaning.topics[0][1] >= TOPIC_SURE:
        offered = questions_on_topic(turn, understood, topic)
        return shown("suggest", did_you_mean(turn, offered), offered)
    outbound, handed_over = nothing_fits(turn, topic, out_of_scope=meaning.intent == "out_of_scope")
    return shown("handoff" if handed_over else "miss", outbound, [])


def english_reading(matches: list[Match]) -> Interpretation:
    """A question, about the topics of the entries it matches, each as likely as its best match."""
    topics: dict[str, float] = {}
    for match in matches:
        topics.setdefault(match.entry.topic, match.score)
    ranked = list(topics.items())[:TOPICS_SHOWN]
    return Interpretation("consult", 1.0, ranked[0][0] if ranked else None, ranked)


def questions_on_topic(turn: Turn, understood: Understanding, topic: str) -> list[Entry]:
    """The topic's entries closest to the text, for a question that is clearly about the topic but matches nothing well."""
    near = list(understood.on_topic)
    for entry in turn.assistant.knowledge.by_topic.get(topic, []):
        if entry not in near:
            near.append(entry)
    return near[:SUGGESTIONS]


def open_entry(turn: Turn, entry: Entry) -> Outbound:
    """Show an answer and count the question."""
    from bot.core import screens

    turn.repos.question_counts.bump(month_of(turn), town_of(turn), entry.topic, entry.id, asked=1)
    turn.conversation.data = {**turn.conversation.data, "misses": 0}
    return screens.show_node(turn, NODE, f"e.{entry.key}")


def record_miss(turn: Turn, topic: str) -> int:
    """Count an unanswered question under its topic; return how many in a row went unanswered."""
    turn.repos.question_counts.bump(month_of(turn), town_of(turn), topic, "", asked=1)
    misses = turn.conversation.data.get("misses", 0) + 1
    turn.conversation.data = {**turn.conversation.data, "misses": misses}
    return misses


def did_you_mean(turn: Turn, entries: list[Entry], heading: str = "did_you_mean") -> Outbound:
    node = turn.assistant.content.menu.nodes[NODE]
    rows = [[Button(label(e.question[turn.lang]), f"kb:{e.key}")] for e in entries]
    rows.append([Button(turn.t("none_of_these"), go("human"))])
    return turn.screen(node, turn.t(heading), rows=rows)


def nothing_fits(turn: Turn, topic: str, out_of_scope: bool) -> tuple[Outbound, bool]:
    """Say nothing fits; the flag is true when this miss handed the resident to staff."""
    from bot.core import screens

    misses = record_miss(turn, topic if not out_of_scope else "other")
    opening = turn.t("out_of_scope_reply" if out_of_scope else "nothing_fits").strip()
    if misses >= MISSES_BEFORE_STAFF:
        # Two misses in a row: a person takes over instead of a third guess.
        turn.conversation.data = {**turn.conversation.data, "misses": 0}
        ticket = screens.show_node(turn, "human", "misses")
        ticket.text = f"{opening}\n\n{turn.t('offer_staff_after_misses').strip()}\n\n{ticket.text}"
        return ticket, True
    outbound = screens.show_node(turn, NODE)
    outbound.text = opening
    outbound.buttons.insert(0, [Button(turn.t("ask_staff"), go("human"))])
    return outbound, False


def consult_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """The consultation home (topics), a topic's questions (t.<topic>.<page>) or an answer (e.<key>)."""
    kind, _, rest = arg.partition(".")
    if kind == "e" and rest in turn.assistant.knowledge.by_key:
        return answer_screen(turn, node, turn.assistant.knowledge.by_key[rest])
    if kind == "t":
        topic, _, page = rest.rpartition(".")
        if topic in turn.assistant.knowledge.by_topic and page.isdigit():
            return topic_screen(turn, node, topic, int(page))
    kb = turn.assistant.knowledge
    topics = [Button(kb.topic_name(topic, turn.lang), f"tp:{topic}") for topic in kb.topics]
    return turn.screen(node, turn.t("consult_prompt"), topics)


def topic_screen(turn: Turn, node: MenuNode, topic: str, page: int) -> Outbound:
    entries = turn.assistant.knowledge.by_topic[topic]
    pages = max(1, -(-len(entries) // QUESTIONS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * QUESTIONS_PER_PAGE : page * QUESTIONS_PER_PAGE]
    rows = [[Button(label(e.question[turn.lang]), f"kb:{e.key}")] for e in shown]
    if page < pages:
        rows.append([Button(turn.t("more_questions"), f"tp:{topic}.{page + 1}")])
    name = turn.assistant.knowledge.topic_name(topic, turn.lang)
    return turn.screen(node, turn.t("topic_questions", topic=name, page=page, pages=pages), rows=rows, back=NODE)


def answer_text(turn: Turn, entry: Entry) -> str:
    kb = turn.assistant.knowledge
    basis = "\n".join(f"· {article.heading()}" for article in kb.articles(entry))
    parts = [f"❓ {entry.question[turn.lang]}", entry.answer[turn.lang], f"{turn.t('legal_basis')}\n{basis}"]
    reviewed = turn.t("reviewed_on", date=entry.reviewed.isoformat()) if entry.reviewed else ""
    parts.append(f"{turn.t('answer_disclaimer').strip()}{reviewed}")
    return "\n\n".join(parts)


def answer_screen(turn: Turn, node: MenuNode, entry: Entry, note: str = "") -> Outbound:
    rated = entry.key in turn.conversation.data.get("rated", [])
    rows = []
    if not rated:
        rows.append([Button(turn.t("helpful"), f"up:{entry.key}"), Button(turn.t("unhelpful"), f"down:{entry.key}")])
    rows.append([Button(turn.t("view_law"), f"law:{entry.key}")])
    for related in turn.assistant.retriever.related(entry, limit=2):
        rows.append([Button(label(turn.t("related_prefix") + related.question[turn.lang]), f"kb:{related.key}")])
    rows += lecture_suggestions(turn, entry.topic)
    rows += mediation_offer(turn, entry.topic)  # mediation (t14)
    rows.append([Button(turn.t("ask_staff"), go("human"))])
    text = answer_text(turn, entry)
    if note:
        text = f"{note}\n\n{text}"
    return turn.screen(node, text, rows=rows, back=NODE)


def rate(turn: Turn, entry: Entry, helpful: bool) -> Outbound:
    """Count a 有帮助/没帮助 press once per user and entry, and thank them."""
    rated = list(turn.conversation.data.get("rated", []))
    if entry.key not in rated:
        counts = {"helpful": 1} if helpful else {"unhelpful": 1}
        turn.repos.question_counts.bump(month_of(turn), town_of(turn), entry.topic, entry.id, **counts)
        rated = (rated + [entry.key])[-RATED_MEMORY:]
        turn.conversation.data = {**turn.conversation.data, "rated": rated}
    turn.conversation.screen = NODE
    turn.conversation.data = {**turn.conversation.data, "arg": f"e.{entry.key}"}
    note = turn.t("feedback_thanks_helpful" if helpful else "feedback_thanks_unhelpful").strip()
    outbound = answer_screen(turn, turn.assistant.content.menu.nodes[NODE], entry, note)
    if not helpful:
        outbound.buttons.insert(0, [Button(turn.t("ask_staff"), go("human"))])
    return outbound


def law_text(turn: Turn, entry: Entry) -> Reply:
    """The verbatim articles behind an answer, as a new message under it."""
    kb = turn.assistant.knowledge
    blocks = [turn.t("law_text_heading").strip()]
    for article in kb.articles(entry):
        block = f"【{article.heading()}】\n{article.text}"
        caveat = kb.caveats.get(article.law_id)
        if caveat:
            block = f"{block}\n{caveat['en' if turn.lang == 'en' else 'zh']}"
        blocks.append(block)
    back = [[Button(turn.t("back"), f"kb:{entry.key}"), Button(turn.t("home"), go("home"))]]
    return Reply([Outbound("\n\n".join(blocks), back)])


def hot_questions(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """This month's most asked questions in the user's town, or district-wide when the town has too few."""
    settings = turn.assistant.settings.hot_questions
    counts, month, town = turn.repos.question_counts, month_of(turn), town_of(turn)
    kb = turn.assistant.knowledge
    station = turn.assistant.stations.get(town)
    if station is not None and counts.total_asked(month, town) >= settings.min_town_questions:
        top, heading = counts.top_entries(month, town, settings.limit), turn.t("hot_in_town", town=station.name(turn.lang))
    else:
        top, heading = counts.top_entries(month, None, settings.limit), turn.t("hot_in_district")
    entries = [kb.by_id[entry_id] for entry_id, *_ in top if entry_id in kb.by_id]
    if not entries:
        heading = turn.t("hot_starter")
        entries = [topic_entries[0] for topic_entries in kb.by_topic.values() if topic_entries][: settings.limit]
    rows = [[Button(label(e.question[turn.lang]), f"kb:{e.key}")] for e in entries]
    return turn.screen(node, heading, rows=rows)
