"""The kernel's screens (home, start, privacy, language, my records, cancel) and how any node is shown.

A node's `screen` names a screen of the kernel or of a service (Service.screens); nodes without one use `static`.
"""

from __future__ import annotations

from typing import Callable

from bot.core import linking
from bot.core.content import MenuNode, pick
from bot.core.messages import Button, Outbound, Reply
from bot.core.stations import Station
from bot.core.turn import Turn

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


# --- choosing a station: the same keyboard wherever a station is asked for -----------------------------------

STATION_COLUMNS = 3
# Farther than this from every station's seat, a shared location is taken to be outside the district.
OUTSIDE_DISTRICT_KM = 15.0
GROUP_VERB = "sg"  # sg:<group>: a group's heading in a station keyboard; pressing it only explains


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


# --- what every service adds to ----------------------------------------------------------------------------

def my_records(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """我的记录: each service's section, in the services' order."""
    texts, rows = [], []
    for records in turn.assistant.records:
        text, buttons = records(turn)
        if text:
            texts.append(text)
        rows += buttons
    if not texts:
        return turn.screen(node, turn.t("my_records_empty"))
    return turn.screen(node, "\n\n".join(texts), rows=rows)


def cancel(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """Cancel the forms in progress (their drafts and files go) and say which; the services say what stays (a
    ticket is left by the handoff's own /cancel); then go home."""
    nodes, forms = turn.assistant.content.menu.nodes, turn.assistant.forms
    cancelled = [turn.plain_label(nodes[forms[draft.form].form.node]) for draft in turn.repos.forms.drafts_of(turn.user.id)
                 if draft.form in forms]
    turn.repos.forms.drop_all(turn.user.id)
    turn.conversation.data = {}
    lines = [turn.t("cancelled_what", what=turn.t("hours_joiner").join(cancelled)) if cancelled
             else turn.t("cancelled_nothing")]
    lines += [line for drop in turn.assistant.cancels if (line := drop(turn))]
    home = show_node(turn, turn.assistant.content.menu.root)
    home.text = "\n".join(line.strip() for line in lines) + f"\n\n{home.text}"
    return home


def show_node(turn: Turn, node_id: str, arg: str = "") -> Outbound:
    """Move the user to a node and render it."""
    node = turn.assistant.content.menu.nodes[node_id]
    turn.conversation.screen = node_id
    turn.conversation.data = {**turn.conversation.data, "arg": arg}
    return turn.assistant.screens[node.screen or "static"](turn, node, arg)


SCREENS: dict[str, Screen] = {
    "static": static,
    "coming_soon": coming_soon,
    "start": start,
    "privacy": privacy,
    "language": language,
    "my_records": my_records,
    "cancel": cancel,
    "link_code": linking.link_screen,
}
