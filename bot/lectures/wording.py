"""How a lecture is described to a resident, in their language and the district's time zone."""

from __future__ import annotations

from bot.db.models import Lecture
from bot.lectures.context import LectureContext


def title(lecture: Lecture, lang: str) -> str:
    return (lecture.title_en if lang == "en" and lecture.title_en else lecture.title).strip()


def place(lecture: Lecture, lang: str) -> str:
    return (lecture.place_en if lang == "en" and lecture.place_en else lecture.place).strip()


def day(ctx: LectureContext, lecture: Lecture, lang: str) -> str:
    """11月29日（周六）, or Sat 29 Nov."""
    start = ctx.local(lecture.starts_at)
    weekday = ctx.t("weekdays", lang)[start.weekday()]
    month = ctx.t("month_names", lang)[start.month - 1]
    return ctx.t("lec_date", lang, month=month, day=start.day, weekday=weekday)


def when(ctx: LectureContext, lecture: Lecture, lang: str) -> str:
    start, end = ctx.local(lecture.starts_at), ctx.local(lecture.ends_at)
    return ctx.t("lec_when", lang, date=day(ctx, lecture, lang), start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def where(ctx: LectureContext, lecture: Lecture, lang: str) -> str:
    if lecture.online_url:
        return ctx.t("lec_where_online", lang, url=lecture.online_url)
    town = ctx.town_name(lecture.town, lang) if lecture.town else ""
    return ctx.t("lec_where", lang, place=" · ".join(part for part in (town, place(lecture, lang)) if part))


def speaker(ctx: LectureContext, lecture: Lecture, lang: str) -> str:
    return lecture.speaker.strip() or ctx.t("lec_speaker_tbd", lang)


def seats(ctx: LectureContext, lecture: Lecture, waiting: int, lang: str) -> str:
    left = lecture.capacity - lecture.seats_taken
    if left > 0:
        return ctx.t("lec_seats_left", lang, left=left, capacity=lecture.capacity)
    return ctx.t("lec_seats_full", lang, waiting=waiting)


def card(
    ctx: LectureContext, lecture: Lecture, lang: str, waiting: int | None = None, number: int | None = None
) -> str:
    """The lecture in five lines: title; topic and speaker; when; where; seats (left out when waiting is None)."""
    lines = [
        ctx.t("lec_card_title", lang, number=f"{number}. " if number else "", title=title(lecture, lang)),
        ctx.t("lec_card_who", lang, topic=ctx.topic_name(lecture.topic, lang), speaker=speaker(ctx, lecture, lang)),
        f"🕖 {when(ctx, lecture, lang)}",
        where(ctx, lecture, lang),
    ]
    if waiting is not None:
        lines.append(seats(ctx, lecture, waiting, lang))
    return "\n".join(lines)


def button_label(ctx: LectureContext, lecture: Lecture, lang: str, prefix: str = "", limit: int = 40) -> str:
    start = ctx.local(lecture.starts_at)
    month_name = ctx.t("month_names", lang)[start.month - 1]
    text = ctx.t("lec_button", lang, prefix=prefix, month=start.month, month_name=month_name, day=start.day,
                 title=title(lecture, lang))
    return text if len(text) <= limit else text[: limit - 1] + "…"
