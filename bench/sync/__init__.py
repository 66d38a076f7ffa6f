"""Sync benchmarks over loopback: `python -m bench.sync` (or `python bench/sync/run.py`)."""
