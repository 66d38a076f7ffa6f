"""Structured JSON logs with no personal data, the same for every kiosk process.

structlog renders every record (ours and the libraries' stdlib logging) as one JSON object per
line, which journald keeps and any log shipper reads. The kiosk UI, the sync agent and
``kiosk gateway serve`` all call ``configure()``; nothing else sets logging up.

A scrubbing processor walks every field, at any depth (dicts, lists, tuples), so a careless log
call cannot leak a citizen into the journal:
- keys that can hold personal data (``full_name``, ``citizen_id``, ``otp`` ...) are removed
  wherever they appear;
- bytes (a raw QR payload, a scan) are never written, only their length;
- in any text: a CCCD QR payload (``id|old id|name|...``) goes whole; digit runs of 8 or more,
  also written with spaces or dots (CCCD, CMND, phone numbers, compact dates), dates
  (12/03/1965, 1965-03-12), words with Vietnamese letters and runs of Capitalised Words
  (names, addresses) are masked. Over-masking a log line is a price worth paying.
- an exception is logged as its type, a scrubbed message and where it happened (file:line),
  never a raw traceback; uncaught ones go the same way (sys and threading excepthooks).

Under systemd (stderr is the stream ``JOURNAL_STREAM`` names), each line starts with its syslog
priority in the sd-daemon form (``<3>`` error, ``<4>`` warning, ``<6>`` info, ``<7>`` debug):
journald takes it as the entry's PRIORITY, so ``journalctl -p err`` finds the kiosk's errors.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import structlog

from kiosk.events import Event

PERSONAL_KEYS = frozenset({
    "citizen_id", "old_id", "full_name", "name", "date_of_birth", "dob", "address", "identity",
    "answers", "payload", "phone", "otp", "otp_code", "code_typed", "pin", "token", "gender",
    "holder", "qr", "raw", "plaintext",
})
# Our own fields, written by the processors themselves: never rewritten.
OWN_KEYS = frozenset({"timestamp", "level", "logger", "logger_name"})
REMOVED = "[removed]"

_QR_PAYLOAD = re.compile(r"[^\s|]*\|[^|\n]*\|.*")  # two or more '|': the CCCD QR's fields
_DATE = re.compile(r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}(?!T\d))(?!\d)")
_LONG_NUMBER = re.compile(r"(?<![\w.])\d(?:[ .]?\d){7,}(?!\w)")
_WORDS = re.compile(r"[^\W\d_]+(?:[ \t]+[^\W\d_]+)*")
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6,
             logging.DEBUG: 7}


def _is_title(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()


def _mask_words(match: re.Match[str]) -> str:
    """Words with Vietnamese letters, and Capitalised Words next to each other (names)."""
    words = match.group(0).split()
    marked = [not w.isascii() for w in words]
    for i, w in enumerate(words):
        if _is_title(w) and any(
            0 <= j < len(words) and (_is_title(words[j]) or marked[j]) for j in (i - 1, i + 1)
        ):
            marked[i] = True
    out: list[str] = []
    for w, m in zip(words, marked, strict=True):
        if not m:
            out.append(w)
        elif not out or out[-1] != "[text]":
            out.append("[text]")
    return " ".join(out)


def scrub_text(text: str) -> str:
    """Free text with no personal data left in it (see the module's doc)."""
    text = _QR_PAYLOAD.sub("[qr payload]", text)
    text = _DATE.sub("[date]", text)
    text = _LONG_NUMBER.sub("[number]", text)
    return _WORDS.sub(_mask_words, text)


def scrub_value(value: Any, depth: int = 0) -> Any:  # noqa: PLR0911 (one return a kind)
    """Any value as it may be logged: containers walked, personal keys removed, text scrubbed."""
    if depth > 20:
        return "[too deep]"
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"[{len(value)} bytes]"
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): REMOVED if str(k).lower() in PERSONAL_KEYS
                else scrub_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub_value(v, depth + 1) for v in value]
    if isinstance(value, BaseException):
        return describe_exception(value)
    return scrub_text(str(value))


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """An exception as the log keeps it: type, scrubbed message, where (never the traceback)."""
    frames = traceback.extract_tb(exc.__traceback__)[-5:]
    return {
        "type": type(exc).__name__,
        "message": scrub_text(str(exc))[:500],
        "where": [f"{Path(f.filename).name}:{f.lineno}" for f in frames],
    }


