"""The catalogue screens: lectures ahead with town and topic filters, one lecture, and the lecture part of 我的记录."""

from __future__ import annotations

import re

from bot.core.callbacks import go
from bot.core.content import MenuNode
from bot.core.messages import Button, Outbound
from bot.core.turn import Turn
from bot.db.models import Lecture
from bot.lectures import verbs, wording
from bot.lectures.context import LectureContext
from bot.lectures.desk import LectureDesk
from bot.lectures.repository import BOOKED, CANCELLED, WAITING
from bot.lectures.requests import NODE as REQUEST_NODE

NODE = "lectures"
ALL = "all"
DEFAULT_LIST = "p.all.all.1"
LIST_KEY = "lecture_list"  # conversation.data: the list a lecture was opened from, for its Back button
_LIST = re.compile(r"^p\.([a-z0-9_]{1,24})\.([a-z_]{1,24})\.(\d{1,3})$")
_FILTER = re.compile(r"^(fw|ft)\.([a-z0-9_]{1,24})$")
_LECTURE = re.compile(r"^l\.(\d{1,9})$")


def context(turn: Turn) -> LectureContext:
    return LectureContext.of(turn.assistant)


def _known_town(ctx: LectureContext, town: str) -> bool:
    return town == ALL or ctx.is_town(town)


def _known_topic(ctx: LectureContext, topic: str) -> bool:
    return topic == ALL or topic in ctx.topics


def resolves(turn: Turn, arg: str) -> bool:
    """Whether a lec: argument names a lecture that exists, or filters that do."""
    ctx = context(turn)
    if match := _LECTURE.match(arg):
        return turn.repos.lectures.catalogue.get(int(match[1])) is not None
    if match := _LIST.match(arg):
        return _known_town(ctx, match[1]) and _known_topic(ctx, match[2])
    if match := _FILTER.match(arg):
        return _known_topic(ctx, match[2]) if match[1] == "fw" else _known_town(ctx, match[2])
    return False


def catalogue_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """The list (p.<town>.<topic>.<page>), a filter to choose (fw.<topic>, ft.<town>) or one lecture (l.<id>)."""
    ctx = context(turn)
    if match := _LECTURE.match(arg):
        lecture = turn.repos.lectures.catalogue.get(int(match[1]))
        if lecture is not None:
            return lecture_screen(turn, ctx, lecture)
    if (match := _FILTER.match(arg)) and resolves(turn, arg):
        if match[1] == "fw":
            return town_chooser(turn, ctx, topic=match[2])
        return topic_chooser(turn, ctx, town=match[2])
    match = _LIST.match(arg)
    if match and resolves(turn, arg):
        return lecture_list(turn, ctx, node, match[1], match[2], int(match[3]))
    return lecture_list(turn, ctx, node, ALL, ALL, 1)


def _filter(value: str) -> str | None:
    return None if value == ALL else value


def _nav(turn: Turn, back_data: str) -> list[Button]:
    return [Button(turn.t("back"), back_data), Button(turn.t("home"), go(turn.assistant.content.menu.root))]


def _back_to_list(turn: Turn) -> str:
    return verbs.show(turn.conversation.data.get(LIST_KEY) or DEFAULT_LIST)


def lecture_list(turn: Turn, ctx: LectureContext, node: MenuNode, town: str, topic: str, page: int) -> Outbound:
    lang, catalogue, bookings = turn.lang, turn.repos.lectures.catalogue, turn.repos.lectures.bookings
    size = ctx.config.page_size
    total = catalogue.count_upcoming(turn.now, _filter(town), _filter(topic))
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    first = (page - 1) * size
    lectures = catalogue.upcoming(turn.now, _filter(town), _filter(topic), offset=first, limit=size)
    turn.conversation.data = {**turn.conversation.data, LIST_KEY: f"p.{town}.{topic}.{page}"}

    town_name = ctx.town_name(town, lang) if town != ALL else turn.t("lec_all_towns")
    topic_name = ctx.topic_name(topic, lang) if topic != ALL else turn.t("lec_all_topics")
    parts = [turn.t("lec_list_heading").strip(), turn.t("lec_filters", town=town_name, topic=topic_name)]
    if lectures:
        parts += [wording.card(ctx, lecture, lang, bookings.count_waiting(lecture.id), first + n)
                  for n, lecture in enumerate(lectures, 1)]
        if pages > 1:
            parts.append(turn.t("lec_page", page=page, pages=pages))
    else:
        parts.append(turn.t("lec_none_filtered" if (town, topic) != (ALL, ALL) else "lec_none").strip())

    rows = [[Button(wording.button_label(ctx, lecture, lang, f"{first + n}. "), verbs.show_lecture(lecture.id))]
            for n, lecture in enumerate(lectures, 1)]
    rows.append([
        Button(turn.t("lec_filter_town", town=town_name), verbs.show(f"fw.{topic}")),
        Button(turn.t("lec_filter_topic", topic=topic_name), verbs.show(f"ft.{town}")),
    ])
    pager = []
    if page > 1:
        pager.append(Button(turn.t("lec_previous_page"), verbs.show(f"p.{town}.{topic}.{page - 1}")))
    if page < pages:
        pager.append(Button(turn.t("more_questions"), verbs.show(f"p.{town}.{topic}.{page + 1}")))
    if pager:
        rows.append(pager)
    rows.append([turn.node_button(REQUEST_NODE)])
    return turn.screen(node, "\n\n".join(parts), rows=rows)


