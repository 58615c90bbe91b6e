"""`legalbot lectures …` on a real database: add, import, list, attendees, cancel."""

import argparse
import textwrap

from bot.lectures.commands import add_parser, run_lectures_command
from tests.lecture_helpers import add_lecture, bookings_of, consenting, notifications_for


def staff(assistant, clock, *argv: str) -> int:
    """Run one `legalbot lectures` command with the fake clock."""
    parser = argparse.ArgumentParser(prog="legalbot")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["lectures", *argv])
    return run_lectures_command(args, assistant.settings, clock=clock)


def test_staff_add_a_lecture_and_residents_see_it(assistant, clock, capsys):
    code = staff(assistant, clock, "add", "--title", "劳动合同讲座", "--topic", "labor", "--starts", "2026-11-30 19:00",
                 "--capacity", "25", "--town", "luyuan", "--place", "潞源工作站", "--speaker", "王律师")
    assert code == 0 and "added lecture" in capsys.readouterr().out
    staff(assistant, clock, "list")
    listing = capsys.readouterr().out
    assert "2026-11-30 19:00" in listing and "0/25" in listing and "劳动合同讲座" in listing
    resident = consenting(assistant, "6001")
    resident.press_data("lec:p.all.all.1")
    assert "劳动合同讲座" in resident.text and "11月30日（周一） 19:00–20:00" in resident.text


def test_adding_refuses_an_unknown_topic_a_bad_town_and_a_past_time(assistant, clock, capsys):
    code = staff(assistant, clock, "add", "--title", "x", "--topic", "astrology", "--starts", "2020-01-01 10:00",
                 "--capacity", "5", "--town", "atlantis", "--place", "p")
    out = capsys.readouterr().out
    assert code == 1 and "unknown topic" in out and "unknown town" in out and "in the future" in out


def test_import_adds_all_or_nothing_and_skips_known_keys(assistant, clock, tmp_path, capsys):
    good = tmp_path / "good.yml"
    good.write_text(textwrap.dedent("""
        lectures:
          - key: hp-1
            title: {zh: 邻里纠纷怎么调, en: Settling disputes between neighbours}
            topic: other
            town: taihu
            place: 台湖镇社区中心
            starts: "2026-12-03 15:00"
            capacity: 40
          - title: 线上讲座
            topic: debt
            online_url: https://meet.example.org/debt
            starts: "2026-12-04 20:00"
            minutes: 45
            capacity: 300
    """), encoding="utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text('- {title: 好的, topic: labor, place: p, starts: "2026-12-05 10:00", capacity: 5}\n'
                   '- {title: 坏的, topic: labor, starts: "2026-12-05 10:00", capacity: 0}\n', encoding="utf-8")
    assert staff(assistant, clock, "import", str(good)) == 0
    assert "imported 2 lectures" in capsys.readouterr().out
    assert staff(assistant, clock, "import", str(bad)) == 1
    out = capsys.readouterr().out
    assert "lecture 2 (坏的)" in out and "capacity" in out and "a place or an online_url" in out
    staff(assistant, clock, "import", str(good))
    assert "imported 1 lectures; 1 already there" in capsys.readouterr().out
    staff(assistant, clock, "list")
    assert capsys.readouterr().out.count("邻里纠纷怎么调") == 1


def test_attendees_lists_bookings_and_the_waitlist_in_order(assistant, clock, capsys):
    lecture_id = add_lecture(assistant, clock, capacity=2)
    consenting(assistant, "6011").press_data(f"lecb:{lecture_id}.2")
    consenting(assistant, "6012").press_data(f"lecw:{lecture_id}.1")
    clock.advance(minutes=1)
    consenting(assistant, "6013").press_data(f"lecw:{lecture_id}.2")
    assert staff(assistant, clock, "attendees", str(lecture_id)) == 0
    out = capsys.readouterr().out
    assert "2/2 seats taken" in out and "test user 6011, 2 seats" in out
    assert out.index("1. booking") < out.index("test user 6012") < out.index("2. booking") < out.index("test user 6013")


def test_cancelling_a_lecture_tells_everyone_booked_or_waiting(assistant, clock, capsys):
    lecture_id = add_lecture(assistant, clock, capacity=1)
    consenting(assistant, "6021").press_data(f"lecb:{lecture_id}.1")
    consenting(assistant, "6022").press_data(f"lecw:{lecture_id}.1")
    assert staff(assistant, clock, "cancel", str(lecture_id)) == 0
    assert "2 residents booked or waiting will be told" in capsys.readouterr().out
    assert len(notifications_for(assistant, "6021")) == len(notifications_for(assistant, "6022")) == 1
    assert {status for status, _ in bookings_of(assistant, lecture_id).values()} == {"cancelled"}
    assert staff(assistant, clock, "cancel", "999") == 1
