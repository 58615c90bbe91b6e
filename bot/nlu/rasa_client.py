"""The bot's client for a Rasa server's HTTP API."""

from __future__ import annotations

import httpx

from bot.nlu.labels import Interpretation, interpret, rasa_ranking


class RasaUnavailable(Exception):
    """The Rasa server did not answer with a parse."""


class RasaClient:
    def __init__(self, url: str, timeout: float = 2.0):
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=timeout)

    def parse(self, text: str) -> Interpretation:
        """POST /model/parse and read the intent ranking."""
        try:
            response = self._http.post("/model/parse", json={"text": text})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(error.__class__.__name__) from error
        ranking = rasa_ranking(body)
        if not ranking:
            raise RasaUnavailable("no intent in the parse (is a model loaded?)")
        return interpret(ranking)

    def close(self) -> None:
        self._http.close()
