"""The start-up sweep: make the disk agree with the database, and never destroy anything.

A power cut during sealing leaves encrypted files that no committed row references (the row is
committed last). They are *moved aside* to ``<data dir>/quarantine/<time>/`` (staff see the count
in ``kiosk sync status``), never deleted: a file the database does not know may be the only copy
of a citizen's application when the database, not the file, is what went wrong. Only what is
proven safe is deleted: ``*.tmp`` files (a write that never reached its final name) and the
folders of applications whose row says they were purged.

Before touching anything the sweep counts: more than one application folder the database does
not know (a power cut leaves at most one) means the database is older than the documents (a
restored backup, a replaced file) and the kiosk refuses to start (``StoreRefusedError``).

A row whose file is missing or altered is never deleted (it may be the only trace of a citizen's
application): it is flagged ``damaged_reason`` with an event, so staff see it, and the agent can
quarantine it. A document's path is derived (``docs/<application_id>/<doc_id>``): a damaged
``path`` column is put back when the file there proves itself by size and hash. Applications left
``sealed`` by a cut between commit and hand-over are queued.

The sweep holds the write lock throughout, and sealing holds it from its first file write to its
commit, so a sweep never sees a half-sealed application as an orphan.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from kiosk.store import core
from kiosk.store.core import record_event
from kiosk.store.db import Store
from kiosk.store.errors import StoreError, StoreRefusedError
from kiosk.store.files import ensure_dir, fsync_dir, is_temp_name
from kiosk.store.schema import DOCS_DIRNAME, ApplicationState
from kiosk.store.seqmark import MARK_NAME

_HASH_CHUNK = 1 << 20

QUARANTINE_DIRNAME: Final = "quarantine"
"""Files the sweep set aside live under ``<data dir>/quarantine/<UTC time>/<path under docs>``."""

MAX_UNKNOWN_FOLDERS: Final = 1
"""Application folders the database may not know: one, from a power cut during a seal."""


@dataclass(frozen=True)
class SweepReport:
    """What the sweep found and did (counts only: the log must hold no personal data)."""

    temp_files_removed: int = 0
    orphan_files_quarantined: int = 0
    orphan_dirs_quarantined: int = 0
    damaged_applications: int = 0
    newly_damaged: int = 0
    repaired: int = 0
    queued: int = 0
    paths_repaired: int = 0
    purged_dirs_removed: int = 0

    @property
    def orphan_files_removed(self) -> int:
        """Orphan files taken out of ``docs/`` (moved to the quarantine folder, not deleted)."""
        return self.orphan_files_quarantined

    @property
    def orphan_dirs_removed(self) -> int:
        """Orphan folders taken out of ``docs/`` (moved to the quarantine folder, not deleted)."""
        return self.orphan_dirs_quarantined

    @property
    def clean(self) -> bool:
        """Nothing needed doing and nothing is damaged."""
        return self == SweepReport()


@dataclass(frozen=True)
class QuarantineSummary:
    """What staff are shown of the quarantine folder."""

    folder: Path
    files: int = 0
    bytes: int = 0


def quarantine_summary(data_dir: Path) -> QuarantineSummary:
    """Count the files the sweep has set aside under ``data_dir`` (reads only)."""
    folder = data_dir / QUARANTINE_DIRNAME
    files = size = 0
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file():
                files += 1
                size += path.stat().st_size
    return QuarantineSummary(folder, files, size)


def file_sha256(path: Path) -> str:
    """Lower-case hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def document_path(application_id: str, doc_id: str) -> str:
    """Where a document lives, relative to the data dir (derived, so a bad column can be mended)."""
    return f"{DOCS_DIRNAME}/{application_id}/{doc_id}"


def _document_problem(data_dir: Path, rel_path: str, size: int, sha256: str, verify: bool) -> str:
    path = data_dir / rel_path
    if not path.is_file():
        return "missing"
    if path.stat().st_size != size:
        return "wrong size"
    if verify and file_sha256(path) != sha256:
        return "hash mismatch"
    return ""


@dataclass
class _Plan:
    """What the sweep will do, decided before anything is touched."""

    temp: list[Path] = field(default_factory=list)
    orphan_files: list[Path] = field(default_factory=list)
    orphan_dirs: list[Path] = field(default_factory=list)
    purged_dirs: list[Path] = field(default_factory=list)
    files_in_orphan_dirs: int = 0


