"""Screens: render a menu node for a user. Nodes without a `screen` use `static`."""

from __future__ import annotations

from typing import Callable

from bot.core import consult
from bot.core.content import MenuNode, pick
from bot.core.messages import Outbound
from bot.core.stations import Station, describe_hours
from bot.core.turn import Turn
from bot.handoff import tickets as handoff_tickets
from bot.legal_aid import form as aid_form
from bot.lectures import catalogue as lectures
from bot.lectures import request_form as lecture_request_form
from bot.privacy import screens as privacy_screens

Screen = Callable[[Turn, MenuNode, str], Outbound]


def static(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """Show the node's text and its items as buttons."""
    text = pick(node.text, turn.lang) if node.text else turn.label(node)
    return turn.screen(node, text, [turn.node_button(item) for item in node.items])


def coming_soon(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    return turn.screen(node, turn.t("coming_soon", service=turn.plain_label(node)))


def start(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """Welcome; ask for consent on first contact, otherwise show the main menu."""
    welcome = turn.t("welcome", district=turn.assistant.settings.district.get(turn.lang)).strip()
    if turn.user.consent is None:
        text = "\n\n".join([welcome, privacy_notice(turn), turn.t("consent_question")])
        return Outbound(text=text, buttons=[consent_buttons(turn), [turn.node_button(turn.assistant.content.menu.root)]])
    home = show_node(turn, turn.assistant.content.menu.root)
    home.text = f"{welcome}\n\n{home.text}"
    return home


def privacy(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """The privacy notice, the user's consent status, and a way to change it."""
    if turn.consented:
        assert turn.user.consent_at is not None
        status = turn.t("consent_status_granted", date=turn.user.consent_at.date().isoformat())
        buttons = [turn.action_button(turn.t("consent_withdraw"), "consent", "withdraw")]
    else:
        status = turn.t("consent_status_declined")
        buttons = consent_buttons(turn) if turn.user.consent is None else consent_buttons(turn)[:1]
    rights = [turn.node_button("my_data"), turn.node_button("forget")]
    return turn.screen(node, f"{privacy_notice(turn)}\n{status}", buttons + rights)


def privacy_notice(turn: Turn) -> str:
    """The notice, with every period read from the one retention table."""
    days = {f"{name}_days": line.days for name, line in turn.assistant.retention.classes.items() if not line.archive}
    return turn.t("privacy_notice", **days).strip()


def consent_buttons(turn: Turn) -> list:
    return [
        turn.action_button(turn.t("consent_yes"), "consent", "yes"),
        turn.action_button(turn.t("consent_no"), "consent", "no"),
    ]


def language(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    buttons = [turn.action_button("中文", "lang", "zh"), turn.action_button("English", "lang", "en")]
    return turn.screen(node, turn.t("language_choose"), buttons)


def station_list(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """All stations to pick from; with a station id as arg, that station's card."""
    directory = turn.assistant.stations
    station = directory.get(arg)
    if station is not None:
        return turn.screen(node, station_card(turn, station), back=node.id)
    text = turn.t("station_list")
    current = directory.get(turn.user.station_id)
    if current is not None:
        text = f"{turn.t('station_list_current', station=current.name(turn.lang))}\n{text}"
    buttons = [turn.action_button(s.name(turn.lang), "st", s.id) for s in directory]
    return turn.screen(node, text, buttons)


def station_card(turn: Turn, station: Station) -> str:
    lang = turn.lang
    return turn.t(
        "station_card",
        name=station.name(lang),
        address=station.config.address.get(lang),
        phone=station.config.phone,
        hours=describe_hours(station.hours, turn.assistant.content.texts, lang),
    ).strip()


def my_records(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    lecture_text, lecture_rows = lectures.records_section(turn)
    aid_text = aid_form.records_section(turn)
    if not lecture_text and not aid_text:
        return turn.screen(node, turn.t("my_records_empty"))
    text = "\n\n".join(part for part in (aid_text, lecture_text) if part)
    return turn.screen(node, text, rows=lecture_rows)


def cancel(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """Cancel the innermost thing in progress (a form; a ticket is left by the handoff) and say which, then go home."""
    nodes = turn.assistant.content.menu.nodes
    cancelled = []
    draft = aid_form.current_draft(turn)
    if draft is not None:  # an application in progress is abandoned, its evidence with it
        turn.repos.aid.drop_draft(draft)
        cancelled.append(turn.plain_label(nodes[aid_form.NODE]))
    if turn.conversation.data.get(lecture_request_form.DRAFT):
        cancelled.append(turn.plain_label(nodes[lecture_request_form.NODE]))
    turn.conversation.data = {}
    lines = [turn.t("cancelled_what", what=turn.t("hours_joiner").join(cancelled)) if cancelled
             else turn.t("cancelled_nothing")]
    ticket = turn.repos.handoff.tickets.active_for(turn.user.id)
    if ticket is not None:
        lines.append(turn.t("cancelled_ticket_remains", id=ticket.id))
    home = show_node(turn, turn.assistant.content.menu.root)
    home.text = "\n".join(line.strip() for line in lines) + f"\n\n{home.text}"
    return home


def show_node(turn: Turn, node_id: str, arg: str = "") -> Outbound:
    """Move the user to a node and render it."""
    node = turn.assistant.content.menu.nodes[node_id]
    turn.conversation.screen = node_id
    turn.conversation.data = {**turn.conversation.data, "arg": arg}
    return SCREENS[node.screen or "static"](turn, node, arg)


SCREENS: dict[str, Screen] = {
    "consult": consult.consult_screen,
    "hot_questions": consult.hot_questions,
    "static": static,
    "coming_soon": coming_soon,
    "start": start,
    "privacy": privacy,
    "language": language,
    "station_list": station_list,
    "my_records": my_records,
    "lectures": lectures.catalogue_screen,
    "lecture_request": lecture_request_form.request_screen,
    "cancel": cancel,
    "handoff": handoff_tickets.handoff_screen,
    "aid": aid_form.aid_screen,
    "my_data": privacy_screens.my_data_screen,
    "forget": privacy_screens.forget_screen,
}
