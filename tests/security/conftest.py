"""The reference-gateway fixtures of tests/sync (a fake clock, a running gateway, a registered
kiosk) for the security tests that attack the gateway; a file defining its own takes precedence."""

from tests.sync.conftest import clock, gateway, kiosk

__all__ = ["clock", "gateway", "kiosk"]
