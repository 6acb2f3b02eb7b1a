"""A single case as PDF for public-records requests (utlämnande), optionally masked."""

from django.http import HttpResponse
from django.views import View

from cases.history import case_history_entries
from cases.models import AccessAction, Role
from cases.pdf import case_print_context, render_pdf
from cases.registry import case_type_or_none
from cases.services.access import access_log_record

from .detail import CaseMixin


class CasePdfView(CaseMixin, View):
    """GET ?maskerad=1 removes names and personnummer. Only handlers and quality staff print."""

    required_roles = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG, Role.ARBETSUTSKOTT, Role.UTREDARE)

    def get(self, request, *args, **kwargs):
        case = self.get_case()
        masked = request.GET.get("maskerad") == "1"
        history = case_history_entries(case, reader=request.user)
        names = self._known_names(case, history) if masked else []
        context = case_print_context(
            case, history=history, masked=masked, names=names, printed_by=request.user
        )
        pdf = render_pdf("cases/print.html", context)
        access_log_record(
            user=request.user,
            case=case,
            action=AccessAction.PRINT,
            request=request,
            detail="utlämnande, maskerad" if masked else "utlämnande",
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        suffix = "-maskerad" if masked else ""
        response["Content-Disposition"] = f'attachment; filename="{case.reference}{suffix}.pdf"'
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _known_names(case, history) -> list[str]:
        users = [case.reporter, case.assignee]
        users += [n.author for n in case.notes.select_related("author")]
        users += [m.responsible for m in case.measures.select_related("responsible")]
        users += [h.history_user for h in case.history.select_related("history_user")]
        # People named in the history (a former handläggare in a reason) are masked too.
        names: list[str] = [e.user for e in history if not e.system]
        names += [
            v for e in history for c in e.changes if c.person for v in (c.old, c.new) if v != "–"
        ]
        for u in users:
            if u is not None:
                names += [u.get_full_name(), u.first_name, u.last_name, u.username]
        ct = case_type_or_none(case.kind)
        if ct is not None and ct.personal_names is not None:
            names += ct.personal_names(case)
        return names
