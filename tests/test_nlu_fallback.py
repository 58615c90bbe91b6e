"""NLU never stops: the embedded classifier stands in while Rasa is down, and Rasa takes over when it returns."""

import logging

from bot.nlu.labels import interpret
from bot.nlu.rasa_client import RasaClient, RasaUnavailable
from bot.nlu.service import NluService


class FlakyRasa:
    url = "http://rasa.test"

    def __init__(self):
        self.up = False
        self.calls = 0

    def parse(self, text):
        self.calls += 1
        if not self.up:
            raise RasaUnavailable("ConnectError")
        return interpret([("consult_family", 0.9), ("consult_labor", 0.1)])

    def close(self):
        pass


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def service(rasa, clock, embedded_nlu):
    return NluService(lambda: embedded_nlu.embedded, rasa, retry_seconds=30, monotonic=clock).start()


def test_embedded_answers_while_rasa_is_down_and_rasa_returns(embedded_nlu, caplog):
    rasa, clock = FlakyRasa(), Clock()
    nlu = service(rasa, clock, embedded_nlu)
    with caplog.at_level(logging.WARNING, logger="bot.nlu.service"):
        first = nlu.parse("包工头欠我工资不给")
        assert nlu.backend == "embedded" and first.topic == "labor"
        assert "using the embedded classifier" in caplog.text
        nlu.parse("老公打我怎么办")
        assert rasa.calls == 1, "Rasa is not retried before retry_seconds"
        rasa.up = True
        clock.now += 31
        back = nlu.parse("包工头欠我工资不给")
        assert nlu.backend == "rasa" and back.topic == "family"
        assert "switching back" in caplog.text


def test_unreachable_rasa_server_falls_back(embedded_nlu):
    rasa = RasaClient("http://127.0.0.1:9", timeout=0.5)
    nlu = service(rasa, Clock(), embedded_nlu)
    assert nlu.parse("离婚孩子归谁").topic == "family"
    assert nlu.backend == "embedded"
    rasa.close()
