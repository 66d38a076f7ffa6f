"""USB bundles: carry sealed applications out when a commune has had no link for days."""
