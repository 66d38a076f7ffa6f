"""HTTP client for gateway protocol v1: signs every request, trusts only signed answers."""