def scrub(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The structlog processor: every field scrubbed, at any depth."""
    for key in list(event_dict):
        if key in OWN_KEYS:
            continue
        if key.lower() in PERSONAL_KEYS:
            event_dict[key] = REMOVED
        else:
            event_dict[key] = scrub_value(event_dict[key])
    return event_dict


def exception_info(_logger: Any, _method: str,
                   event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """``exc_info`` as ``exception: {type, message, where}`` (replaces format_exc_info)."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if exc_info is True:
            exc_info = sys.exc_info()
        if isinstance(exc_info, BaseException):
            exc = exc_info
        elif isinstance(exc_info, tuple) and len(exc_info) == 3:
            exc = exc_info[1]
        else:
            exc = None
        if exc is not None:
            event_dict["exception"] = describe_exception(exc)
    event_dict.pop("stack_info", None)
    return event_dict


def _processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        exception_info,
        scrub,
    ]


class _JournalFormatter(structlog.stdlib.ProcessorFormatter):
    """One JSON line a record, prefixed with its syslog priority when journald reads it."""

    def __init__(self, *, priority_prefix: bool, **kw: Any) -> None:
        super().__init__(**kw)
        self._prefix = priority_prefix

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        line = line.replace("\n", "\\n")  # one journal entry a record, whatever happens
        if not self._prefix:
            return line
        level = record.levelno
        prio = next((p for lvl, p in sorted(_PRIORITY.items(), reverse=True) if level >= lvl), 7)
        return f"<{prio}>{line}"

    def formatException(self, ei: Any) -> str:  # noqa: N802, ARG002 (logging's override)
        return ""  # the chain logged type + scrubbed message; a traceback carries values


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    logging.getLogger("kiosk.crash").critical("uncaught exception", exc_info=(kind, exc, tb))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    thread = args.thread.name if args.thread is not None else "?"
    logging.getLogger("kiosk.crash").critical(
        "uncaught exception in thread %s", thread,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def stderr_is_journal() -> bool:
    """Whether this process's stderr is the journal stream systemd connected (sd-daemon's rule:
    ``JOURNAL_STREAM`` names the device and inode of that stream; a child whose stderr went to a
    file or a pipe inherits the variable but not the stream)."""
    device, sep, inode = os.environ.get("JOURNAL_STREAM", "").partition(":")
    if not sep:
        return False
    try:
        st = os.fstat(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # no stderr, or one with no file behind it
        return False
    return (str(st.st_dev), str(st.st_ino)) == (device, inode)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (as logging's last resort does),
    not to the stream it was when the handler was made: a replaced or closed stderr (a test's
    capture, a daemon's redirection) is never written to after it is gone."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure(stream: TextIO | None = None, level: int = logging.INFO, *,
              priority_prefix: bool | None = None) -> None:
    """Route stdlib logging and structlog to scrubbed JSON lines on `stream` (stderr: journald).

    ``priority_prefix`` defaults to "stderr is the journal" (:func:`stderr_is_journal`).
    Calling it again replaces the handler it installed (idempotent).
    """
    if priority_prefix is None:
        priority_prefix = stream is None and stderr_is_journal()
    formatter = _JournalFormatter(
        priority_prefix=priority_prefix,
        foreign_pre_chain=_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_dvc_kiosk", False):
            root.removeHandler(old)
    handler._dvc_kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[*_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def log_event(event: Event, **fields: Any) -> None:
    """Log one typed event; `fields` must be ids, counts and states, never personal data."""
    structlog.get_logger("kiosk").info(event.value, **fields)
