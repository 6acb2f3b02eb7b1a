"""Import applier for klagomål och synpunkter (`CaseType.import_applier`, kind "complaint").

Each imported complaint row gets its Complaint row: source (utomstående/personal from `typ`),
complaint type (`klagomalstyp`, else the inactive code "okand"), topics (`amnen`),
`avvikelse_konstaterad`, sender category (`avsandare`) and channel (`kanal`), blank ("Ej
angivet" in statistics) when the file leaves them out, and the reply (`aterkoppling`,
`aterkoppling_datum`). No contact data and no receipt code are imported.

Written with cases.imports.bulk (100 000 rows < 60 s): COPY for the rows and the topic links,
one INSERT … SELECT each for the history rows and their topic snapshots.
"""

from cases.complaints.models import Complaint
from cases.imports import bulk
from cases.imports.runner import UNKNOWN_TYPE
from cases.models import CodeList

FOUND = {"ja": True, "nej": False, "": None}


def _code_id(codes, codelist: str, row_codes: dict, column: str) -> int | None:
    values = row_codes.get(column) or []
    return codes[(codelist, values[0])].pk if values else None


COLUMNS = (
    "case_id",
    "source",
    "complaint_type_id",
    "sender_category_id",
    "channel_id",
    "deviation_found",
    "reply_text",
    "replied_on",
)


def complaints_import_apply(items, *, codes, user, reason: str) -> None:
    """items: list of (ImportedCase, CaseRow); codes maps (codelist, code) → Code."""
    if not items:
        return
    rows, links = [], []
    for case, row in items:
        type_code = (row.codes.get("klagomalstyp") or [UNKNOWN_TYPE])[0]
        rows.append(
            (
                case.pk,
                row.source,
                codes[(CodeList.COMPLAINT_TYPE, type_code)].pk,
                _code_id(codes, CodeList.SENDER_CATEGORY, row.codes, "avsandare"),
                _code_id(codes, CodeList.CHANNEL, row.codes, "kanal"),
                FOUND[row.raw.get("avvikelse_konstaterad", "").strip().lower()],
                row.raw.get("aterkoppling", ""),
                row.dates.get("aterkoppling_datum"),
            )
        )
        links += [
            (case.pk, codes[(CodeList.COMPLAINT_TOPIC, c)].pk) for c in row.codes.get("amnen", [])
        ]
    ids = [case.pk for case, _row in items]
    bulk.copy_rows(Complaint, COLUMNS, rows)
    history = bulk.history_from_rows(Complaint, "case_id", ids, user=user, reason=reason)
    bulk.copy_rows(Complaint.topics.through, ("complaint_id", "code_id"), links, skip=("id",))
    # The history row's snapshot of the topics, as simple-history writes it on an ordinary save.
    bulk.m2m_history_from_rows(Complaint, "topics", history)
