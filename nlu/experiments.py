#!/usr/bin/env python3
"""Train and measure DIET variants (stdlib only; run from anywhere).

    python3 nlu/experiments.py                      # all variants below
    python3 nlu/experiments.py L0-e100 L1-e50       # chosen ones
    python3 nlu/experiments.py --no-train L0-e100   # re-measure an already trained model

For each variant: write config.yml with the DIET overrides into a temp dir, `rasa train nlu`
with the component cache disabled (so every run trains from scratch, like CI), time it,
serve the model on 127.0.0.1, run measure.py against tests/heldout.jsonl, stop the server.
Results go to models/experiments/results.jsonl and a markdown table is printed.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
BOT_PY = ROOT / ".venv" / "bin" / "python"
OUT = HERE / "models" / "experiments"
PORT = int(os.environ.get("EXPERIMENT_PORT", "5055"))

VARIANTS: dict[str, dict] = {
    "L0-e50": {"number_of_transformer_layers": 0, "epochs": 50},
    "L0-e100": {"number_of_transformer_layers": 0, "epochs": 100},
    "L0-e150": {"number_of_transformer_layers": 0, "epochs": 150},
    "L1-e30": {"number_of_transformer_layers": 1, "epochs": 30},
    "L1-e50": {"number_of_transformer_layers": 1, "epochs": 50},
    "L2-e30": {"number_of_transformer_layers": 2, "epochs": 30},
    # smaller/faster transformer variants
    "L1-e20": {"number_of_transformer_layers": 1, "epochs": 20},
    "L1s128-e30": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 30},
    "L1s128-e50": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 50},
    "L1s128-e20": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 20},
    # prune rare char n-grams (smaller input layer -> faster DIET, smaller model)
    "L1s128-e20-mindf2": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 20,
                          "char.min_df": 2},
    # seed repeats (run-to-run variance)
    "L0-e100-s2": {"number_of_transformer_layers": 0, "epochs": 100, "random_seed": 7},
    "L0-e100-s3": {"number_of_transformer_layers": 0, "epochs": 100, "random_seed": 1234},
    "L1s128-e30-s2": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 30,
                      "random_seed": 7},
    "L1s128-e20-s2": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 20,
                      "random_seed": 7},
    "L1s128-e20-s3": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 20,
                      "random_seed": 1234},
    "L1s128-e30-s3": {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 30,
                      "random_seed": 1234},
}


def make_config(overrides: dict) -> str:
    """config.yml with DIET keys replaced; keys "char.<name>" go to the char_wb CountVectorsFeaturizer."""
    base = (HERE / "config.yml").read_text(encoding="utf-8")
    char = {k[5:]: v for k, v in overrides.items() if k.startswith("char.")}
    overrides = {k: v for k, v in overrides.items() if not k.startswith("char.")}
    if char:
        lines = base.splitlines()
        i = next(n for n, l in enumerate(lines) if l.strip() == "analyzer: char_wb")
        lines[i + 1:i + 1] = [f"    {k}: {json.dumps(v)}" for k, v in char.items()]
        base = "\n".join(lines) + "\n"
    out, in_diet = [], False
    for line in base.splitlines():
        if re.match(r"\s*- name:\s*DIETClassifier", line):
            in_diet = True
            out.append(line)
            for k, v in overrides.items():
                out.append(f"    {k}: {json.dumps(v)}")
            continue
        if in_diet and re.match(r"\s*- name:", line):
            in_diet = False
        key = line.strip().split(":")[0]
        if in_diet and key in overrides:
            continue  # replaced above
        out.append(line)
    return "\n".join(out) + "\n"


def wait_port(proc: subprocess.Popen, timeout: float = 180) -> None:
    import urllib.request
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/status", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001
            time.sleep(1)
    raise RuntimeError("server did not come up")


def run(name: str, overrides: dict, train: bool = True) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", RASA_MAX_CACHE_SIZE="0")
    train_s = float("nan")
    if not train:
        prev = [json.loads(l) for l in (OUT / "results.jsonl").read_text().splitlines()
                if json.loads(l)["variant"] == name] if (OUT / "results.jsonl").exists() else []
        train_s = prev[-1]["train_s"] if prev else float("nan")
    if train:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = Path(tmp) / "config.yml"
            cfg.write_text(make_config(overrides), encoding="utf-8")
            t0 = time.time()
            with open(OUT / f"{name}.train.log", "w") as fh:
                subprocess.run([str(RASA), "train", "nlu", "-c", str(cfg), "--nlu", str(HERE / "data"),
                                "--out", str(OUT), "--fixed-model-name", name],
                               cwd=tmp, env=env, stdout=fh, stderr=subprocess.STDOUT, check=True)
            train_s = time.time() - t0
    model = OUT / f"{name}.tar.gz"
    srv_log = open(OUT / f"{name}.serve.log", "w")
    srv = subprocess.Popen([str(RASA), "run", "--enable-api", "-m", str(model), "-i", "127.0.0.1",
                            "-p", str(PORT)], cwd=str(HERE), env=env, stdout=srv_log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_port(srv)
        js = OUT / f"{name}.measure.json"
        subprocess.run([str(BOT_PY), str(HERE / "measure.py"), f"http://127.0.0.1:{PORT}",
                        str(HERE / "tests" / "heldout.jsonl"), "--json", str(js), "--errors"],
                       check=True, stdout=open(OUT / f"{name}.measure.txt", "w"))
        m = json.loads(js.read_text(encoding="utf-8"))
        fresh = HERE / "tests" / "heldout_fresh.jsonl"
        mf = None
        if fresh.exists():
            jf = OUT / f"{name}.fresh.json"
            subprocess.run([str(BOT_PY), str(HERE / "measure.py"), f"http://127.0.0.1:{PORT}",
                            str(fresh), "--json", str(jf), "--errors", "--latency-requests", "0"],
                           check=True, stdout=open(OUT / f"{name}.fresh.txt", "w"))
            mf = json.loads(jf.read_text(encoding="utf-8"))
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        srv.wait(timeout=30)
    row = {"variant": name, "overrides": overrides, "train_s": round(train_s, 1),
           "intent_acc": m["intent_acc"], "topic_top1": m["topic"]["consult"]["top1"],
           "topic_top3": m["topic"]["consult"]["top3"], "named_top3": m["topic"]["named"]["top3"],
           "p50": m["latency_ms"]["p50"], "p99": m["latency_ms"]["p99"]}
    if mf:
        row.update({"fresh_intent_acc": mf["intent_acc"], "fresh_top1": mf["topic"]["consult"]["top1"],
                    "fresh_top3": mf["topic"]["consult"]["top3"]})
    with open(OUT / "results.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    return row


def main() -> int:
    args = sys.argv[1:]
    train = "--no-train" not in args  # --no-train: re-measure models already in models/experiments
    names = [a for a in args if not a.startswith("--")] or list(VARIANTS)
    rows = []
    for name in names:
        print(f"== {name} {VARIANTS[name]}", flush=True)
        row = run(name, VARIANTS[name], train=train)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| variant | train s | intent acc | topic top-1 | topic top-3 | p50 ms | p99 ms "
          "| fresh intent | fresh top-1 | fresh top-3 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['train_s']:.0f} | {r['intent_acc']:.3f} | {r['topic_top1']:.3f} "
              f"| {r['topic_top3']:.3f} | {r['p50']:.1f} | {r['p99']:.1f} "
              f"| {r.get('fresh_intent_acc', float('nan')):.3f} | {r.get('fresh_top1', float('nan')):.3f} "
              f"| {r.get('fresh_top3', float('nan')):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
