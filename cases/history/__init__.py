"""One readable history for every audited model (see entries.py); the include that shows it
is templates/includes/history.html."""

from .cases import case_history_entries, case_history_sources, history_of
from .entries import Change, Entry, HistorySource, history_entries

__all__ = [
    "Change",
    "Entry",
    "HistorySource",
    "case_history_entries",
    "case_history_sources",
    "history_entries",
    "history_of",
]
