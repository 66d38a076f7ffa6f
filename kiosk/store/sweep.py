"""The start-up sweep: make the disk agree with the database after whatever happened before.

A power cut during sealing leaves encrypted files that no committed row references (the row is
committed last); they are deleted. A row whose file is missing or altered is never deleted (it
may be the only trace of a citizen's application): it is flagged ``damaged_reason`` with an
event, so staff see it, and the agent can quarantine it. Applications left ``sealed`` by a cut
between commit and hand-over are queued.

The sweep holds the write lock throughout, and sealing holds it from its first file write to its
commit, so a sweep never sees a half-sealed application as an orphan.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.applications import record_event
from kiosk.store.db import Store
from kiosk.store.files import fsync_dir, is_temp_name
from kiosk.store.schema import ApplicationState

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class SweepReport:
    """What the sweep found and did (counts only: the log must hold no personal data)."""

    temp_files_removed: int = 0
    orphan_files_removed: int = 0
    orphan_dirs_removed: int = 0
    damaged_applications: int = 0
    newly_damaged: int = 0
    repaired: int = 0
    queued: int = 0

    @property
    def clean(self) -> bool:
        """Nothing needed doing and nothing is damaged."""
        return self == SweepReport()


def file_sha256(path: Path) -> str:
    """Lower-case hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _document_problem(data_dir: Path, rel_path: str, size: int, sha256: str, verify: bool) -> str:
    path = data_dir / rel_path
    if not path.is_file():
        return "missing"
    if path.stat().st_size != size:
        return "wrong size"
    if verify and file_sha256(path) != sha256:
        return "hash mismatch"
    return ""


def sweep(store: Store, *, verify_hashes: bool = True) -> SweepReport:
    """Remove temp and orphan files, flag damaged rows, queue leftover ``sealed`` rows.

    ``verify_hashes=False`` checks presence and size only (fast start on a slow card).
    """
    temp = orphan_files = orphan_dirs = 0
    at = store.now_text()
    with store.write() as conn:
        live = _live_documents(conn)
        docs_dir = store.docs_dir
        if docs_dir.is_dir():
            for app_dir in sorted(docs_dir.iterdir()):
                if is_temp_name(app_dir.name) and app_dir.is_file():
                    app_dir.unlink()
                    temp += 1
                    continue
                if not app_dir.is_dir():
                    app_dir.unlink()
                    orphan_files += 1
                    continue
                wanted = live.get(app_dir.name)
                if wanted is None:
                    t, o = _count_files(app_dir)
                    temp, orphan_files = temp + t, orphan_files + o
                    shutil.rmtree(app_dir)
                    orphan_dirs += 1
                    continue
                for entry in sorted(app_dir.iterdir()):
                    if is_temp_name(entry.name):
                        temp += 1
                    elif entry.name not in wanted:
                        orphan_files += 1
                    else:
                        continue
                    _remove(entry)
            fsync_dir(docs_dir)
        damaged, newly, repaired = _flag_damaged(conn, store.data_dir, at, verify_hashes)
        queued = _queue_sealed(conn, at)
    return SweepReport(temp, orphan_files, orphan_dirs, damaged, newly, repaired, queued)


def _live_documents(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Per application id (not purged), the file names its rows reference."""
    live: dict[str, set[str]] = {}
    for row in conn.execute("SELECT application_id FROM applications WHERE purged_at IS NULL"):
        live[row["application_id"]] = set()
    for row in conn.execute("SELECT application_id, path FROM documents"):
        names = live.get(row["application_id"])
        if names is not None:
            names.add(Path(row["path"]).name)
    return live


def _count_files(directory: Path) -> tuple[int, int]:
    temp = other = 0
    for entry in directory.iterdir():
        if is_temp_name(entry.name):
            temp += 1
        else:
            other += 1
    return temp, other


def _remove(entry: Path) -> None:
    if entry.is_dir():
        shutil.rmtree(entry)
    else:
        entry.unlink()
    fsync_dir(entry.parent)


def _flag_damaged(conn: sqlite3.Connection, data_dir: Path, at: str, verify: bool) -> tuple[int, int, int]:
    """Flag rows with a missing or altered file; clear the flag of rows whose files are back."""
    problems: dict[str, list[str]] = {}
    rows = conn.execute(
        "SELECT d.application_id, d.doc_id, d.path, d.size, d.sha256 FROM documents d "
        "JOIN applications a USING (application_id) WHERE a.purged_at IS NULL "
        "ORDER BY d.application_id, d.doc_id"
    ).fetchall()
    for row in rows:
        problem = _document_problem(data_dir, row["path"], row["size"], row["sha256"], verify)
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
        conn.execute(
            "UPDATE applications SET state = ?, updated_at = ? WHERE application_id = ?",
            (ApplicationState.QUEUED, at, application_id),
        )
        record_event(
            conn,
            application_id=application_id,
            at=at,
            from_state=ApplicationState.SEALED,
            to_state=ApplicationState.QUEUED,
            detail="queued by the start-up sweep",
        )
    return len(ids)
