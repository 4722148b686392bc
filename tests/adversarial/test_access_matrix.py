"""The access matrix of ``tests/support/access_matrix.py``: every route against every role.

Every route of ``app.url_map`` must be in the matrix and nothing else; each is
requested as every role and must give the cell's outcome and carry the
security headers of DESIGN.md section 5; a method a path does not take gets
405 from everyone.
"""

from __future__ import annotations

import pytest

from tests.support.access_matrix import (
    SESSION_ENDERS,
    STREAMING,
    expected_outcomes,
    outcome,
    parse_matrix,
    request_as,
    route_methods,
    url_of,
)
from tests.support.headers import assert_baseline
from tests.support.world import ROLES, World, build_world
from wbs_app.extensions import csrf


def test_every_route_is_in_the_matrix_and_nothing_else(app) -> None:
    in_app = set(route_methods(app))
    in_table = set(parse_matrix())
    assert not in_app - in_table, f"routes missing from the access matrix: {in_app - in_table}"
    assert not in_table - in_app, (
        f"the matrix names routes that no longer exist: {in_table - in_app}"
    )
    for endpoint, methods in route_methods(app).items():
        for role, cell in parse_matrix()[endpoint].items():
            assert len(cell.split("/")) in (1, len(methods)), (endpoint, role, cell, methods)


def test_streaming_routes_are_exactly_the_csrf_exempt_ones(app) -> None:
    """A route that skips the global CSRF hook must be one that checks the token itself."""
    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
    }
    assert exempt == STREAMING


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def test_access_matrix(world: World) -> None:
    app = world.app
    table = parse_matrix()
    methods = route_methods(app)
    order = [e for e in table if e not in SESSION_ENDERS] + list(SESSION_ENDERS)
    mismatches = []
    for endpoint in order:
        for role in ROLES:
            expected = expected_outcomes(table[endpoint][role], methods[endpoint])
            for method, want in zip(methods[endpoint], expected, strict=True):
                response = request_as(world, role, endpoint, method)
                if endpoint in SESSION_ENDERS:
                    world.tokens.pop(role, None)  # ending a session starts a new CSRF session
                assert_baseline(response)
                got = outcome(app, endpoint, response)
                if got != want:
                    mismatches.append(f"{endpoint} {method} as {role}: {got}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def test_methods_a_path_does_not_take_get_405_from_everyone(world: World) -> None:
    app = world.app
    taken: dict[str, set[str]] = {}
    paths = {endpoint: url_of(world, endpoint) for endpoint in route_methods(app)}
    for endpoint, methods in route_methods(app).items():
        taken.setdefault(paths[endpoint], set()).update(methods)
    for path, methods in taken.items():
        for role in ROLES:
            client = world.clients[role]
            if "GET" not in methods:
                response = client.get(path)
                assert response.status_code == 405, (endpoint, role)
                assert_baseline(response)
            if "POST" not in methods:
                response = client.post(path, data={"csrf_token": world.token(role, path)})
                assert response.status_code == 405, (endpoint, role)
                assert_baseline(response)
