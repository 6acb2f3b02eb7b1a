"""The Swedish catalogue is complete: every string marked for translation in the apps and
templates has a non-empty, non-fuzzy entry in locale/sv/LC_MESSAGES/django.po, and the compiled
catalogue is what Django serves."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import catalogue  # noqa: E402

pytestmark = pytest.mark.slow


def test_every_marked_string_has_a_swedish_entry():
    result = subprocess.run(
        [sys.executable, "scripts/catalogue.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout.splitlines()[-1] if result.stdout else result.stderr)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_check_reports_missing_empty_and_fuzzy_entries():
    extracted = polib.POFile()
    for msgid in ("Inkorg", "Avsluta ärendet", "Spara utkast"):
        extracted.append(polib.POEntry(msgid=msgid, msgstr=""))
    committed = polib.POFile()
    committed.append(polib.POEntry(msgid="Inkorg", msgstr="Inkorg"))
    committed.append(polib.POEntry(msgid="Avsluta ärendet", msgstr=""))
    committed.append(polib.POEntry(msgid="Spara utkast", msgstr="Spara", flags=["fuzzy"]))
    problems = catalogue.problems(committed, extracted)
    assert problems == ["tom: 'Avsluta ärendet'", "fuzzy: 'Spara utkast'"]
    extracted.append(polib.POEntry(msgid="Ny text", msgstr=""))
    assert "saknas: 'Ny text'" in catalogue.problems(committed, extracted)


def test_catalogue_header_is_swedish():
    po = polib.pofile(str(catalogue.CATALOGUE))
    assert po.metadata["Language"] == "sv"
    assert "nplurals=2" in po.metadata["Plural-Forms"]
