"""The menu and text content is complete in both languages and every button answers."""

from pathlib import Path

import pytest

from bot.core.content import Content, ContentError, MenuTree, Texts

MENUS = Path(__file__).resolve().parent.parent / "menus"


def test_main_menu_offers_every_service_in_order():
    menu = Content.load(MENUS).menu
    labels = [menu.nodes[item].label["zh"] for item in menu.nodes[menu.root].items]
    expected = ["法律咨询", "法律援助绿色通道", "在线调解", "法治微讲堂", "转人工", "本月热点", "服务站点", "我的记录"]
    assert [any(word in label for label in labels[i : i + 1]) for i, word in enumerate(expected)] == [True] * 8


def test_command_list_comes_from_menu_nodes():
    menu = Content.load(MENUS).menu
    commands = [node.command for node in menu.listed_commands()]
    assert {"menu", "help", "lang", "human", "cancel", "privacy"} <= set(commands)
    assert "start" not in commands and "start" in menu.by_command


def test_every_text_has_both_languages():
    texts = Content.load(MENUS).texts
    for key in texts.keys():
        assert texts.get(key, "zh") and texts.get(key, "en"), key


def test_text_missing_a_language_is_rejected():
    with pytest.raises(ContentError, match="lacks en"):
        Texts({"hello": {"zh": "你好"}})


def test_menu_item_pointing_nowhere_is_rejected():
    with pytest.raises(ContentError, match="unknown item"):
        MenuTree.from_yaml({"root": "home", "nodes": {"home": {"label": {"zh": "a", "en": "a"}, "items": ["ghost"]}}})


def test_duplicate_command_is_rejected():
    nodes = {
        "home": {"label": {"zh": "a", "en": "a"}, "command": "menu"},
        "other": {"label": {"zh": "b", "en": "b"}, "command": "menu"},
    }
    with pytest.raises(ContentError, match="defined twice"):
        MenuTree.from_yaml({"root": "home", "nodes": nodes})
