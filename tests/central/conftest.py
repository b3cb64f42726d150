"""Fixtures of the central-system tests: one real server process per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from central_helpers import SITE_A, SITE_B, Client, Server, running_server


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("central")) as server:
        yield server


@pytest.fixture(scope="module")
def site_a(central: Server) -> Client:
    return central.client(SITE_A)


@pytest.fixture(scope="module")
def site_b(central: Server) -> Client:
    return central.client(SITE_B)
