"""The station list, each station's card and the district centre's, and choosing a station for the profile."""

from __future__ import annotations

from bot.core import screens
from bot.core.content import MenuNode
from bot.core.messages import Outbound, Reply
from bot.core.stations import Station, describe_hours
from bot.core.turn import Turn

NODE = "stations"
VERB = "st"  # st:<station id>, or st:centre for the district centre's card
CENTRE = "centre"


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
    rows = screens.station_rows(turn, lambda s: turn.action_button(s.name(turn.lang), VERB, s.id))
    if directory.centre is not None:
        rows.append([turn.action_button(f"🏛 {directory.centre.name.get(turn.lang)}", VERB, CENTRE)])
    return turn.screen(node, text, rows=rows)


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


def press_station(turn: Turn, station_id: str) -> Outbound | None:
    if station_id == CENTRE and turn.assistant.stations.centre is not None:
        return screens.show_node(turn, NODE, CENTRE)
    station = turn.assistant.stations.get(station_id)
    return choose_station(turn, station) if station is not None else None


def choose_station(turn: Turn, station: Station) -> Outbound:
    """Show the station's card and remember it as the user's station (with consent)."""
    outbound = screens.show_node(turn, NODE, station.id)
    outbound.text += "\n\n" + remember_station(turn, station.id)
    return outbound


def take_station_name(turn: Turn, text: str) -> Reply | None:
    """On the station list, a typed name (潞源, 台湖镇) chooses that station; anything else is not for this screen."""
    station = turn.assistant.stations.resolve(text)
    return Reply([choose_station(turn, station)]) if station is not None else None


def nearest_station(turn: Turn, station: Station, km: float) -> Reply:
    """A location shared anywhere but a screen that asks for one: the nearest station's card."""
    outbound = screens.show_node(turn, NODE, station.id)
    note = remember_station(turn, station.id)
    if not turn.consented:
        note = f"{note}\n{turn.t('location_without_consent')}"
    outbound.text = f"{screens.nearest_note(turn, station, km)}\n{outbound.text}\n\n{note}"
    return Reply([outbound])


def remember_station(turn: Turn, station_id: str) -> str:
    if not turn.consented:
        return turn.t("consent_needed_for_station")
    turn.user.station_id = station_id
    return turn.t("station_saved")
