"""The shape of bot/: the kernel imports no service, no two packages import each other (even through others),
and the composition site is the only module that imports every service."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
KERNEL = {"bot.core", "bot.forms", "bot.db", "bot.settings", "bot.notifications", "bot.privacy"}
SERVICES = {"bot.consultation", "bot.stations", "bot.lectures", "bot.legal_aid", "bot.handoff", "bot.health_check", "bot.rights",
            "bot.reports", "bot.console", "bot.mediation"}
COMPOSITION = "bot.services"


def package_of(module: str) -> str:
    """bot.core.assistant → bot.core; bot.cli → bot.cli."""
    return ".".join(module.split(".")[:2])


def runtime_imports(tree: ast.AST) -> set[str]:
    """Modules imported when the file runs: at the top or inside a function, not under `if TYPE_CHECKING:`."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name.startswith("bot.")}


def module_graph(root: Path = BOT) -> dict[str, set[str]]:
    """Module → the bot modules and packages it imports (migrations, run by Alembic, are left out)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[module] = runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    return graph


def package_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    known = {package_of(module) for module in modules}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, imported in modules.items():
        for name in imported:
            target = package_of(name)
            if target in known and target != package_of(module):
                graph[package_of(module)].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle once, as the path that closes it (depth-first search)."""
    found, state = [], {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                walk(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return found


def test_the_kernel_imports_no_service():
    offences = [f"{module} imports {name}" for module, imported in module_graph().items()
                if package_of(module) in KERNEL for name in imported if package_of(name) in SERVICES | {COMPOSITION}]
    assert offences == []


def test_no_package_of_bot_imports_itself_through_others():
    assert cycles(package_graph(module_graph())) == []


def test_only_the_composition_site_imports_every_service():
    modules = module_graph()
    every = [module for module, imported in modules.items() if SERVICES <= {package_of(name) for name in imported}]
    assert every == [COMPOSITION]


def test_every_service_package_is_a_plug_in_listed_at_the_composition_site():
    from bot.services import SERVICES as LISTED

    plugins = {path.parent.name for path in BOT.glob("*/plugin.py")}
    assert plugins == {package.removeprefix("bot.") for package in SERVICES}
    assert {service.name for service in LISTED} == plugins


def test_the_checks_find_a_core_to_service_import_and_a_cycle(tmp_path):
    """The checks above can fail: a planted kernel→service import and a two-package ring are both found."""
    (tmp_path / "bot" / "core").mkdir(parents=True)
    (tmp_path / "bot" / "lectures").mkdir()
    (tmp_path / "bot" / "core" / "screens.py").write_text("from bot.lectures import catalogue\n")
    (tmp_path / "bot" / "lectures" / "catalogue.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.stations import x\n"
        "def f():\n    from bot.core import screens\n")
    modules = module_graph(tmp_path / "bot")
    assert modules["bot.core.screens"] == {"bot.lectures", "bot.lectures.catalogue"}
    assert modules["bot.lectures.catalogue"] == {"bot.core", "bot.core.screens"}
    assert cycles(package_graph(modules)) == [["bot.core", "bot.lectures", "bot.core"]]
