"""The sync agent: its own process, one instance per kiosk (a lease), pushing the outbox."""