def town_chooser(turn: Turn, ctx: LectureContext, topic: str) -> Outbound:
    """Towns with lectures ahead, the resident's own first."""
    towns = turn.repos.lectures.catalogue.upcoming_towns(turn.now)
    own = turn.user.station_id
    towns.sort(key=lambda town: town != own)
    buttons = [Button(turn.t("lec_all_towns"), verbs.show(f"p.{ALL}.{topic}.1"))]
    buttons += [Button(ctx.town_name(town, turn.lang), verbs.show(f"p.{town}.{topic}.1")) for town in towns]
    rows = turn.grid(buttons) + [_nav(turn, _back_to_list(turn))]
    return Outbound(turn.t("lec_choose_town"), rows)


def topic_chooser(turn: Turn, ctx: LectureContext, town: str) -> Outbound:
    topics = turn.repos.lectures.catalogue.upcoming_topics(turn.now)
    buttons = [Button(turn.t("lec_all_topics"), verbs.show(f"p.{town}.{ALL}.1"))]
    buttons += [Button(ctx.topic_name(topic, turn.lang), verbs.show(f"p.{town}.{topic}.1")) for topic in topics]
    rows = turn.grid(buttons) + [_nav(turn, _back_to_list(turn))]
    return Outbound(turn.t("lec_choose_topic"), rows)


def lecture_screen(turn: Turn, ctx: LectureContext, lecture: Lecture, note: str = "") -> Outbound:
    """One lecture, and what the resident can do about it: book, queue, cancel, or fetch the calendar file."""
    lang, desk = turn.lang, LectureDesk(turn.repos, ctx, turn.now)
    booking = turn.repos.lectures.bookings.find(lecture.id, turn.user.id)
    waiting = turn.repos.lectures.bookings.count_waiting(lecture.id)
    parts = [note] if note else []
    parts.append(wording.card(ctx, lecture, lang, waiting))
    rows: list[list[Button]] = []
    if booking is not None and booking.status == BOOKED and lecture.status != CANCELLED:
        parts.append(turn.t("lec_you_booked", seats=booking.seats))
        row = [Button(turn.t("lec_calendar_button"), verbs.calendar(booking.id))]
        if desk.is_open(lecture):
            row.append(Button(turn.t("lec_cancel_booking"), verbs.ask_cancel(booking.id, verbs.FROM_LECTURE)))
        rows.append(row)
    elif booking is not None and booking.status == WAITING and desk.is_open(lecture):
        parts.append(turn.t("lec_you_wait", position=desk.position(booking), seats=booking.seats))
        rows.append([Button(turn.t("lec_leave_waitlist"), verbs.ask_cancel(booking.id, verbs.FROM_LECTURE))])
    elif not desk.is_open(lecture):
        parts.append(turn.t("lec_closed_cancelled" if lecture.status == CANCELLED else "lec_closed_started"))
    elif not turn.consented:
        parts.append(turn.t("lec_consent_needed").strip())
        rows.append([Button(turn.t("lec_consent_button"), verbs.consent(str(lecture.id)))])
    else:
        most, left = ctx.config.max_seats_per_booking, lecture.capacity - lecture.seats_taken
        if left > 0:
            parts.append(turn.t("lec_choose_seats"))
            rows.append([Button(turn.t("lec_book_seats", n=n), verbs.book(lecture.id, n))
                         for n in range(1, min(most, left) + 1)])
        else:
            parts.append(turn.t("lec_full_offer_waitlist"))
            rows.append([Button(turn.t("lec_wait_seats", n=n), verbs.wait(lecture.id, n)) for n in range(1, most + 1)])
    rows.append(_nav(turn, _back_to_list(turn)))
    return Outbound("\n\n".join(parts), rows)


def records_section(turn: Turn) -> tuple[str, list[list[Button]]]:
    """For 我的记录: the resident's bookings and waitlist places (each with a cancel button) and custom requests."""
    ctx, lang = context(turn), turn.lang
    repos = turn.repos.lectures
    parts, rows = [], []
    bookings = repos.bookings.current_for_user(turn.user.id, turn.now)
    if bookings:
        lines = [turn.t("lec_records_heading")]
        for n, booking in enumerate(bookings, 1):
            lecture = booking.lecture
            values = dict(number=n, title=wording.title(lecture, lang), when=wording.when(ctx, lecture, lang),
                          seats=booking.seats)
            if booking.status == BOOKED:
                lines.append(turn.t("lec_record_booked", **values))
                label = turn.t("lec_record_cancel", number=n, title=wording.title(lecture, lang))
            else:
                lines.append(turn.t("lec_record_waiting", position=repos.bookings.position(booking), **values))
                label = turn.t("lec_record_leave", number=n, title=wording.title(lecture, lang))
            rows.append([Button(label if len(label) <= 40 else label[:39] + "…",
                                verbs.ask_cancel(booking.id, verbs.FROM_RECORDS))])
        parts.append("\n".join(lines))
    requests = repos.requests.for_user(turn.user.id)
    if requests:
        lines = [turn.t("lec_requests_heading")]
        for request in requests:
            lecture = repos.catalogue.get(request.lecture_id) if request.lecture_id else None
            if request.status == "scheduled" and lecture is not None:
                lines.append(turn.t("lec_request_line_scheduled", reference=request.reference,
                                    title=wording.title(lecture, lang), when=wording.when(ctx, lecture, lang)))
            else:
                lines.append(turn.t("lec_request_line_new", reference=request.reference,
                                    organisation=request.organisation))
        parts.append("\n".join(lines))
    return "\n\n".join(parts), rows


def suggestion_rows(turn: Turn, topic: str) -> list[list[Button]]:
    """Under an answer on a topic: one button to the soonest lecture ahead on it, when there is one."""
    lecture = turn.repos.lectures.catalogue.next_on_topic(topic, turn.now, turn.user.station_id)
    if lecture is None:
        return []
    label = wording.button_label(context(turn), lecture, turn.lang, turn.t("lec_suggestion_prefix"))
    return [[Button(label, verbs.show_lecture(lecture.id))]]
