"""The POST-only action base shared by the report actions (DESIGN §8.3): the kit's
CaseActionView with the lex Sarah table (lexsarah/actions.py) as its gate.

Invisible case → 404 (from the scoped queryset); not allowed → 403; not possible now → the page
with the reason in the user's words (403); a form or service error re-renders the case page
with the bound form (400), so nothing typed is lost."""

from cases.models import CaseKind
from cases.services import ServiceError
from cases.views.detail import CaseActionView
from lexsarah.forms import (
    AssignInvestigatorForm,
    CloseForm,
    ImmediateMeasureForm,
    ImyForm,
    IvoDecisionForm,
    IvoSentForm,
    ReceiveForm,
    StartInvestigationForm,
    UrgentIvoForm,
)

from .. import selectors as sel
from ..models import LexSarahReport
from ..services import refusal_reason


def permissions_for(user, case, memberships: list | None = None) -> dict[str, bool]:
    """Who may read the IVO notification PDF (the actions follow lexsarah/actions.py). The case
    page passes what it read already: the handle rule annotated on the case and the user's
    memberships (`user_memberships`)."""
    handles = getattr(case, "user_handles", None)
    return {
        "handle": sel.can_handle(user, case) if handles is None else handles,
        "ivo": sel.has_role(user, sel.IVO_ROLES)
        if memberships is None
        else any(role in sel.IVO_ROLES for role, _path in memberships),
    }


# The form each case-page action of a report posts (the page and the POST view share it).
FORM_CLASSES = {
    "receive": ReceiveForm,
    "immediate": ImmediateMeasureForm,
    "assign": AssignInvestigatorForm,
    "investigate": StartInvestigationForm,
    "urgent": UrgentIvoForm,
    "ivo_sent": IvoSentForm,
    "ivo_decision": IvoDecisionForm,
    "imy": ImyForm,
    "close": CloseForm,
}


class ReportPost(CaseActionView):
    kind = CaseKind.LEXSARAH
    success_message = ""

    def form_kwargs(self, case) -> dict:
        return {}

    def get_form(self, case):
        return FORM_CLASSES[self.name](
            data=self.request.POST,
            files=self.request.FILES or None,
            prefix=self.name,
            **self.form_kwargs(case),
        )

    def check(self, case) -> None:
        try:
            super().check(case)
        except ServiceError as exc:
            # The same reason the service would give ("saknar bedömning", "redan beslutad").
            report = LexSarahReport.objects.select_related("case").get(pk=case.pk)
            why = refusal_reason(report, self.name)
            if why:
                raise ServiceError(why) from exc
            raise
