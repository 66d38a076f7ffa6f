"""A fake speech-dispatcher on a Unix socket, for the voice's failure modes. Bounded: every
socket has a timeout and the server stops with the context.

Modes:
- "silent": accepts connections and never answers anything.
- "wedged": what a real speech-dispatcher does once an utterance failed on a sound device that
  cannot be opened: it still answers its own commands (SET ..., LIST OUTPUT_MODULES) but never
  what it forwards to the wedged output module (LIST SYNTHESIS_VOICES, SPEAK).
- "ok": answers everything; a SPEAK's text is recorded and followed by BEGIN and END events.
- "no_end": like "ok" but END never comes (the audio never finishes).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FakeSpeechd:
    path: Path
    mode: str
    spoken: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    connections: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        buf, in_data, msg_id = b"", False, 0
        data: list[str] = []
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                while b"\r\n" in buf:
                    raw, buf = buf.split(b"\r\n", 1)
                    line = raw.decode("utf-8", "replace")
                    if in_data:
                        if line == ".":
                            in_data = False
                            msg_id += 1
                            self.spoken.append("\n".join(data))
                            data = []
                            self._send(conn, f"225-{msg_id}\r\n225 OK MESSAGE QUEUED\r\n")
                            self._send(conn, f"701-{msg_id}\r\n701-1\r\n701 BEGIN\r\n")
                            if self.mode == "ok":
                                self._send(conn, f"702-{msg_id}\r\n702-1\r\n702 END\r\n")
                        else:
                            data.append(line)
                        continue
                    self.commands.append(line)
                    self._answer(conn, line)
                    in_data = line == "SPEAK" and self.mode in ("ok", "no_end")

    def _answer(self, conn: socket.socket, line: str) -> None:
        word = line.split(" ", 1)[0].upper()
        if self.mode == "silent":
            return
        if self.mode == "wedged" and (word == "SPEAK" or line.upper().startswith(
                "LIST SYNTHESIS_VOICES")):
            return
        if line.upper().startswith("LIST OUTPUT_MODULES"):
            self._send(conn, "250-espeak-ng\r\n250 OK MODULE LIST SENT\r\n")
        elif line.upper().startswith("LIST SYNTHESIS_VOICES"):
            self._send(conn, "249-Vietnamese (Northern)\tvi\tnone\r\n249 OK VOICE LIST SENT\r\n")
        elif word == "SPEAK":
            self._send(conn, "230 OK RECEIVING DATA\r\n")
        elif word == "CANCEL":
            self._send(conn, "210 OK CANCELED\r\n")
        else:
            self._send(conn, "200 OK\r\n")

    @staticmethod
    def _send(conn: socket.socket, text: str) -> None:
        with suppress(OSError):
            conn.sendall(text.encode("utf-8"))

    def close(self) -> None:
        self._stop.set()


@contextmanager
def fake_speechd(path: Path, mode: str) -> Iterator[FakeSpeechd]:
    fake = FakeSpeechd(path, mode)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(8)
    server.settimeout(0.2)
    thread = threading.Thread(target=fake.serve, args=(server,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.close()
        thread.join(timeout=5)
        server.close()
