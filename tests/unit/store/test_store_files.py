"""Atomic, durable writes: a file is absent or complete, never partial."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kiosk.store.files import atomic_write, is_temp_name


def test_atomic_write_creates_directories_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "app"
    final = atomic_write(target, "doc1", b"sealed bytes")
    assert final == target / "doc1"
    assert final.read_bytes() == b"sealed bytes"
    assert [p.name for p in target.iterdir()] == ["doc1"]
    assert final.stat().st_mode & 0o777 == 0o600


def test_atomic_write_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    atomic_write(tmp_path, "f", b"old contents that are longer")
    atomic_write(tmp_path, "f", b"new")
    assert (tmp_path / "f").read_bytes() == b"new"


def test_a_failed_write_leaves_neither_temp_nor_final(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space") as caught:
        atomic_write(tmp_path, "doc", b"x" * 10_000)
    assert caught.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", ".x.0123.tmp"])
def test_names_that_are_not_plain_files_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        atomic_write(tmp_path, name, b"")


def test_temp_names_are_recognised() -> None:
    assert is_temp_name(".doc1.0a1b.tmp")
    assert not is_temp_name("doc1")
    assert not is_temp_name(".hidden")
