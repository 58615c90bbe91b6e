"""The Rasa project in nlu/: build its training data (with the knowledge base's phrasings), train and serve it."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from bot.knowledge.entries import Entry
from bot.nlu.embedded import kb_examples, load_nlu_examples
from bot.settings import PROJECT_ROOT

MODEL_NAME = "legalbot"
_ANNOTATION = re.compile(r"[\[\]{}()]")


def rasa_executable(root: Path = PROJECT_ROOT) -> Path:
    return root / ".venv-rasa" / "bin" / "rasa"


def write_training_data(nlu_dir: Path, entries: list[Entry], out_dir: Path) -> Path:
    """Copy nlu/data and add the knowledge base's questions and phrasings as consult_<topic> examples."""
    data_dir = out_dir / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    shutil.copytree(nlu_dir / "data", data_dir)
    labelled = {text for text, _ in load_nlu_examples(nlu_dir / "data")}
    by_intent: dict[str, list[str]] = {}
    for text, intent in kb_examples(entries):
        clean = _ANNOTATION.sub(" ", text).strip()
        if clean and clean not in labelled:
            labelled.add(clean)
            by_intent.setdefault(intent, []).append(clean)
    nlu = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)} for intent, texts in sorted(by_intent.items())]
    (data_dir / "knowledge_base.yml").write_text(
        "# Generated from knowledge/entries by `legalbot nlu train`; do not edit.\n"
        + yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    return data_dir


def training_fingerprint(nlu_dir: Path, knowledge_dir: Path, epochs: int | None) -> str:
    """A hash of everything a model is trained from, to skip retraining when nothing changed."""
    digest = hashlib.sha256(f"epochs={epochs}".encode())
    files = [nlu_dir / "config.yml", *sorted((nlu_dir / "data").rglob("*.yml")), *sorted((knowledge_dir / "entries").glob("*.yml"))]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_config(nlu_dir: Path, out_dir: Path, epochs: int | None) -> Path:
    """nlu/config.yml, with DIET's epochs replaced when asked (tests train briefly)."""
    config = yaml.safe_load((nlu_dir / "config.yml").read_text(encoding="utf-8"))
    if epochs is not None:
        for component in config["pipeline"]:
            if component["name"] == "DIETClassifier":
                component["epochs"] = epochs
    path = out_dir / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def train(nlu_dir: Path, entries: list[Entry], work_dir: Path, models_dir: Path, epochs: int | None = None) -> Path:
    """Train an NLU model with Rasa in its own virtualenv; return the model file."""
    rasa = rasa_executable()
    if not rasa.exists():
        raise FileNotFoundError(f"{rasa} is missing: run scripts/setup_rasa.sh first")
    work_dir.mkdir(parents=True, exist_ok=True)
    data = write_training_data(nlu_dir, entries, work_dir)
    config = write_config(nlu_dir, work_dir, epochs)
    command = [str(rasa), "train", "nlu", "--config", str(config), "--nlu", str(data), "--out", str(models_dir),
               "--fixed-model-name", MODEL_NAME]
    subprocess.run(command, check=True, cwd=work_dir)
    return models_dir / f"{MODEL_NAME}.tar.gz"


def serve_command(model: Path, port: int = 5005, host: str = "127.0.0.1") -> list[str]:
    """The command that serves a model over Rasa's HTTP API, answering /model/parse."""
    return [str(rasa_executable()), "run", "--enable-api", "--model", str(model), "--interface", host,
            "--port", str(port)]
