"""A province's load on the gateway (bench.fleet.run)."""
