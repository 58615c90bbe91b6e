"""Time, size and memory of the mediation documents: the 调解协议书 and the 司法确认申请书, as .docx and PDF.

    .venv/bin/python -m bench.mediation [--rounds 20]

Each round builds both documents for one case, as the bot does when an agreement is recorded (both parties get
the agreement) and when it takes effect (the joint application). The first round, which loads fonts, is shown
apart.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from datetime import date, datetime, timezone
from pathlib import Path

from bot.db.models import MediationCase, StaffMember
from bot.mediation import documents
from bot.mediation.cases import Party, Term
from bot.mediation.context import MediationContext
from bot.settings import load_settings

CONFIG = Path(__file__).resolve().parent.parent / "config.yml"
NOW = datetime(2026, 12, 1, 2, tzinfo=timezone.utc)


def sample_case() -> MediationCase:
    """A debt case with two terms, as a mediator records it."""
    terms = [Term(Party.RESPONDENT, "归还借款", date(2026, 12, 31), "银行转账", 20000.0),
             Term(Party.APPLICANT, "出具收条", date(2027, 1, 5), "当面交付")]
    case = MediationCase(
        number="TJ-2026-000001", station_id="luyuan", kind="debt", status="effective", outcome="agreement",
        fields={"name": "张三", "phone": "13812345678", "other_name": "王五", "other_relation": "neighbour",
                "facts": "借钱不还", "wishes": "还钱"},
        agreement={"facts": "2025年5月张三借给王五两万元，约定半年归还。", "matters": "王五是否应当归还借款。",
                   "terms": [t.as_dict() for t in terms], "mediator": "李调解员"},
        effective_on=date(2026, 11, 30), created_at=NOW, updated_at=NOW)
    case.mediator = StaffMember(name="李调解员", role="mediator", channel="telegram", external_id="601", created_at=NOW)
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    ctx = MediationContext.load(load_settings(CONFIG))
    case = sample_case()
    timings: dict[str, list[float]] = {"agreement": [], "application": []}
    sizes: dict[str, int] = {}
    tracemalloc.start()
    for _ in range(args.rounds + 1):
        for name, build in (("agreement", documents.agreement_files), ("application", documents.application_files)):
            started = time.perf_counter()
            files = build(ctx, case)
            timings[name].append((time.perf_counter() - started) * 1000)
            sizes.update({file.filename.rsplit(".", 1)[1] + " " + name: len(file.content) for file in files})
    peak = tracemalloc.get_traced_memory()[1]
    for name, samples in timings.items():
        first, rest = samples[0], samples[1:]
        print(f"{name:12s} docx+pdf: first {first:7.0f} ms, then median {statistics.median(rest):5.0f} ms, "
              f"max {max(rest):5.0f} ms over {len(rest)} rounds")
    for label, size in sorted(sizes.items()):
        print(f"{label:18s} {size / 1024:6.1f} KiB")
    print(f"peak Python memory while building: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
