"""Benchmarks of DESIGN.md section 6: each prints its figures, then ``name=value`` last."""

BENCHMARKS = (
    "crypto",
    "upload",
    "receipt_login",
    "inbox",
    "submit_load",
    "rewrap",
    "bodies",
    "padding",
    "notify",
    "stats",
)
