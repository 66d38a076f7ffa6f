"""The gateway's published and internal limits, in one place so tests can shrink them."""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 24 * 3600


@dataclass(frozen=True)
class GatewayLimits:
    max_chunk: int = 1024 * 1024  # published as X-Max-Chunk
    max_document: int = 32 * 1024 * 1024  # published as X-Max-Document
    max_bundle: int = 2 * 1024 * 1024 * 1024
    # A bundle's manifest.json is parsed whole (JSON of small objects takes up to 25 times its
    # size in memory). An application's entry is 1-3 kB: 16 MiB is over 5000 of them, more
    # than the 2 GiB of a bundle holds with their scans.
    max_bundle_manifest: int = 16 * 1024 * 1024
    # Entries of a bundle's tar: 2 GiB holds fewer real scans than this (one sealed scan is
    # well over 21 kB); reading a tar's headers costs about 25 us each, and every header a
    # 512-byte block (4 million empty files in 2 GiB)
    max_bundle_files: int = 100_000
    max_json_body: int = 8 * 1024 * 1024
    upload_lifetime_s: int = 30 * DAY_S  # "uploads survive at least 30 days"
    otp_lifetime_s: int = 5 * 60
    otp_max_failures: int = 5
    otp_lock_s: int = 30 * 60  # after the 5th wrong code; a new code does not lift it
    max_clock_skew_s: int = 15 * 60
    max_pull_limit: int = 1000
    max_missing_seqs: int = 1000
    # Advertised on /ping as a tus extension; off, the gateway acts as one that predates it
    # (a create must come without a body), for the agent's backward-compatibility tests.
    creation_with_upload: bool = True
