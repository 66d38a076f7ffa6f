"""Run a command under the seccomp filter systemd builds for ``SystemCallFilter=``.

systemd is not PID 1 on every machine the suite runs on (containers, CI), so ``systemd-run`` cannot
put the kiosk under its unit's filter there. This does what systemd's seccomp code does for an
allow-list, through libseccomp (the library systemd itself uses): the groups are expanded with
``systemd-analyze syscall-filter`` (the installed systemd's own tables, so the set is exactly the
one the unit gets), a ``~`` entry removes syscalls, every other system call kills the process
(systemd's default action without ``SystemCallErrorNumber=``; stricter than EPERM, so a test
passing here would also pass with it), and only the native architecture is allowed
(``SystemCallArchitectures=native``).

    python -m tests.appliance.syscall_filter "@system-service" -- kiosk demo --out DIR
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
from functools import cache
from typing import NoReturn

SCMP_ACT_KILL_PROCESS = 0x80000000
SCMP_ACT_ALLOW = 0x7FFF0000
NR_SCMP_ERROR = -1


@cache
def _groups() -> dict[str, list[str]]:
    """Every ``@group`` of the installed systemd and its members (names or nested groups)."""
    text = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    groups: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
        elif not line.strip():
            current = None
    return groups


def expand(entry: str) -> set[str]:
    """The system calls one ``SystemCallFilter=`` word names (a syscall or a ``@group``)."""
    if not entry.startswith("@"):
        return {entry}
    groups = _groups()
    if entry not in groups:
        raise ValueError(f"systemd knows no syscall group {entry}")
    names: set[str] = set()
    for member in groups[entry]:
        names |= expand(member)
    return names


def allowed(filter_lines: list[str]) -> set[str]:
    """The allow-list of several ``SystemCallFilter=`` lines, as systemd merges them: the first
    allow-list line starts the set, later allow lines add to it, ``~`` lines take away."""
    names: set[str] = set()
    for line in filter_lines:
        deny = line.startswith("~")
        words = set().union(*(expand(w) for w in line.lstrip("~").split()))
        names = names - words if deny else names | words
    return names


def load(names: set[str]) -> int:
    """Install the filter in this process (inherited across exec); returns how many rules."""
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2", use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                     ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    ctx = lib.seccomp_init(SCMP_ACT_KILL_PROCESS)
    if not ctx:
        raise OSError("seccomp_init failed")
    rules = 0
    for name in sorted(names):
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr == NR_SCMP_ERROR:
            continue  # not a syscall of this architecture (e.g. the *_time64 ones on x86-64)
        if lib.seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0:
            rules += 1
    rc = lib.seccomp_load(ctx)
    if rc != 0:
        raise OSError(-rc, f"seccomp_load failed: {os.strerror(-rc)}")
    return rules


def main(argv: list[str]) -> NoReturn:
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    filters, command = argv[:split], argv[split + 1:]
    names = allowed(filters)
    rules = load(names)
    print(f"seccomp: {rules} system calls allowed ({' / '.join(filters)}), others kill",
          file=sys.stderr, flush=True)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
