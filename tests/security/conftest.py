"""Fixtures for the security suite: the fast password hasher and the sweep world."""

import pytest

from tests.security.world import build_world


@pytest.fixture
def world(org):
    return build_world(org)
