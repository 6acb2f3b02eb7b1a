"""The case tally (reports.models.CaseTally) and the statement triggers that keep it.

Every statement that inserts, updates or deletes cases or complaints adds its difference to
the tally in the same transaction: the rows before (-1) and after (+1), grouped to one upsert
per key, keys in one order (so two writers never wait for each other crosswise). Only the
columns the tally keys on count as a change: a status change costs one join of two one-row
sets and writes nothing. TRUNCATE rebuilds it from the tables. The months are local months of
settings.TIME_ZONE when this migration ran (a change of time zone needs
`manage.py rebuild_case_tally`, which recreates nothing but the rows)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TZ = settings.TIME_ZONE.replace("'", "")
KEY = "rule, month, kind, variant, unit_id, skyddad"


def facts(relation: str, variant: str, sign: str, where: str = "TRUE") -> str:
    """One row per (case, date rule) of `relation` (aliased c) with its local month."""
    return f"""
        SELECT r.rule, r.month, c.kind, {variant} AS variant, c.unit_id, c.skyddad,
               {sign} AS n
        FROM {relation}
        CROSS JOIN LATERAL (VALUES
            ('r', date_trunc('month', c.received_at AT TIME ZONE '{TZ}')::date),
            ('c', date_trunc('month', c.closed_at AT TIME ZONE '{TZ}')::date)
        ) AS r(rule, month)
        WHERE r.month IS NOT NULL AND {where}"""


def upsert(*parts: str) -> str:
    union = " UNION ALL ".join(parts)
    return f"""
        INSERT INTO reports_casetally ({KEY}, n)
        SELECT {KEY}, SUM(n) FROM ({union}) AS d
        GROUP BY {KEY} HAVING SUM(n) <> 0 ORDER BY {KEY}
        ON CONFLICT ON CONSTRAINT case_tally_key
        DO UPDATE SET n = reports_casetally.n + EXCLUDED.n;"""


def function(name: str, body: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN {body} RETURN NULL; END $fn$;"""


WITH_SOURCE = "{rows} c LEFT JOIN cases_complaint cp ON cp.case_id = c.id"
CHANGED = """(SELECT o.* FROM old_rows o JOIN new_rows n2 ON n2.id = o.id
    WHERE (o.unit_id, o.kind, o.skyddad, o.received_at, o.closed_at)
      IS DISTINCT FROM (n2.unit_id, n2.kind, n2.skyddad, n2.received_at, n2.closed_at))"""
CHANGED_NEW = CHANGED.replace("SELECT o.*", "SELECT n2.*")
CASE_OF = "cases_case c JOIN {rows} x ON x.case_id = c.id"
SOURCE_CHANGED = """(SELECT n2.* FROM new_rows n2 JOIN old_rows o ON o.case_id = n2.case_id
    WHERE o.source IS DISTINCT FROM n2.source)"""

REBUILD = f"""
    CREATE OR REPLACE FUNCTION reports_casetally_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
        DELETE FROM reports_casetally;
        INSERT INTO reports_casetally ({KEY}, n)
        SELECT {KEY}, SUM(n) FROM ({facts(WITH_SOURCE.format(rows="cases_case"),
                                         "COALESCE(cp.source, '')", "1")}) AS d
        GROUP BY {KEY};
    END $fn$;
    CREATE OR REPLACE FUNCTION reports_casetally_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$ BEGIN PERFORM reports_casetally_rebuild(); RETURN NULL; END $fn$;
"""

