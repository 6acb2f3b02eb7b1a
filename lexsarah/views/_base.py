"""The POST-only action base shared by the report actions (DESIGN §8.3).

Invisible case → 404 (from the scoped queryset); visible but not allowed → 403; a form error
re-renders the shared case page with the bound form (nothing typed is lost, status 400)."""

from django.core.exceptions import PermissionDenied

from cases.models import CaseKind, Role
from cases.views.detail import CaseActionView

from .. import selectors as sel


def permissions_for(user, case) -> dict[str, bool]:
    """What the user may do on this (visible) report; templates and views use the same dict."""
    handle = sel.can_handle(user, case)
    au_or_quality = sel.has_role(user, sel.IVO_ROLES)
    return {
        "chef": sel.is_chef_for(user, case),
        "handle": handle,
        "urgent_ivo": sel.has_role(user, (Role.ARBETSUTSKOTT,)),
        "ivo": au_or_quality,
        "close": handle or au_or_quality,
        "imy": handle or au_or_quality,
    }


class ReportPost(CaseActionView):
    kind = CaseKind.LEXSARAH
    permission = "handle"
    success_message = ""

    def form_kwargs(self, case) -> dict:
        return {}

    def get_form(self, case):
        from .report import FORM_CLASSES

        return FORM_CLASSES[self.name](data=self.request.POST, files=self.request.FILES,
                                       prefix=self.name, **self.form_kwargs(case))

    def check_permission(self, case) -> None:
        if not permissions_for(self.request.user, case)[self.permission]:
            raise PermissionDenied
