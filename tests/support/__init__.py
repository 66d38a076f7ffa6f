"""Helpers for tests only (not shipped): decoders and rigs that check what devices emit."""
