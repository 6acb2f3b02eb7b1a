"""Fixtures for the security suite: the fast password hasher and the sweep world."""

import pytest

from tests.security.world import build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The org fixture hashes nine passwords; PBKDF2 at full strength dominates the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(org):
    return build_world(org)
