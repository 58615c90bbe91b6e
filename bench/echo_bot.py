"""A bare python-telegram-bot echo bot, the throughput baseline: python -m bench.echo_bot API_URL TOKEN [CONCURRENCY]."""

import sys

from tests.fakebot import build_echo_application

if __name__ == "__main__":
    api_url, token = sys.argv[1], sys.argv[2]
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    build_echo_application(api_url, token, concurrent_updates=concurrency or False).run_polling()
