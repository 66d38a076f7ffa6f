"""The process the crash test kills: seal applications in a loop, report each committed one.

``python -m tests.crash.child_sealer STORE GATEWAY_ENC_PUB_B64 SEED``. Starts as the kiosk does
(open, sweep), prints ``READY <orphan dirs> <temp files>``, then ``SEALED <application_id>``
after each ``seal`` has returned, flushed: a reported application must survive any kill.
SEED ``-``: imports, then waits for the seed on a line of stdin before it touches the store (the
test starts the next child while the current one runs, so a round does not wait for Python's
start-up and imports, a third of a second that never touches the store).
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

from kiosk.sealing import SealingKeys, seal
from kiosk.store import open_store, sweep
from sync.protocol.keys import x25519_public_from_b64
from tests.crash.citizens import random_application, random_documents

MAX_APPLICATIONS = 10_000


def main(argv: list[str]) -> int:
    store_path, gateway_pub = Path(argv[0]), argv[1]
    seed = int(sys.stdin.readline() if argv[2] == "-" else argv[2])
    keys = SealingKeys("kiosk-crash-01", "CR1", x25519_public_from_b64(gateway_pub))
    rng = random.Random(seed)
    with open_store(store_path) as store:
        report = sweep(store)
        print(f"READY {report.orphan_dirs_removed} {report.temp_files_removed}", flush=True)
        for _ in range(MAX_APPLICATIONS):
            record = seal(
                store,
                random_application(rng),
                random_documents(rng),
                keys=keys,
                appointment_date=date(2026, 11, 26),
            )
            print(f"SEALED {record.application_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
