"""The statute table: official law texts, article by article, as cited by the knowledge base."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ArticleNumber = int | str  # 30, or "133-1" for an inserted article (第一百三十三条之一)


def article_number(value: object) -> ArticleNumber:
    """A citation's article as the table keys it: an int, or "<base>-<n>" for an inserted article."""
    text = str(value).strip()
    return int(text) if text.isdigit() else text


@dataclass(frozen=True)
class Article:
    law_id: str
    law_title: str
    number: ArticleNumber
    label: str
    text: str

    def heading(self) -> str:
        """《劳动合同法》第八十二条 style reference."""
        title = self.law_title.removeprefix("中华人民共和国")
        return f"《{title}》{self.label}"


class StatuteTable:
    """Laws loaded from a folder of <law id>.json files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.titles: dict[str, str] = {}
        self._articles: dict[tuple[str, ArticleNumber], Article] = {}
        for path in sorted(folder.glob("*.json")):
            law = json.loads(path.read_text(encoding="utf-8"))
            self.titles[law["id"]] = law["title"]
            for article in [*law["articles"], *law.get("inserted_articles", ())]:
                key = (law["id"], article_number(article["number"]))
                self._articles[key] = Article(law["id"], law["title"], key[1], article["label"], article["text"])

    def article(self, law_id: str, number: ArticleNumber) -> Article | None:
        return self._articles.get((law_id, article_number(number)))

    def __contains__(self, key: tuple[str, ArticleNumber]) -> bool:
        return self.article(*key) is not None


@lru_cache(maxsize=4)
def statute_table(folder: Path) -> StatuteTable:
    """The statute table of a folder, parsed once per process whichever feature asks first."""
    return StatuteTable(folder)


def sync_cited_laws(cited: set[str], shared: Path, project: Path) -> list[str]:
    """Copy the statute files the knowledge base cites from the shared table into the project."""
    project.mkdir(parents=True, exist_ok=True)
    copied = []
    for law_id in sorted(cited):
        source = shared / f"{law_id}.json"
        if source.exists():
            shutil.copyfile(source, project / source.name)
            copied.append(law_id)
    for stale in project.glob("*.json"):
        if stale.stem not in cited:
            stale.unlink()
    return copied
