"""Error classification: each gateway answer maps to exactly one next move."""

from __future__ import annotations

import pytest

from sync.client.failure import Action, classify


@pytest.mark.parametrize(
    ("status", "code", "upload", "action"),
    [
        (500, "", False, Action.RETRY),
        (503, "unavailable", False, Action.RETRY),
        (429, "rate_limited", False, Action.RETRY),
        (409, "in_progress", False, Action.RETRY),
        (409, "documents_missing", False, Action.RETRY),
        (423, "in_progress", True, Action.RETRY),
        (401, "clock_skew", False, Action.RETRY),
        (401, "kiosk_unknown", False, Action.PAUSE_QUEUE),
        (403, "forbidden", True, Action.PAUSE_QUEUE),
        (422, "manifest_conflict", False, Action.QUARANTINE),
        (400, "validation", False, Action.QUARANTINE),
        (422, "validation", False, Action.QUARANTINE),
        (413, "chunk_too_large", True, Action.SMALLER_CHUNKS),
        (460, "checksum_mismatch", True, Action.RESEND_CHUNK),
        (409, "offset_mismatch", True, Action.RESYNC_OFFSET),
        (404, "upload_not_found", True, Action.RESTART_DOCUMENT),
        (410, "upload_gone", True, Action.RESTART_DOCUMENT),
        (422, "document_hash", True, Action.REUPLOAD_DOCUMENT),
    ],
)
def test_classify(status: int, code: str, upload: bool, action: Action) -> None:
    assert classify(status, code, during_upload=upload) is action