def sweep(store: Store, *, verify_hashes: bool = True) -> SweepReport:
    """Set aside orphans, remove temp files, flag damaged rows, queue leftover ``sealed`` rows.

    ``verify_hashes=False`` checks presence and size only (fast start on a slow card). Raises
    ``StoreRefusedError`` (nothing touched) when the database knows fewer applications than
    ``docs/`` holds.
    """
    at = store.now_text()
    with store.write() as conn:
        known, purged = _known_applications(conn)
        plan = _plan(store.docs_dir, known, purged)
        plan.temp.extend(  # a kiosk_seq mark write cut short (the mark itself is whole)
            p for p in store.data_dir.glob(f".{MARK_NAME}.*") if is_temp_name(p.name) and p.is_file()
        )
        if len(plan.orphan_dirs) > MAX_UNKNOWN_FOLDERS:
            raise StoreRefusedError(
                f"{store.path} knows {len(known)} application(s) but {store.docs_dir} holds "
                f"{len(plan.orphan_dirs)} folder(s) it does not know (an old or replaced database)",
                f"stop the kiosk and restore the newest backup of {store.path.name} "
                f"(or call the vendor); do not delete {store.docs_dir}",
            )
        paths = _repair_paths(conn, store.data_dir, at, verify_hashes)
        _carry_out(plan, store.data_dir, at)
        damaged, newly, repaired = _flag_damaged(conn, store.data_dir, at, verify_hashes)
        queued = _queue_sealed(conn, at)
    return SweepReport(
        temp_files_removed=len(plan.temp),
        orphan_files_quarantined=len(plan.orphan_files) + plan.files_in_orphan_dirs,
        orphan_dirs_quarantined=len(plan.orphan_dirs),
        damaged_applications=damaged,
        newly_damaged=newly,
        repaired=repaired,
        queued=queued,
        paths_repaired=paths,
        purged_dirs_removed=len(plan.purged_dirs),
    )


def _known_applications(conn: sqlite3.Connection) -> tuple[dict[str, set[str]], set[str]]:
    """Live application ids -> their doc_ids; and the ids of purged applications."""
    live: dict[str, set[str]] = {}
    purged: set[str] = set()
    for row in conn.execute("SELECT application_id, purged_at FROM applications"):
        if row["purged_at"] is None:
            live[row["application_id"]] = set()
        else:
            purged.add(row["application_id"])
    for row in conn.execute("SELECT application_id, doc_id FROM documents"):
        names = live.get(row["application_id"])
        if names is not None:
            names.add(row["doc_id"])
    return live, purged


def _plan(docs_dir: Path, known: dict[str, set[str]], purged: set[str]) -> _Plan:
    plan = _Plan()
    if not docs_dir.is_dir():
        return plan
    for entry in sorted(docs_dir.iterdir()):
        if is_temp_name(entry.name) and not entry.is_dir():
            plan.temp.append(entry)
        elif not entry.is_dir():
            plan.orphan_files.append(entry)
        elif entry.name in purged:
            plan.purged_dirs.append(entry)  # the row says purged: finishing the purge is safe
        elif entry.name not in known:
            temps = [p for p in entry.iterdir() if is_temp_name(p.name) and not p.is_dir()]
            plan.temp.extend(temps)
            plan.orphan_dirs.append(entry)
            plan.files_in_orphan_dirs += _count_files(entry)[1]
        else:
            wanted = known[entry.name]
            for child in sorted(entry.iterdir()):
                if is_temp_name(child.name) and not child.is_dir():
                    plan.temp.append(child)
                elif child.name not in wanted:
                    plan.orphan_files.append(child)
    return plan


def _carry_out(plan: _Plan, data_dir: Path, at: str) -> None:
    docs_dir = data_dir / DOCS_DIRNAME
    touched: set[Path] = set()
    for temp in plan.temp:
        temp.unlink(missing_ok=True)
        touched.add(temp.parent)
    if plan.orphan_files or plan.orphan_dirs:
        aside = data_dir / QUARANTINE_DIRNAME / at.replace(":", "")
        for entry in [*plan.orphan_files, *plan.orphan_dirs]:
            _set_aside(entry, aside / entry.relative_to(docs_dir))
            touched.add(entry.parent)
    for folder in plan.purged_dirs:
        shutil.rmtree(folder)
        touched.add(folder.parent)
    for directory in touched:
        if directory.is_dir():
            fsync_dir(directory)


def _set_aside(entry: Path, target: Path) -> None:
    """Move ``entry`` to ``target`` (a rename on the same disk: no copy, nothing lost)."""
    ensure_dir(target.parent)
    final, n = target, 1
    while final.exists():
        final, n = target.with_name(f"{target.name}.{n}"), n + 1
    entry.replace(final)
    fsync_dir(final.parent)


def _count_files(directory: Path) -> tuple[int, int]:
    temp = other = 0
    for entry in directory.iterdir():
        if is_temp_name(entry.name):
            temp += 1
        else:
            other += 1
    return temp, other


