import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The org fixture hashes eight passwords; a cheap hasher keeps these suites quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Kvalitetsberättelse fixtures (issue #8): the hand-built dataset and a default edition.
from tests.reports.edition_data import dataset, edition  # noqa: E402,F401
