"""The history tab of a case, for every case type: the case and its shared parts from the
core, the type's own rows through the registry (`CaseType.history_sources`)."""

from django.db.models import Model
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseLink, Measure, Note
from cases.registry import case_type_or_none
from cases.workflow import Workflow, workflow_for

from .entries import Entry, HistorySource, history_entries


def history_of(model: type[Model], case_field: str = "case_id", *, label: str = "", **options):
    """A `history_sources` helper: fn(case) → the model's rows for one case. A row keyed by
    the case itself (Deviation, Complaint, LexSarahReport) is a part of the case."""

    options.setdefault("part", bool(model._meta.pk.one_to_one))
    # The key that ties the row to the case names what the page is already about.
    options["hidden"] = frozenset(options.get("hidden", ())) | {case_field.removesuffix("_id")}
    label = label or str(model._meta.verbose_name)

    def _source(case: Case) -> HistorySource:
        records = model.history.filter(**{case_field: case.pk})  # type: ignore[attr-defined]
        return HistorySource(model, records, label, **options)

    return _source


def _case_verb(workflow: Workflow):
    def verb(history_type: str, changed: dict) -> str | None:
        if history_type == "~" and "status" in changed:
            old, new = changed["status"]
            if new in workflow.closed:
                return _("avslutade %(what)s")
            if old in workflow.closed:
                return _("öppnade %(what)s igen")
            return _("ändrade status för %(what)s")
        return None

    return verb


def case_history_sources(case: Case) -> list[HistorySource]:
    wf = workflow_for(case.kind)
    sources = [
        HistorySource(
            Case,
            case.history.all(),
            _("ärendet"),  # type: ignore[attr-defined]
            formats={"status": wf.label, "outcome": wf.outcome_label},
            verb=_case_verb(wf),
        ),
        history_of(Measure, label=_("åtgärd"))(case),
        history_of(Note, label=_("anteckning"))(case),
        # The stored file name is random; the original name says which file it is.
        history_of(Attachment, label=_("bilaga"), hidden=frozenset({"file"}))(case),
        history_of(CaseLink, "source_id", label=_("koppling till annat ärende"))(case),
    ]
    case_type = case_type_or_none(case.kind)
    if case_type is not None and case_type.history_sources is not None:
        sources.extend(case_type.history_sources(case))
    return sources


def case_history_entries(case: Case, *, reader) -> list[Entry]:
    return history_entries(case_history_sources(case), reader=reader)
