"""The "Fördela" action on the case page (issue 18): one core view and service for every type
whose action table offers it (cases/actions.py `route_action`)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.forms import route_form
from cases.selectors import cases_visible_to
from cases.services.routing import case_route

from .detail import CaseActionView


class RouteView(CaseActionView):
    name = "route"
    success_message = gettext_lazy("Ärendet är fördelat.")

    def get_form(self, case):
        return route_form(self.request, case, self.request.POST)

    def perform(self, case, data):
        return case_route(
            case=case, unit=data["unit"], actor=self.request.user, reason=data["reason"]
        )

    def get_success_message(self, case, result) -> str:
        return _("Ärendet är fördelat till %s.") % result.unit.name

    def next_url(self, case, result) -> str | None:
        # The router may no longer see the case once it sits in a section (a registrator
        # sees only cases waiting for routing): back to the queue, where the next one waits.
        if cases_visible_to(self.request.user).filter(pk=result.pk).exists():
            return None
        return reverse("inbox:list") + "#att-fordela"
