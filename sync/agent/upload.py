"""One application to the gateway: PUT the manifest, upload the documents, commit.

The order follows the protocol's rule "documents first, then an idempotent commit", and every
step is safe to repeat: the PUT de-duplicates on the application id, uploads resume from the
gateway's offset (the offset we persisted is only a hint; the gateway's HEAD is the truth), and
the commit answers the same receipt again. So a kill at any instant costs at most one chunk.

To a gateway whose ping names ``creation-with-upload`` the create carries the first chunk: a
one-page document then costs one request instead of two (about 870 B of signed headers less on
2G). Any other gateway gets the plain create and PATCHes, as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never

from kiosk.store.schema import ApplicationState as St
from sync.agent.chunks import ChunkSizer
from sync.agent.outcome import Outcome, Quarantined, QueuePaused, RetryLater, Sent
from sync.client.failure import Action, Failure, GatewayError
from sync.client.gateway import GatewayClient
from sync.outbox import DocumentRow, Outbox, PendingApplication

MAX_HASH_FAILURES = 3
MAX_STALLS_PER_DOCUMENT = 20  # non-advancing answers before backing off
MAX_COMMIT_ROUNDS = 3


class _Quarantine(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Uploader:
    """Sends applications with one client over one store. Not thread-safe."""

    client: GatewayClient
    outbox: Outbox
    sizer: ChunkSizer
    monotonic: Callable[[], float]
    still_leased: Callable[[], bool] = lambda: True
    chunk_bytes_sent: int = 0  # document bytes handed to PATCH, resends included (bench)
    create_with_upload: bool = False  # the gateway's ping named creation-with-upload

    def send(self, app: PendingApplication) -> Outcome:
        try:
            return self._send(app)
        except _Quarantine as q:
            self.outbox.quarantine(app.application_id, q.reason)
            return Quarantined(q.reason)
        except GatewayError as err:
            return self._failed(app, err.failure)

    def _failed(self, app: PendingApplication, failure: Failure) -> Outcome:
        match failure.action:
            case Action.PAUSE_QUEUE:
                return QueuePaused(failure)
            case Action.QUARANTINE:
                reason = failure.describe()
                self.outbox.quarantine(app.application_id, reason)
                return Quarantined(reason)
            case (Action.RETRY | Action.SMALLER_CHUNKS | Action.RESEND_CHUNK
                  | Action.RESYNC_OFFSET | Action.RESTART_DOCUMENT | Action.REUPLOAD_DOCUMENT):
                return RetryLater(failure)
            case _ as unreachable:
                assert_never(unreachable)

    def _send(self, app: PendingApplication) -> Outcome:
        app_id = app.application_id
        if app.state is not St.UPLOADING and app.state is not St.COMMITTING:
            self.outbox.transition(app_id, St.UPLOADING, "PUT manifest")
        answer = self.client.put_application(app_id, app.manifest_json.encode("utf-8"))
        missing = _missing(answer)
        for _round in range(MAX_COMMIT_ROUNDS):
            docs = {d.doc_id: d for d in self.outbox.documents(app_id)}
            unknown = missing - docs.keys()
            if unknown:
                raise _Quarantine(f"gateway wants documents the kiosk never had: {sorted(unknown)}")
            for doc_id in sorted(missing):
                self._upload(app_id, docs[doc_id])
            self.outbox.transition(app_id, St.COMMITTING, "commit")
            try:
                receipt = self.client.commit(app_id)
            except GatewayError as err:
                # The gateway lacks a document (or the whole application, if it lost it since
                # the PUT): put the manifest again and upload what it names. Never quarantine.
                if err.failure.code != "documents_missing" and err.failure.status not in (404,
                                                                                        410):
                    raise
                missing = _missing(self.client.put_application(
                    app_id, app.manifest_json.encode("utf-8")))
                continue
            state = str(receipt.get("state", "received"))
            receipt_no = receipt.get("receipt_no")
            self.outbox.received(app_id, None if receipt_no is None else str(receipt_no), state)
            return Sent(None if receipt_no is None else str(receipt_no), state)
        return RetryLater(Failure(Action.RETRY, 409, "documents_missing",
                                  "commit still reports missing documents"))

    def _read(self, doc: DocumentRow) -> bytes:
        try:
            data = doc.path.read_bytes()
        except OSError as exc:
            raise _Quarantine(f"document {doc.doc_id} unreadable: {exc}") from exc
        if len(data) != doc.size or hashlib.sha256(data).hexdigest() != doc.sha256:
            raise _Quarantine(f"document {doc.doc_id} on disk does not match its sealed hash")
        return data

    def _upload(self, app_id: str, doc: DocumentRow) -> None:
        """Upload one document from wherever the gateway has it; raises on what we can't fix."""
        data = self._read(doc)
        offset = self._create(app_id, doc, data)
        if offset > doc.size:
            offset = self.client.upload_offset(app_id, doc.doc_id)
        if offset >= doc.size:
            self.outbox.save_offset(app_id, doc.doc_id, doc.size, done=True)
        elif offset > 0:
            self.outbox.save_offset(app_id, doc.doc_id, offset)
        stalls = 0
        while offset < doc.size:
            if stalls >= MAX_STALLS_PER_DOCUMENT:
                raise GatewayError(Failure(Action.RETRY, None, "no_progress",
                                           f"document {doc.doc_id} stuck at {offset}"))
            if not self.still_leased():
                raise GatewayError(Failure(Action.RETRY, None, "lease_lost", "lease lost"))
            chunk = data[offset: offset + self.sizer.size]
            started = self.monotonic()
            self.chunk_bytes_sent += len(chunk)
            try:
                new_offset = self.client.patch_chunk(app_id, doc.doc_id, offset, chunk)
            except GatewayError as err:
                stalls += 1
                offset = self._recover(app_id, doc, err.failure, len(chunk))
                continue
            self.sizer.observe(new_offset - offset, self.monotonic() - started)
            if new_offset <= offset:
                stalls += 1
            offset = new_offset
            self.outbox.save_offset(app_id, doc.doc_id, offset, done=offset >= doc.size)

    def _create(self, app_id: str, doc: DocumentRow, data: bytes) -> int:
        """Create the upload, with its first chunk when the gateway takes one; the offset."""
        # Only a fresh start carries bytes: resuming (an offset was saved) the gateway is
        # likely past 0 and would ignore them, so that is a plain create, then PATCHes.
        fresh = self.create_with_upload and doc.upload_offset == 0
        chunk = data[: self.sizer.size] if fresh else b""
        if not chunk:
            return self.client.create_upload(app_id, doc.doc_id, doc.size, doc.sha256)
        started = self.monotonic()
        self.chunk_bytes_sent += len(chunk)
        try:
            offset = self.client.create_upload(app_id, doc.doc_id, doc.size, doc.sha256,
                                               first_chunk=chunk)
        except GatewayError as err:
            # The gateway records the creation before it looks at the chunk, so the chunk's
            # refusals (413, 460, the whole document's hash) are recovered as a PATCH's are.
            return self._recover(app_id, doc, err.failure, len(chunk))
        if offset == len(chunk):
            self.sizer.observe(len(chunk), self.monotonic() - started)
        return offset

    def _recover(self, app_id: str, doc: DocumentRow, failure: Failure, sent: int) -> int:
        """Act on a failed PATCH; return the offset to continue from, or raise."""
        match failure.action:
            case Action.SMALLER_CHUNKS:
                self.sizer.too_large(sent)
                return self.client.upload_offset(app_id, doc.doc_id)
            case Action.RESEND_CHUNK:
                return self.client.upload_offset(app_id, doc.doc_id)
            case Action.RESYNC_OFFSET:
                return self.client.upload_offset(app_id, doc.doc_id)
            case Action.RESTART_DOCUMENT:
                self.outbox.save_offset(app_id, doc.doc_id, 0)
                return self.client.create_upload(app_id, doc.doc_id, doc.size, doc.sha256)
            case Action.REUPLOAD_DOCUMENT:
                # Counted in the store: a restart between re-uploads must not reset the bound.
                key = f"document_hash_failures/{app_id}/{doc.doc_id}"
                count = int(self.outbox.get_state(key) or 0) + 1
                self.outbox.set_state(key, str(count))
                if count >= MAX_HASH_FAILURES:
                    self.outbox.set_state(key, None)  # staff requeue gives it fresh tries
                    raise _Quarantine(f"document {doc.doc_id}: gateway hash mismatch "
                                      f"{MAX_HASH_FAILURES} times ({failure.describe()})")
                self.outbox.save_offset(app_id, doc.doc_id, 0)
                return self.client.create_upload(app_id, doc.doc_id, doc.size, doc.sha256)
            case Action.RETRY:
                if failure.status is None:  # the link dropped mid-chunk
                    self.sizer.shrink()
                raise GatewayError(failure)
            case Action.PAUSE_QUEUE | Action.QUARANTINE:
                raise GatewayError(failure)
            case _ as unreachable:
                assert_never(unreachable)


def _missing(answer: dict[str, object]) -> set[str]:
    raw = answer.get("missing_documents", [])
    if not isinstance(raw, list):
        raise GatewayError(Failure(Action.RETRY, None, "bad_answer",
                                   f"missing_documents is not a list: {json.dumps(raw)[:100]}"))
    return {str(x) for x in raw}
