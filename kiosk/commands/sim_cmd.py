"""`kiosk sim submit --count N`: seal N realistic applications (testers' data and load tests).

Each goes through the same path as a citizen's session (pages → compact PDF → seal), with a
seeded generated citizen, valid answers for a procedure and realistic scanned pages.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import date

from devices.scanner.sample_pages import make_sample_page
from kiosk.config import KioskConfig
from kiosk.domain.application import (
    Confirmation,
    ConfirmationMethod,
    ConfirmedApplication,
    DocumentPages,
)
from kiosk.domain.fake_citizens import FakeCitizens
from kiosk.pages import encode_page
from kiosk.sealing import seal_application
from kiosk.store.errors import StoreUnavailable
from kiosk.wiring.root import build_kiosk


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
            documents = tuple(
                DocumentPages(req.id, req.id, tuple(
                    encode_page(make_sample_page(req.title_vi, rng.randrange(1 << 30),
                                                 with_seal=rng.random() < 0.2,
                                                 dpi=kiosk.seal_context.scan_dpi))
                    for _ in range(max(pages, args.pages))))
                for req, pages in people.document_plan(procedure, answers)
            )  # fmt: skip
            now = kiosk.now()
            app = ConfirmedApplication(
                application_id=uuid.uuid4(), procedure_code=procedure.code,
                catalog_version=kiosk.catalog.version, identity=people.identity(),
                answers=answers, documents=documents, confirmed_at=now,
                confirmation=Confirmation(ConfirmationMethod.KIOSK_CODE, now),
            )  # fmt: skip
            record = seal_application(kiosk.seal_context, app)
            print(f"{n + 1}/{args.count} sealed {record.application_code} {procedure.code}")
    except StoreUnavailable as exc:
        print(f"stopped: the store is unavailable ({exc}); what was sealed is kept", file=sys.stderr)
        return 1
    finally:
        kiosk.close()
    print(f"sealed {args.count} in {time.monotonic() - started:.1f} s")
    return 0