SOURCE = "COALESCE(cp.source, '')"
FUNCTIONS = [
    function(
        "reports_casetally_case_insert",
        upsert(facts(WITH_SOURCE.format(rows="new_rows"), SOURCE, "1")),
    ),
    function(
        "reports_casetally_case_delete",
        upsert(facts(WITH_SOURCE.format(rows="old_rows"), SOURCE, "-1")),
    ),
    function(
        "reports_casetally_case_update",
        upsert(
            facts(WITH_SOURCE.format(rows=CHANGED), SOURCE, "-1"),
            facts(WITH_SOURCE.format(rows=CHANGED_NEW), SOURCE, "1"),
        ),
    ),
    # A complaint row moves its case from variant "" to its source, and back when deleted.
    function(
        "reports_casetally_complaint_insert",
        upsert(
            facts(CASE_OF.format(rows="new_rows"), "''", "-1"),
            facts(CASE_OF.format(rows="new_rows"), "x.source", "1"),
        ),
    ),
    function(
        "reports_casetally_complaint_delete",
        upsert(
            facts(CASE_OF.format(rows="old_rows"), "x.source", "-1"),
            facts(CASE_OF.format(rows="old_rows"), "''", "1"),
        ),
    ),
    function(
        "reports_casetally_complaint_update",
        upsert(
            facts(
                "cases_case c JOIN old_rows x ON x.case_id = c.id "
                "JOIN new_rows y ON y.case_id = x.case_id",
                "x.source",
                "-1",
                "x.source IS DISTINCT FROM y.source",
            ),
            facts(CASE_OF.format(rows=SOURCE_CHANGED), "x.source", "1"),
        ),
    ),
]


def trigger(table: str, event: str, refs: str) -> str:
    name = f"reports_casetally_{table.split('_')[1]}_{event.lower()}"
    return f"""CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();"""


TRIGGERS = [
    trigger("cases_case", "INSERT", "NEW TABLE AS new_rows"),
    trigger("cases_case", "DELETE", "OLD TABLE AS old_rows"),
    trigger("cases_case", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    trigger("cases_complaint", "INSERT", "NEW TABLE AS new_rows"),
    trigger("cases_complaint", "DELETE", "OLD TABLE AS old_rows"),
    trigger("cases_complaint", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    """CREATE TRIGGER reports_casetally_case_truncate AFTER TRUNCATE ON cases_case
        FOR EACH STATEMENT EXECUTE FUNCTION reports_casetally_truncated();""",
    """CREATE TRIGGER reports_casetally_complaint_truncate AFTER TRUNCATE ON cases_complaint
        FOR EACH STATEMENT EXECUTE FUNCTION reports_casetally_truncated();""",
]

DROP = """
    DROP TRIGGER IF EXISTS reports_casetally_case_insert ON cases_case;
    DROP TRIGGER IF EXISTS reports_casetally_case_delete ON cases_case;
    DROP TRIGGER IF EXISTS reports_casetally_case_update ON cases_case;
    DROP TRIGGER IF EXISTS reports_casetally_case_truncate ON cases_case;
    DROP TRIGGER IF EXISTS reports_casetally_complaint_insert ON cases_complaint;
    DROP TRIGGER IF EXISTS reports_casetally_complaint_delete ON cases_complaint;
    DROP TRIGGER IF EXISTS reports_casetally_complaint_update ON cases_complaint;
    DROP TRIGGER IF EXISTS reports_casetally_complaint_truncate ON cases_complaint;
    DROP FUNCTION IF EXISTS reports_casetally_case_insert(), reports_casetally_case_delete(),
        reports_casetally_case_update(), reports_casetally_complaint_insert(),
        reports_casetally_complaint_delete(), reports_casetally_complaint_update(),
        reports_casetally_truncated(), reports_casetally_rebuild();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_start_page_person_indexes"),
        ("reports", "0006_goteborg_template"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rule", models.CharField(max_length=1)),
                ("month", models.DateField()),
                ("kind", models.CharField(max_length=20)),
                ("variant", models.CharField(blank=True, max_length=30)),
                ("skyddad", models.BooleanField()),
                ("n", models.IntegerField()),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.unit",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("rule", "month", "kind", "variant", "unit", "skyddad"),
                        name="case_tally_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            REBUILD + "".join(FUNCTIONS) + "".join(TRIGGERS)
            + "SELECT reports_casetally_rebuild(); ANALYZE reports_casetally;",
            DROP,
        ),
    ]
