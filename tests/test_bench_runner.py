"""`make bench`'s one table (issue 16 point 7): the rows measured in child processes (the
import, the kvalitetsberättelse compile) join it, judged like every other row."""

from bench import run


def _row(**extra) -> dict:
    base = {"rows": 100_000, "runs": 1, "queries": None, "sql_ms": None, "unit": "s"}
    return {**base, **extra}


def test_a_child_row_in_seconds_is_judged_against_its_target():
    fast = run.judge(run.adapt("import", _row(name="i", median_ms=18, p95_ms=19, target_ms=20)))
    slow = run.judge(run.adapt("import", _row(name="i", median_ms=30, p95_ms=36, target_ms=20)))
    assert (fast["flag"], slow["flag"]) == ("ok", "MISS")
    assert slow["ratio"] == 36 / 20


def test_an_import_that_did_not_create_every_row_fails_whatever_its_time():
    row = _row(name="i", median_ms=5, p95_ms=5, target_ms=20, created_all=False)
    assert not run.judge(run.adapt("import", row))["ok"]


def test_a_child_that_fails_leaves_a_failing_row_in_the_table(capsys):
    rows = run._child("report", "no_such_bench.py")
    assert len(rows) == 1
    assert not rows[0]["ok"]
    assert rows[0]["flag"].startswith("EXIT")
    run.print_table(rows)
    assert "report_failed" in capsys.readouterr().out
