"""Two bot processes behind one webhook, sharing one database, behave like one bot."""

from __future__ import annotations

import threading
import time

from tests.test_e2e_menu import labels


def private_message(user_id: int, text: str, message_id: int) -> dict:
    chat = {"id": user_id, "type": "private", "first_name": "李四"}
    message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "text": text,
               "from": {"id": user_id, "is_bot": False, "first_name": "李四", "language_code": "zh-hans"}}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def test_updates_spread_over_two_processes_share_one_conversation(start_bot):
    first = start_bot("webhook")
    server = first.server
    second = start_bot("webhook", server=server)
    server.private_user(7001, first_name="李四")
    url_a, url_b = first.handle.webhook_url, second.handle.webhook_url
    assert server.post_to_webhook({**private_message(7001, "/menu", 1), "update_id": 9001}, url=url_a) == 200
    server.wait_for("sendMessage", lambda c: "请选择服务" in c["text"])
    assert server.post_to_webhook({**private_message(7001, "服务站点", 2), "update_id": 9002}, url=url_b) == 200
    server.wait_for("sendMessage", lambda c: "您在哪个镇或街道？" in c["text"])
    mark = server.mark()
    assert server.post_to_webhook({**private_message(7001, "😀", 3), "update_id": 9003}, url=url_a) == 200
    hint = server.wait_for("sendMessage", after=mark)
    assert "我没看懂" in hint["text"] and "潞源街道" in labels(server, hint.message)

    mark = server.mark()
    duplicate = {**private_message(7001, "/help", 4), "update_id": 9004}
    posts = [threading.Thread(target=server.post_to_webhook, args=(duplicate,), kwargs={"url": url})
             for url in (url_a, url_b)]
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    server.wait_for("sendMessage", after=mark)
    server.wait_quiet(0.5)
    assert len(server.calls_to("sendMessage", after=mark)) == 1
