"""The web chat as a resident sees it: messages, buttons, the composer; driven through Selenium."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.live_web import ARTEFACTS


class ChatPage:
    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    def open_as_new_visitor(self) -> ChatPage:
        """A first visit: no cookie, no history in the tab."""
        self.driver.get(self.base_url + "/healthz")
        self.driver.delete_all_cookies()
        self.driver.execute_script("sessionStorage.clear()")
        return self.open()

    def open(self) -> ChatPage:
        self.driver.get(self.base_url + "/")
        return self.wait_ready()

    def reload(self) -> ChatPage:
        self.driver.refresh()
        return self.wait_ready()

    def wait_ready(self) -> ChatPage:
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready") == "1")
        return self

    def wait_idle(self) -> None:
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.body.dataset.busy") != "1")

    def bot_messages(self) -> list[str]:
        return [element.text for element in self.driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot")]

    def last(self) -> str:
        messages = self.bot_messages()
        return messages[-1] if messages else ""

    def buttons(self) -> list[str]:
        """The button labels of the latest message that has buttons."""
        boxes = self.driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot .buttons")
        return [b.text for b in boxes[-1].find_elements(By.TAG_NAME, "button")] if boxes else []

    def press(self, label: str) -> str:
        """Press the newest button whose label contains `label`; return the newest bot message after it."""
        candidates = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot .buttons button")
                      if label in b.text]
        assert candidates, f"no button {label!r}; buttons now: {self.buttons()}"
        self.click(candidates[-1])
        return self.last()

    def click(self, element) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        self.wait_idle()

    def say(self, text: str) -> str:
        box = self.driver.find_element(By.ID, "text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait_idle()
        return self.last()

    def upload(self, path: Path) -> str:
        self.driver.find_element(By.ID, "file").send_keys(str(path))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#log .msg")[-1].get_attribute("class") == "msg bot")
        self.wait_idle()
        return self.last()

    def wait_for_message(self, fragment: str, timeout: float = 10) -> str:
        WebDriverWait(self.driver, timeout).until(lambda d: any(fragment in m for m in self.bot_messages()))
        return next(m for m in reversed(self.bot_messages()) if fragment in m)

    def notice(self) -> str:
        return self.driver.find_element(By.ID, "notice").text

    def screenshot(self, name: str) -> Path:
        """The screen as a phone shows it, for a person to look at (test-artefacts/ is not committed)."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path
