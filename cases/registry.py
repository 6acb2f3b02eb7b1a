"""What each case type adds to the shared case pages. Apps register in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseTypeUI:
    kind: str
    # Template included on the case detail page, below the shared facts.
    detail_template: str
    # Extra context for that template: fn(request, case) -> dict.
    detail_context: Callable | None = None
    # Type-specific transition services the inbox's bulk actions call, each
    # fn(*, case, actor, reason="") -> Case (and for assign also assignee=). None: the type
    # has no such step, and the inbox skips its cases with a message.
    receive: Callable | None = None
    assign: Callable | None = None
    # The type's own audited rows on the history tab: fn(case) -> [(model, history qs, label)].
    history_sources: Callable | None = None


_UI: dict[str, CaseTypeUI] = {}


def register_case_type(ui: CaseTypeUI) -> None:
    _UI[ui.kind] = ui


def case_type_ui(kind: str) -> CaseTypeUI | None:
    return _UI.get(kind)
