"""Run a child as systemd runs a unit whose stderr is the journal.

systemd sets ``JOURNAL_STREAM=<device>:<inode>`` of the stream it connected; a process trusts it
only when its own stderr is that very stream (a child whose stderr was redirected inherits the
variable, but not the stream). Here the stream is a temporary file, and its device and inode
are what the child is told.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence


def run_as_journald(argv: Sequence[str], env: Mapping[str, str], *, timeout: float = 60,
                    cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """``argv`` with stderr the "journal" (its lines returned as ``stderr``), never raising on exit."""
    clean = {k: v for k, v in env.items() if k != "JOURNAL_STREAM"}
    with tempfile.TemporaryFile() as err:
        st = os.fstat(err.fileno())
        done = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=err, text=True,
                              timeout=timeout, check=False, cwd=cwd,
                              env={**clean, "JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"})
        err.seek(0)
        text = err.read().decode("utf-8")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, text)
