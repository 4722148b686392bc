"""Cross-cutting protections: response headers, client anonymity, zone guards."""
