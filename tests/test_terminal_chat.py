"""The same conversations through the terminal chat, where buttons are numbered choices."""

import os
import subprocess
import sys
from pathlib import Path

from bot.terminal import TerminalChat

ROOT = Path(__file__).resolve().parent.parent


def choice(chat: TerminalChat, label: str) -> str:
    for number, button in enumerate(chat.choices, start=1):
        if label in button.label:
            return str(number)
    raise AssertionError(f"no choice {label!r} in {[b.label for b in chat.choices]}")


def test_resident_walks_the_menu_in_the_terminal(assistant):
    chat = TerminalChat(assistant, user_id="term-1")
    screen = chat.send("/start")
    assert "隐私说明" in screen and "[1] ✅ 同意" in screen
    screen = chat.send(choice(chat, "同意"))
    assert "[1] 💬 法律咨询" in screen and "[8] 🗂 我的记录" in screen
    screen = chat.send(choice(chat, "服务站点"))
    screen = chat.send(choice(chat, "西集镇"))
    assert "西集镇公共法律服务工作站" in screen and "已记住您的站点" in screen
    screen = chat.send(choice(chat, "首页"))
    screen = chat.send(choice(chat, "我的记录"))
    assert "您暂时还没有" in screen
    screen = chat.send("@39.825,116.600")
    assert "离您最近的站点" in screen and "台湖镇公共法律服务工作站" in screen
    screen = chat.send("/lang")
    screen = chat.send(choice(chat, "English"))
    assert "Language set to English" in screen and "Legal consultation" in screen


def test_number_outside_the_choices_is_plain_text(assistant):
    chat = TerminalChat(assistant, user_id="term-2")
    chat.send("/menu")
    assert "我没看懂" in chat.send("42")


def test_legalbot_chat_runs_from_the_command_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "start"],
        input="1\n7\n2\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "终端聊天已启动" in result.stdout
    assert "谢谢，您已同意" in result.stdout and "中仓街道公共法律服务工作站" in result.stdout
    assert (tmp_path / "chat.sqlite3").exists()
