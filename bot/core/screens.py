"""Screens: render a menu node for a user. Nodes without a `screen` use `static`."""

from __future__ import annotations

from typing import Callable

from bot.core import consult, linking
from bot.core.content import MenuNode, pick
from bot.core.messages import Button, Outbound, Reply
from bot.core.stations import Station, describe_hours
from bot.core.turn import Turn
from bot.handoff import tickets as handoff_tickets
from bot.legal_aid import form as aid_form
from bot.lectures import catalogue as lectures
from bot.lectures import request_form as lecture_request_form
from bot.mediation import intake as mediation_intake  # mediation (t14)
from bot.mediation import parties as mediation_parties  # mediation (t14)
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
    return turn.t("privacy_notice", district=turn.assistant.settings.district.get(turn.lang), **days).strip()


def consent_buttons(turn: Turn) -> list:
    return [
        turn.action_button(turn.t("consent_yes"), "consent", "yes"),
        turn.action_button(turn.t("consent_no"), "consent", "no"),
    ]


def language(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    buttons = [turn.action_button("中文", "lang", "zh"), turn.action_button("English", "lang", "en")]
    return turn.screen(node, turn.t("language_choose"), buttons)


STATION_COLUMNS = 3
# Farther than this from every station's seat, a shared location is taken to be outside the district.
OUTSIDE_DISTRICT_KM = 15.0
GROUP_VERB = "sg"  # sg:<group>: a group's heading in a station keyboard; pressing it only explains
CENTRE = "centre"  # st:centre: the district centre's card


def station_list(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """All stations to pick from, in two groups; with a station id as arg, that station's card."""
    directory = turn.assistant.stations
    station = directory.get(arg)
    if station is not None:
        return turn.screen(node, station_card(turn, station), back=node.id)
    if arg == CENTRE and directory.centre is not None:
        return turn.screen(node, centre_card(turn), back=node.id)
    text = turn.t("station_list")
    current = directory.get(turn.user.station_id)
    if current is not None:
        text = f"{turn.t('station_list_current', station=current.name(turn.lang))}\n{text}"
    rows = station_rows(turn, lambda s: turn.action_button(s.name(turn.lang), "st", s.id))
    if directory.centre is not None:
        rows.append([turn.action_button(f"🏛 {directory.centre.name.get(turn.lang)}", "st", CENTRE)])
    return turn.screen(node, text, rows=rows)


def station_rows(turn: Turn, button_for: Callable[[Station], Button]) -> list[list[Button]]:
    """Wherever a station is asked for: a heading for the streets (街道), then one for the towns (镇/乡), each
    followed by its stations."""
    rows: list[list[Button]] = []
    for group, stations in turn.assistant.stations.grouped().items():
        if stations:
            rows.append([turn.action_button(turn.t(f"station_group_{group}", count=len(stations)), GROUP_VERB, group)])
            rows += turn.grid([button_for(station) for station in stations], STATION_COLUMNS)
    return rows


def nearest_note(turn: Turn, station: Station, km: float) -> str:
    """离您最近的站点（约 1.5 公里）, or a word that the place seems to be outside the district."""
    key = "location_outside_district" if km > OUTSIDE_DISTRICT_KM else "nearest_station"
    return turn.t(key, km=f"{km:.1f}", district=turn.assistant.settings.district.get(turn.lang)).strip()


def explain_group(turn: Turn, group: str) -> Reply | None:
    """A group heading was pressed: say what is below it, and change nothing."""
    if group not in turn.assistant.stations.grouped():
        return None
    return Reply(notice=turn.t(f"station_group_{group}_hint"))


def phone_line(turn: Turn, phone, unknown: str = "station_phone_district") -> str:
    """The station's own number, or the district's line, said to be the district's."""
    district = turn.assistant.stations.district_phone
    return phone.number if phone is not None else turn.t(unknown, phone=district)


def call_first(turn: Turn, fields: list[str], phone) -> str:
    """For a resident shown what the bureau has not confirmed: call before going."""
    if not fields:
        return ""
    names = turn.t("hours_joiner").join(turn.t(f"station_field_{field}") for field in fields)
    number = phone.number if phone is not None and phone.verified else turn.assistant.stations.district_phone
    return turn.t("station_unverified", fields=names, phone=number).strip()


def opening_hours(turn: Turn, spans) -> str:
    hours = describe_hours(spans, turn.assistant.content.texts, turn.lang)
    return turn.t("station_hours", hours=hours)


def station_card(turn: Turn, station: Station) -> str:
    lang, config = turn.lang, station.config
    text = turn.t(
        "station_card",
        name=station.name(lang),
        address=config.address.get(lang),
        phone=phone_line(turn, config.phone),
        hours=opening_hours(turn, station.hours),
    ).strip()
    rooms = [turn.t("station_room_serves", room=room.name.get(lang), serves=room.serves.get(lang))
             if room.serves else room.name.get(lang) for room in station.rooms]
    if rooms:
        text += "\n" + turn.t("station_rooms", rooms=turn.t("hours_joiner").join(rooms))
    shown = [field for field in station.unverified() if field != "location"]
    warning = call_first(turn, shown, config.phone)
    return f"{text}\n\n{warning}" if warning else text


def centre_card(turn: Turn) -> str:
    """The district centre: where to go when no station fits."""
    directory = turn.assistant.stations
    centre, lang = directory.centre, turn.lang
    assert centre is not None
    address = centre.address.get(lang) if centre.address else turn.t("centre_address_unknown", phone=directory.district_phone)
    text = turn.t("centre_card", name=centre.name.get(lang), address=address,
                  phone=phone_line(turn, centre.phone, "centre_phone_district"),
                  hours=opening_hours(turn, directory.centre_hours)).strip()
    unverified = [field for field, checked in (("address", centre.address), ("phone", centre.phone),
                                                ("hours", centre.hours)) if checked is not None and not checked.verified]
    warning = call_first(turn, unverified, centre.phone)
    return f"{text}\n\n{warning}" if warning else text


def take_station_name(turn: Turn, text: str) -> Reply | None:
    """On the station list, a typed name (潞源, 台湖镇) chooses that station; anything else is not for this screen."""
    station = turn.assistant.stations.resolve(text)
    return Reply([turn.assistant.choose_station(turn, station)]) if station is not None else None


def my_records(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    lecture_text, lecture_rows = lectures.records_section(turn)
    aid_text = aid_form.records_section(turn)
    mediation_text, mediation_rows = mediation_parties.records_section(turn)  # mediation (t14)
    if not lecture_text and not aid_text and not mediation_text:
        return turn.screen(node, turn.t("my_records_empty"))
    text = "\n\n".join(part for part in (aid_text, mediation_text, lecture_text) if part)
    return turn.screen(node, text, rows=mediation_rows + lecture_rows)


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
    if turn.conversation.data.get(mediation_intake.DRAFT):  # mediation (t14)
        cancelled.append(turn.plain_label(nodes[mediation_intake.NODE]))
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
    "link_code": linking.link_screen,
    "my_data": privacy_screens.my_data_screen,
    "forget": privacy_screens.forget_screen,
    mediation_intake.NODE: mediation_intake.intake_screen,  # mediation (t14)
}
