"""The resident's side of privacy: consent withdrawal, /mydata and /forget (PIPL rights of access and deletion)."""

from __future__ import annotations

from bot.core.callbacks import go
from bot.core.content import MenuNode
from bot.core.messages import Attachment, Button, Outbound, Reply
from bot.core.turn import Turn
from bot.handoff import tickets as handoff
from bot.lectures import catalogue
from bot.lectures.desk import LectureDesk
from bot.privacy import erasure, export
from bot.privacy.retention import RetentionPolicy

VERB = "pd"  # pd:send (send my data), pd:forget (confirmed deletion)


def policy(turn: Turn) -> RetentionPolicy:
    return RetentionPolicy.load(turn.assistant.settings.privacy.retention_file)


def kind_label(turn: Turn, kind: str) -> str:
    line = policy(turn).classes.get(kind)
    return line.describe(turn.lang) if line else turn.t(f"privacy_kind_{kind}")


def deleted_lines(turn: Turn, counts: dict[str, int]) -> str:
    """What was deleted, one line per kind with its count; or that there was nothing."""
    lines = [turn.t("privacy_deleted_line", kind=kind_label(turn, kind), count=count).strip()
             for kind, count in counts.items() if count and kind != "aid_applications"]
    return "\n".join(lines) if lines else turn.t("privacy_nothing_deleted").strip()


def kept_note(turn: Turn, applications: int) -> str:
    return turn.t("privacy_kept_applications", count=applications).strip() if applications else ""


def withdraw(turn: Turn) -> str:
    """Withdraw consent: delete what it allowed and say exactly what went."""
    counts = erasure.withdraw(turn.repos, turn.user)
    applications = len(turn.repos.aid.for_user(turn.user.id, limit=1000))
    bookings = len(turn.repos.lectures.bookings.current_for_user(turn.user.id, turn.now))
    parts = [turn.t("consent_withdrawn").strip(), deleted_lines(turn, counts), kept_note(turn, applications),
             turn.t("privacy_kept_bookings", count=bookings).strip() if bookings else ""]
    return "\n".join(part for part in parts if part)


def my_data_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """/mydata: what the two files will hold, and the button that sends them."""
    return turn.screen(node, turn.t("mydata_intro"), [turn.action_button(turn.t("mydata_send"), VERB, "send")])


def forget_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """/forget: what will be deleted and what must be kept, then a confirmation button."""
    applications = len(turn.repos.aid.for_user(turn.user.id, limit=1000))
    text = "\n\n".join(part for part in (turn.t("forget_intro").strip(), kept_note(turn, applications)) if part)
    return turn.screen(node, text, [turn.action_button(turn.t("forget_confirm"), VERB, "forget")])


def press(turn: Turn, arg: str) -> Reply | None:
    if arg == "send":
        return send_my_data(turn)
    if arg == "forget":
        return forget(turn)
    return None


def send_my_data(turn: Turn) -> Reply:
    """Everything held about the resident, as a readable document and as JSON."""
    held = export.collect(turn.repos, turn.user)
    headings = {section: turn.t(f"mydata_section_{section}") for section in held}
    stamp = turn.now.strftime("%Y%m%d")
    document = Attachment(f"mydata-{stamp}.txt", export.as_document(held, headings, turn.t("mydata_title")),
                          "text/plain")
    data = Attachment(f"mydata-{stamp}.json", export.as_json(held), "application/json")
    return Reply([Outbound(turn.t("mydata_document_caption").strip(), attachment=document),
                  Outbound(turn.t("mydata_json_caption").strip(), attachment=data)])


def forget(turn: Turn) -> Reply:
    """Delete or anonymise everything about the resident; only anonymous counts and archived applications stay."""
    active = turn.repos.handoff.tickets.active_for(turn.user.id)
    if active is not None:  # staff are told the resident left, as with /cancel
        handoff.leave(turn, active)
    desk = LectureDesk(turn.repos, catalogue.context(turn), turn.now)
    counts = erasure.forget(turn.repos, turn.user, turn.now, desk.cancel)
    turn.forgotten = True  # nothing of this turn is recorded
    parts = [turn.t("forget_done").strip(), deleted_lines(turn, counts), kept_note(turn, counts["aid_applications"])]
    text = "\n".join(part for part in parts if part)
    return Reply([Outbound(text, [[Button(turn.t("forget_start_again"), go("start"))]])])
