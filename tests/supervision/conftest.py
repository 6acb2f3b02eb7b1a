import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The org fixture hashes eight passwords; a cheap hasher keeps these suites quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
