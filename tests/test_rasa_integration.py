"""Train Rasa from nlu/ and the knowledge base, serve it, and parse through the bot's client."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bot.nlu.rasa_client import RasaClient
from bot.nlu.rasa_project import rasa_executable, serve_command, train
from bot.nlu.service import NluService
from tests.fakebot import free_port

ROOT = Path(__file__).resolve().parent.parent
# The production pipeline as configured in nlu/config.yml, unless a quicker run is asked for.
EPOCHS = int(os.environ["LEGALBOT_TEST_RASA_EPOCHS"]) if os.environ.get("LEGALBOT_TEST_RASA_EPOCHS") else None
pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def rasa_url(knowledge, tmp_path_factory):
    if os.environ.get("LEGALBOT_SKIP_RASA") == "1":
        pytest.skip("LEGALBOT_SKIP_RASA=1")
    assert rasa_executable().exists(), "Rasa's virtualenv is missing: run scripts/setup_rasa.sh (make test does)"
    work = tmp_path_factory.mktemp("rasa")
    model = train(ROOT / "nlu", knowledge.entries, work / "build", work / "models", epochs=EPOCHS)
    port = free_port()
    log = (work / "rasa.log").open("w")
    server = subprocess.Popen(serve_command(model, port), stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, (work / "rasa.log").read_text()[-3000:]
        try:
            if httpx.get(f"{url}/status", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        pytest.fail("Rasa did not start in 180 s:\n" + (work / "rasa.log").read_text()[-3000:])
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_bot_client_parses_through_the_rasa_server(rasa_url):
    client = RasaClient(rasa_url)
    meaning = client.parse("包工头拖欠我们工资两万三 咋办")
    assert meaning.intent == "consult" and meaning.topic == "labor"
    assert len(meaning.topics) >= 3 and abs(sum(c for _, c in meaning.topics) - 1) < 0.05
    assert client.parse("我要转人工").intent == "human"
    client.close()


def test_nlu_service_uses_rasa_when_it_answers(rasa_url, embedded_nlu):
    nlu = NluService(lambda: embedded_nlu.embedded, RasaClient(rasa_url)).start()
    assert nlu.parse("老公喝了酒就打我").topic == "family"
    assert nlu.backend == "rasa"
    nlu.close()


def test_rasa_topic_accuracy_on_held_out_questions(rasa_url):
    client = RasaClient(rasa_url)
    cases = [json.loads(line) for line in (ROOT / "nlu" / "tests" / "heldout.jsonl").read_text().splitlines() if line]
    cases = [case for case in cases if case["intent"].startswith("consult_")]
    top3 = sum(case["topic"] in [t for t, _ in client.parse(case["text"]).topics[:3]] for case in cases)
    client.close()
    assert top3 / len(cases) >= 0.90


def test_legalbot_nlu_parse_prints_one_json_object_per_line(rasa_url):
    env = {**os.environ, "NLU__RASA_URL": rasa_url}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "legalbot"), "nlu", "parse", "--backend", "rasa"],
        input="被车撞了 对方跑了\n公司不给交社保\n", capture_output=True, text=True, env=env, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["topic"] for line in lines] == ["traffic", "labor"]
    assert set(lines[0]) == {"text", "intent", "topic", "confidence", "topics"}
