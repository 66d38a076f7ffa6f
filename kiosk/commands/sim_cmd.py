"""`kiosk sim submit --count N`: seal N realistic applications (testers' data and load tests).

Each goes through the same path as a citizen's session (pages → compact PDF → seal), with a
seeded generated citizen, valid answers for a procedure and realistic scanned pages.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date

from devices.scanner.sample_pages import make_sample_page
from kiosk.app import build_kiosk
from kiosk.config import KioskConfig
from kiosk.domain.fake_citizens import FakeCitizens
from kiosk.store.errors import StoreUnavailable
from kiosk.submission import Submission, seal_submission


def submit(args: argparse.Namespace, config: KioskConfig) -> int:
    if args.count < 1:
        print("--count must be at least 1", file=sys.stderr)
        return 2
    kiosk = build_kiosk(config.simulated(), start_gateway=False)
    rng = random.Random(args.seed)
    started = time.monotonic()
    try:
        today: date = kiosk.now().date()
        people = FakeCitizens(args.seed, today)
        procedures = kiosk.catalog.procedures
        for n in range(args.count):
            procedure = rng.choice(procedures)
            answers = people.answers(procedure)
            documents = {
                req.id: [make_sample_page(req.title_vi, rng.randrange(1 << 30),
                                          with_seal=rng.random() < 0.2,
                                          dpi=kiosk.seal_context.scan_dpi)
                         for _ in range(max(pages, args.pages))]
                for req, pages in people.document_plan(procedure, answers)
            }
            sub = Submission(procedure.code, kiosk.catalog.version, people.identity(), answers,
                             documents, kiosk.now())
            record = seal_submission(kiosk.seal_context, sub)
            print(f"{n + 1}/{args.count} sealed {record.application_code} {procedure.code}")
    except StoreUnavailable as exc:
        print(f"stopped: the store is unavailable ({exc}); what was sealed is kept", file=sys.stderr)
        return 1
    finally:
        kiosk.close()
    print(f"sealed {args.count} in {time.monotonic() - started:.1f} s")
    return 0
