"""UI benchmark: cold start to Welcome, tap to next screen rendered (p95), memory over sessions.

`python -m bench.ui.run [--sessions 200]`, offscreen. Two cold starts are reported:
- `process_start_to_ready_s`: a real `kiosk run --simulate` process, from spawn to the READY=1 it
  sends systemd once the Welcome screen is up (interpreter, imports, store sweep, embedded gateway);
- the in-process figures from bench/ui/sessions.py, which drives the real view-models.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def process_start_to_ready(runs: int = 3) -> float:
    """Median seconds from spawning `kiosk run` to its READY=1 (fresh data folder each time)."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "kiosk.toml"
            config.write_text('[paths]\ndata_dir = "data"\n[voice]\nengine = "mock"\n', "utf-8")
            sock_path = Path(tmp) / "notify.sock"
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.bind(str(sock_path))
                sock.settimeout(60)
                env = {**os.environ, "NOTIFY_SOCKET": str(sock_path)}
                started = time.monotonic()
                proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--config", str(config),
                                         "run", "--simulate", "--windowed"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    while not sock.recv(4096).startswith(b"READY=1"):
                        pass
                    times.append(time.monotonic() - started)
                finally:
                    proc.terminate()
                    proc.wait(timeout=60)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    print(json.dumps({"process_start_to_ready_s": round(process_start_to_ready(), 3)}))
    from bench.ui.sessions import main

    main()
