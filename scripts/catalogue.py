#!/usr/bin/env python
"""The Swedish message catalogue (locale/sv/LC_MESSAGES/django.po).

Avvika's source strings are written in Swedish, so the catalogue's job is to be complete: every
string marked for translation has a reviewed Swedish entry, none empty, none fuzzy. That makes
the catalogue the place where wording is corrected without touching code, and a future second
language (e.g. English for IVO liaison) starts from a full list.

    scripts/catalogue.py update   # makemessages, then accept the Swedish source text for new entries
    scripts/catalogue.py check    # exit 1 listing entries missing, empty or fuzzy (used by the tests)

`check` extracts the strings from a copy of the source tree, so it never rewrites the committed
catalogue while it looks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
# What holds translatable strings: the apps, config, templates. Tests and tools do not.
SOURCES = [
    "cases",
    "config",
    "deviations",
    "lexsarah",
    "reports",
    "riskanalysis",
    "selfcontrol",
    "templates",
    "manage.py",
]
IGNORE = [
    ".venv",
    "node_modules",
    "tests",
    "var",
    "bench",
    "scripts",
    "static",
    "locale",
    "migrations",
]
HEADER = {
    "Project-Id-Version": "Avvika",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "Avvika",
    "Language-Team": "Svenska",
    "PO-Revision-Date": "",
    "Language": "sv",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def _makemessages(tree: Path) -> None:
    env = {**os.environ, "AVVIKA_TESTING": "1", "DEBUG": "0"}
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "sv",
        "-d",
        "django",
        "--no-obsolete",
        "--no-location",
        "-v",
        "0",
    ]
    command += [f"--ignore={pattern}" for pattern in IGNORE]
    # nosec: fixed argument list, no shell.
    subprocess.run(command, cwd=tree, env=env, check=True)  # noqa: S603


def _accept_source_text(po: polib.POFile) -> int:
    """New or changed entries take their Swedish source text; returns how many changed."""
    changed = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()) or entry.fuzzy:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                changed += 1
        elif not entry.msgstr or entry.fuzzy:
            entry.msgstr = entry.msgid
            changed += 1
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
    return changed


def update() -> int:
    _makemessages(ROOT)
    po = polib.pofile(str(CATALOGUE))
    po.metadata.update(HEADER)
    po.metadata_is_fuzzy = False
    po.header = "Avvika – svensk katalog. Källtexterna är svenska; se scripts/catalogue.py."
    changed = _accept_source_text(po)
    po.save()
    print(f"{CATALOGUE.relative_to(ROOT)}: {len(po)} entries, {changed} new or changed")
    return 0


def problems(committed: polib.POFile, extracted: polib.POFile) -> list[str]:
    """Entries the source marks for translation that the committed catalogue lacks or leaves
    empty or fuzzy."""
    have = {(e.msgctxt, e.msgid): e for e in committed if not e.obsolete}
    found = []
    for entry in extracted:
        current = have.get((entry.msgctxt, entry.msgid))
        if current is None:
            found.append(f"saknas: {entry.msgid!r}")
        elif current.fuzzy:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural and not all(current.msgstr_plural.values()):
            found.append(f"tom pluralform: {entry.msgid!r}")
        elif not entry.msgid_plural and not current.msgstr:
            found.append(f"tom: {entry.msgid!r}")
    return found


def check() -> int:
    if not CATALOGUE.exists():
        print(f"{CATALOGUE} saknas; kör scripts/catalogue.py update", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        for name in SOURCES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "migrations")
                )
            else:
                shutil.copy2(source, tree / name)
        (tree / "locale").mkdir()
        _makemessages(tree)
        extracted = polib.pofile(str(tree / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(CATALOGUE))
    found = problems(committed, extracted)
    for line in found:
        print(line)
    print(f"{len(extracted)} strängar i källkoden, {len(found)} utan svensk post")
    return 1 if found else 0


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    sys.exit({"update": update, "check": check}[action]())
