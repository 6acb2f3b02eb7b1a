"""Fast writes for imports (100 000 rows < 60 s): rows go in by COPY, their history rows are
made by PostgreSQL itself with INSERT … SELECT from the rows just written.

`bulk_create` spends most of its time preparing each value in Python, and simple-history's
bulk helper does it a second time for the history rows and skips the M2M snapshot tables.
Here Python touches each value once (COPY), and every history table — including the M2M
snapshot of each history row — is one statement per model. The history rows are the ones
simple-history writes on an ordinary save: type "+", the user, the reason, the time.

Rows are tuples in the order of the columns named with them (no dict per row, no lookup per
value); a column left out gets the field's default (auto_now / auto_now_add fields: now).
Generated columns are left to PostgreSQL.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from cases.services.history import REASON_MAX

HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def next_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys from the table's sequence, so rows written by COPY can be linked."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def int_array(values) -> str:
    """A bigint[] literal for an `= ANY(%s::bigint[])` parameter: one string built in C, where
    psycopg's list dumper spends seconds in Python on 100 000 ids (issue 16)."""
    return "{" + ",".join(map(str, values)) + "}"


def _columns(model: type[Model], now: datetime) -> dict[str, object]:
    """Every writable column with its default value, prepared once for the database."""
    defaults: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            value = field.get_default()
        else:
            value = None
        defaults[field.column] = (
            field.get_db_prep_save(value, connection) if value is not None else None
        )
    return defaults


def copy_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    now: datetime | None = None,
    skip: tuple[str, ...] = (),
) -> int:
    """COPY rows into the model's table: each row a tuple of values for `columns`; every other
    writable column gets its field default (the same for every row, so it is prepared once and
    appended), except `skip`: columns left to the database (e.g. a serial id of through rows).
    `rows` may be a generator: each row is made as it is sent, no list of them all."""
    defaults = _columns(model, now or timezone.now())
    rest = [c for c in defaults if c not in skip and c not in columns]
    tail = tuple(defaults[c] for c in rest)
    names = [*columns, *rest]
    types = _pg_types(model, names)
    table = model._meta.db_table
    written = 0
    # A query from `rows` while the COPY is open would wait for the connection forever:
    # refuse it loudly instead.
    with connection.cursor() as cursor, connection.execute_wrapper(_refuse_query):
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        sql = f"COPY {_q(table)} ({', '.join(_q(c) for c in names)}) FROM STDIN"
        with raw.copy(sql + " (FORMAT BINARY)" if types else sql) as copy:
            if types:
                copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row + tail)
                written += 1
    return written


def _refuse_query(execute, sql, params, many, context):
    raise RuntimeError(f"a query while a COPY is open: {sql[:80]}")


def _pg_types(model: type[Model], columns: list[str]) -> list[str] | None:
    """The columns' PostgreSQL types for a binary COPY (a third of the text COPY's time at
    100 000 rows: no per-value type lookup, no text formatting), or None when one of them is
    not a built-in type psycopg knows by name; then the COPY is text, as before."""
    from psycopg.postgres import types as builtins

    by_column = {f.column: f for f in model._meta.concrete_fields}
    names = []
    for column in columns:
        db_type = by_column[column].db_type(connection) or ""
        info = builtins.get(db_type.split("(", 1)[0].strip())
        if info is None:
            return None
        names.append(info.name)
    return names


def history_from_rows(
    model: type[Model],
    key_column: str,
    keys: list[int],
    *,
    user,
    reason: str,
    now: datetime | None = None,
) -> dict[int, int]:
    """One history row ("+") for each row of `model` whose `key_column` is in `keys`; returns
    {primary key: history_id} of the rows written."""
    if not keys:
        return {}
    history = model.history.model  # type: ignore[attr-defined]
    source = [f.column for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    tracked = [f.column for f in history._meta.concrete_fields if f.column in source]
    pk = model._meta.pk.column
    sql = (
        # Names from model metadata only; every value is a parameter.
        f"INSERT INTO {_q(history._meta.db_table)} "  # noqa: S608
        f"({', '.join(_q(c) for c in tracked + list(HISTORY_COLUMNS))}) "
        f"SELECT {', '.join(_q(c) for c in tracked)}, %s, %s, '+', %s "
        f"FROM {_q(model._meta.db_table)} WHERE {_q(key_column)} = ANY(%s::bigint[]) "
        f"RETURNING {_q(pk)}, history_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                now or timezone.now(),
                reason[:REASON_MAX],
                getattr(user, "pk", None),
                int_array(keys),
            ],
        )
        return dict(cursor.fetchall())


def m2m_history_from_rows(model: type[Model], field_name: str, history_ids: dict[int, int]) -> None:
    """The M2M snapshot that belongs to each history row: the through rows of the owners in
    `history_ids` ({owner pk: history_id}), copied into the field's history table."""
    if not history_ids:
        return
    field = model._meta.get_field(field_name)
    through = field.remote_field.through  # type: ignore[union-attr]
    owner = through._meta.get_field(field.m2m_field_name()).column  # type: ignore[union-attr]
    target = through._meta.get_field(field.m2m_reverse_field_name()).column  # type: ignore[union-attr]
    history_m2m = _m2m_history_model(model, field_name)
    sql = (
        # Names from model metadata only; every value is a parameter.
        f"INSERT INTO {_q(history_m2m._meta.db_table)} "  # noqa: S608
        f"(history_id, id, {_q(owner)}, {_q(target)}) "
        f"SELECT h.hid, t.id, t.{_q(owner)}, t.{_q(target)} "
        f"FROM {_q(through._meta.db_table)} t "
        f"JOIN unnest(%s::bigint[], %s::bigint[]) AS h(owner, hid) ON h.owner = t.{_q(owner)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [int_array(history_ids), int_array(history_ids.values())])


def _m2m_history_model(model: type[Model], field_name: str) -> type[Model]:
    from django.apps import apps

    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field_name}")
