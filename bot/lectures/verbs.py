"""Button data of the lecture feature: its verbs, and how their arguments are written."""

from __future__ import annotations

from bot.core.callbacks import Action

SHOW = "lec"  # lec:<screen arg>: the list (p.<town>.<topic>.<page>), a filter (fw/ft) or one lecture (l.<id>)
BOOK = "lecb"  # lecb:<lecture id>.<seats>
WAIT = "lecw"  # lecw:<lecture id>.<seats>
ASK_CANCEL = "lecx"  # lecx:<booking id>.<l|r>, l and r saying where to come back to: the lecture or 我的记录
CANCEL = "lecy"  # lecy:<booking id>.<l|r>
CALENDAR = "lecics"  # lecics:<booking id>
CONSENT = "lecok"  # lecok:<lecture id>

FROM_LECTURE, FROM_RECORDS = "l", "r"


def show(arg: str) -> str:
    return Action(SHOW, arg).encode()


def show_lecture(lecture_id: int) -> str:
    return show(f"l.{lecture_id}")


def book(lecture_id: int, seats: int) -> str:
    return Action(BOOK, f"{lecture_id}.{seats}").encode()


def wait(lecture_id: int, seats: int) -> str:
    return Action(WAIT, f"{lecture_id}.{seats}").encode()


def ask_cancel(booking_id: int, origin: str) -> str:
    return Action(ASK_CANCEL, f"{booking_id}.{origin}").encode()


def cancel(booking_id: int, origin: str) -> str:
    return Action(CANCEL, f"{booking_id}.{origin}").encode()


def calendar(booking_id: int) -> str:
    return Action(CALENDAR, str(booking_id)).encode()


def consent(target: str) -> str:
    return Action(CONSENT, target).encode()

