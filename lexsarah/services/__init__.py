"""Lex Sarah writes (DESIGN §8.1), split by sub-domain: report, investigation, au, ivo."""

from ._common import refusal_reason
from .au import (
    agenda_item_add,
    agenda_item_decide,
    au_meeting_create,
    decision_allowed_on,
    default_meeting_title,
)
from .investigation import (
    close_blockers,
    investigation_add_report,
    investigation_assess,
    investigation_attachment_add,
    investigation_create,
    investigation_reopen,
    investigation_save_draft,
    lexsarah_close,
)
from .ivo import ivo_decide_urgent, ivo_decision_record, ivo_notification_sent
from .report import (
    immediate_measure_add,
    imy_report_record,
    lexsarah_assign_investigator,
    lexsarah_receive,
    lexsarah_report_create,
    lexsarah_spawn,
)

__all__ = [
    "agenda_item_add",
    "agenda_item_decide",
    "au_meeting_create",
    "decision_allowed_on",
    "default_meeting_title",
    "close_blockers",
    "immediate_measure_add",
    "imy_report_record",
    "investigation_add_report",
    "investigation_assess",
    "investigation_attachment_add",
    "investigation_create",
    "investigation_reopen",
    "investigation_save_draft",
    "ivo_decide_urgent",
    "ivo_decision_record",
    "ivo_notification_sent",
    "lexsarah_assign_investigator",
    "lexsarah_close",
    "lexsarah_receive",
    "lexsarah_report_create",
    "lexsarah_spawn",
    "refusal_reason",
]
