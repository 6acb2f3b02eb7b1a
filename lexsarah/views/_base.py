"""The POST-only action base shared by the report actions (DESIGN §8.3).

Invisible case → 404 (from the scoped queryset); visible but not allowed → 403; a form error
re-renders the shared case page with the bound form (nothing typed is lost, status 400)."""

from django.core.exceptions import PermissionDenied

from cases.actions import actor_for_case
from cases.models import CaseKind
from cases.registry import case_type
from cases.views.detail import CaseActionView

from .. import selectors as sel


def permissions_for(user, case) -> dict[str, bool]:
    """Who may read the IVO notification PDF (the actions follow lexsarah/actions.py)."""
    return {
        "handle": sel.can_handle(user, case),
        "ivo": sel.has_role(user, sel.IVO_ROLES),
    }


class ReportPost(CaseActionView):
    """One case-page action (`name` is its entry in lexsarah/actions.py). A user the action's
    rule never allows gets 403 before the form is read; status and conditions are the
    service's to refuse, with a Swedish message on the re-rendered page."""

    kind = CaseKind.LEXSARAH
    success_message = ""

    def form_kwargs(self, case) -> dict:
        return {}

    def get_form(self, case):
        from .report import FORM_CLASSES

        return FORM_CLASSES[self.name](data=self.request.POST, files=self.request.FILES,
                                       prefix=self.name, **self.form_kwargs(case))

    def check_permission(self, case) -> None:
        action = case_type(case.kind).action(self.name)
        if not action.who(actor_for_case(self.request.user, case)):
            raise PermissionDenied
