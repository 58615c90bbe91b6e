"""Content loaded from YAML: the menu tree and every user-facing text in both languages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("zh", "en")


def pick(localized: dict[str, Any], lang: str) -> Any:
    return localized["en" if lang == "en" else "zh"]


class ContentError(ValueError):
    """Content files are inconsistent."""


class Texts:
    """The text catalogue: a key gives a sentence in each language."""

    def __init__(self, entries: dict[str, dict[str, Any]]):
        for key, localized in entries.items():
            missing = [lang for lang in LANGUAGES if lang not in (localized or {})]
            if missing:
                raise ContentError(f"text {key!r} lacks {', '.join(missing)}")
        self._entries = entries

    def get(self, key: str, lang: str, **values: Any) -> Any:
        value = pick(self._entries[key], lang)
        return value.format(**values) if values and isinstance(value, str) else value

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        return list(self._entries)


@dataclass
class MenuNode:
    id: str
    label: dict[str, str]
    text: dict[str, str] | None = None
    items: list[str] = field(default_factory=list)
    screen: str | None = None
    command: str | None = None
    in_command_list: bool = True
    parent: str | None = None


class MenuTree:
    """The menu tree from menus/menu.yml."""

    def __init__(self, root: str, columns: int, nodes: dict[str, MenuNode]):
        self.root = root
        self.columns = columns
        self.nodes = nodes
        self.by_command = {node.command: node for node in nodes.values() if node.command}

    @classmethod
    def from_yaml(cls, data: dict[str, Any]) -> MenuTree:
        nodes = {node_id: MenuNode(id=node_id, **spec) for node_id, spec in data["nodes"].items()}
        root = data["root"]
        if root not in nodes:
            raise ContentError(f"root node {root!r} is not defined")
        commands: set[str] = set()
        for node in nodes.values():
            for lang in LANGUAGES:
                if not node.label.get(lang) or (node.text is not None and not node.text.get(lang)):
                    raise ContentError(f"node {node.id!r} lacks a {lang} label or text")
            if node.command in commands:
                raise ContentError(f"command /{node.command} is defined twice")
            if node.command:
                commands.add(node.command)
            for item in node.items:
                if item not in nodes:
                    raise ContentError(f"node {node.id!r} lists unknown item {item!r}")
                if nodes[item].parent is None and item != root:
                    nodes[item].parent = node.id
        for node in nodes.values():
            if node.parent is None and node.id != root:
                node.parent = root
        return cls(root, data.get("columns", 2), nodes)

    def get(self, node_id: str) -> MenuNode | None:
        return self.nodes.get(node_id)

    def listed_commands(self) -> list[MenuNode]:
        """Nodes that appear in the chat app's command list, in file order."""
        return [node for node in self.nodes.values() if node.command and node.in_command_list]


@dataclass
class Content:
    menu: MenuTree
    texts: Texts

    @classmethod
    def load(cls, menus_dir: Path) -> Content:
        menu = yaml.safe_load((menus_dir / "menu.yml").read_text(encoding="utf-8"))
        return cls(menu=MenuTree.from_yaml(menu), texts=load_texts(menus_dir))


def load_texts(menus_dir: Path) -> Texts:
    """texts.yml and every texts_<area>.yml beside it, as one catalogue; a key may be defined once."""
    merged: dict[str, dict[str, Any]] = {}
    for path in [menus_dir / "texts.yml", *sorted(menus_dir.glob("texts_*.yml"))]:
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ContentError(f"text {key!r} is defined twice ({path.name})")
            merged[key] = value
    return Texts(merged)