def _repair_paths(conn: sqlite3.Connection, data_dir: Path, at: str, verify: bool) -> int:
    """Put back a ``documents.path`` that differs from the derived one when the file there is
    the document (its size, and hash unless ``verify`` is off, match the row)."""
    rows = conn.execute(
        "SELECT d.application_id, d.doc_id, d.path, d.size, d.sha256, a.state FROM documents d "
        "JOIN applications a USING (application_id) WHERE a.purged_at IS NULL "
        "ORDER BY d.application_id, d.doc_id"
    ).fetchall()
    repaired = 0
    for row in rows:
        derived = document_path(row["application_id"], row["doc_id"])
        if row["path"] == derived:
            continue
        if _document_problem(data_dir, derived, row["size"], row["sha256"], verify):
            continue  # not proven: leave the row as it is; the damage check will flag it
        conn.execute(
            "UPDATE documents SET path = ? WHERE application_id = ? AND doc_id = ?",
            (derived, row["application_id"], row["doc_id"]),
        )
        state = ApplicationState(row["state"])
        record_event(conn, application_id=row["application_id"], at=at, from_state=state,
                     to_state=state, detail=f"document {row['doc_id']}: path column repaired")
        repaired += 1
    return repaired


def _flag_damaged(conn: sqlite3.Connection, data_dir: Path, at: str, verify: bool) -> tuple[int, int, int]:
    """Flag rows with a missing or altered file; clear the flag of rows whose files are back."""
    problems: dict[str, list[str]] = {}
    rows = conn.execute(
        "SELECT d.application_id, d.doc_id, d.size, d.sha256 FROM documents d "
        "JOIN applications a USING (application_id) WHERE a.purged_at IS NULL "
        "ORDER BY d.application_id, d.doc_id"
    ).fetchall()
    for row in rows:
        where = document_path(row["application_id"], row["doc_id"])
        problem = _document_problem(data_dir, where, row["size"], row["sha256"], verify)
        if problem:
            problems.setdefault(row["application_id"], []).append(f"{row['doc_id']}: {problem}")
    newly = 0
    for application_id, found in problems.items():
        reason = "document " + "; ".join(found)
        current = conn.execute(
            "SELECT state, damaged_reason FROM applications WHERE application_id = ?",
            (application_id,),
        ).fetchone()
        if current["damaged_reason"] == reason:
            continue
        newly += 1
        conn.execute(
            "UPDATE applications SET damaged_reason = ?, updated_at = ? WHERE application_id = ?",
            (reason, at, application_id),
        )
        state = ApplicationState(current["state"])
        record_event(
            conn,
            application_id=application_id,
            at=at,
            from_state=state,
            to_state=state,
            detail=f"damaged: {reason}",
        )
    repaired = 0
    flagged = conn.execute(
        "SELECT application_id, state FROM applications "
        "WHERE damaged_reason IS NOT NULL AND purged_at IS NULL"
    ).fetchall()
    for row in flagged:
        if row["application_id"] in problems:
            continue
        repaired += 1
        conn.execute(
            "UPDATE applications SET damaged_reason = NULL, updated_at = ? WHERE application_id = ?",
            (at, row["application_id"]),
        )
        state = ApplicationState(row["state"])
        record_event(
            conn,
            application_id=row["application_id"],
            at=at,
            from_state=state,
            to_state=state,
            detail="damage cleared: every document file is present and intact again",
        )
    return len(problems), newly, repaired


def _queue_sealed(conn: sqlite3.Connection, at: str) -> int:
    ids = [
        r["application_id"]
        for r in conn.execute(
            "SELECT application_id FROM applications WHERE state = ? ORDER BY kiosk_seq",
            (ApplicationState.SEALED,),
        )
    ]
    for application_id in ids:
        core.transition(conn, application_id, ApplicationState.QUEUED, at=at,
                        detail="queued by the start-up sweep",
                        expected_from=ApplicationState.SEALED)
    return len(ids)


def discard_unsealed(store: Store, application_id: str) -> bool:
    """After a seal that failed before its commit: delete the files it wrote, *if* it is proven
    that no row references them (no application with that id). Otherwise (the row exists, or the
    database cannot be asked right now) leave them for the start-up sweep, which sets orphans
    aside. Returns whether the folder was deleted. Never raises an environment error."""
    folder = store.docs_dir / application_id
    if folder.parent != store.docs_dir or not folder.is_dir():
        return False
    try:
        if store.query("SELECT 1 FROM applications WHERE application_id = ?", (application_id,)):
            return False
        shutil.rmtree(folder)
        fsync_dir(store.docs_dir)
    except (sqlite3.Error, OSError, StoreError):
        return False
    return True
