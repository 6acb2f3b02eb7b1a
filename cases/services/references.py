"""Gap-free reference numbers per prefix and year (AV-2025-0042)."""

from django.db import connection, transaction

from cases.models import ReferenceCounter


def reference_next(*, prefix: str, year: int) -> str:
    """Take the next number. Must run inside the transaction that creates the case, so a
    rollback gives the number back and the series stays gap-free."""
    assert transaction.get_connection().in_atomic_block, "reference_next needs a transaction"
    with connection.cursor() as cursor:
        # Upsert + row lock in one statement: concurrent callers queue on the same row.
        cursor.execute(
            f"""
            INSERT INTO {ReferenceCounter._meta.db_table} (prefix, year, last_number)
            VALUES (%s, %s, 1)
            ON CONFLICT (prefix, year)
            DO UPDATE SET last_number = {ReferenceCounter._meta.db_table}.last_number + 1
            RETURNING last_number
            """,  # noqa: S608 - table name is ours, values are parameters
            [prefix, year],
        )
        number = cursor.fetchone()[0]
    return f"{prefix}-{year}-{number:04d}"
