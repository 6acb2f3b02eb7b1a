"""The migrated template database is cached by a key; what a migration seeds must be in it."""

from tests.conftest import ROOT, _imported_modules


def test_key_follows_the_seed_data_a_migration_imports():
    migrations = sorted(ROOT.glob("*/migrations/*.py"))
    followed = _imported_modules(migrations)
    assert ROOT / "reports" / "editions" / "template_data.py" in followed
    assert not any("migrations" in path.parts for path in followed)
