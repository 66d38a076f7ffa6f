"""The QR benchmark's own parts: seeded frames are reproducible, and its judging is right."""

from __future__ import annotations

import random

import numpy as np
from pyzbar import pyzbar

from bench.qr.gen_frames import generate
from bench.qr.payloads import cccd_payload
from bench.qr.run import CCCD_CHARSETS, Case, Read, Tally, judge
from tests.data.qr.scenes import CCCD_DANG, scene


def test_same_seed_same_frames_other_seed_other_frames() -> None:
    first = list(generate(seed=11, n_card=2, n_phone=1, n_negative=1))
    again = list(generate(seed=11, n_card=2, n_phone=1, n_negative=1))
    other = list(generate(seed=12, n_card=2, n_phone=1, n_negative=1))

    assert [f.kind for f in first] == ["card", "card", "phone", "negative"]
    assert all(f.image.shape == (720, 1280, 3) for f in first)
    assert [f.expected for f in first] == [f.expected for f in again]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again, strict=True))
    assert [f.expected for f in first] != [f.expected for f in other]
    assert first[-1].expected is None


def test_payloads_follow_the_cccd_layout() -> None:
    rng = random.Random(3)
    for _ in range(200):
        fields = cccd_payload(rng).split("|")
        assert len(fields) in (7, 11)
        citizen_id, old_id, _name, birth, gender, _address, issued = fields[:7]
        assert len(citizen_id) == 12
        assert citizen_id.isdigit()
        assert old_id == "" or (len(old_id) == 9 and old_id.isdigit())
        century_gender = int(citizen_id[3])
        assert century_gender % 2 == (1 if gender == "Nữ" else 0)
        assert (century_gender // 2) == (0 if int(birth[4:]) < 2000 else 1)
        assert citizen_id[4:6] == birth[6:8]
        assert len(issued) == 8
        assert issued.isdigit()


def test_judge_tells_reads_mojibake_wrong_and_false_reads_apart() -> None:
    garbled = pyzbar.decode(scene(CCCD_DANG))[0].data.decode("utf-8")
    case = Case("c", "card", np.zeros((1, 1), np.uint8), CCCD_DANG)
    empty = Case("n", "negative", np.zeros((1, 1), np.uint8), None)
    tally = Tally()

    judge([Read(None, CCCD_DANG.encode("utf-8"))], case, CCCD_CHARSETS, tally, 1.0)
    judge([Read(garbled, None)], case, CCCD_CHARSETS, tally, 1.0)
    judge([Read(None, b"012345678901|something else")], case, CCCD_CHARSETS, tally, 1.0)
    judge([], case, CCCD_CHARSETS, tally, 1.0)
    judge([Read(None, b"x")], empty, CCCD_CHARSETS, tally, 1.0)

    assert garbled != CCCD_DANG
    assert (tally.read, tally.mojibake, tally.wrong, tally.false_reads) == (1, 1, 1, 1)
    assert (tally.positives, tally.frames) == (4, 5)
