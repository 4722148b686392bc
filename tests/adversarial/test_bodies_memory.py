"""The measured figure of issue 18's "Bodies": a 500 MiB url-encoded POST on every route.

Through gunicorn with the project's configuration (``bench/bodies.py``): one
worker's peak resident set grows by less than 32 MiB while every POST route
gets such a body, then four at once, one sent chunked and a multipart one
to every route that takes no files (415).
"""

from __future__ import annotations

import pytest

from bench import bodies

pytestmark = pytest.mark.slow


def test_bodies_memory_bound(capsys) -> None:
    figures = bodies.measure(500)
    print(figures)
    assert figures["routes"] > 40
    assert set(figures["statuses"]) <= {400, 413}  # nothing accepted, nothing crashed
    assert figures["chunked_status"] == 413
    assert set(figures["multipart_statuses"]) == {415}
    assert figures["growth_mib"] < 32
