"""The public e-service for klagomål och synpunkter: no login, CSRF, rate limits, honeypot.

Residents submit at /e-tjanst/ and later read status and reply with a receipt code at
/e-tjanst/kvitto/. Rate limits live in the Django cache (Redis) and fail open: a Redis outage
must never turn a resident's complaint into a 500.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from cases.complaints.forms import AdditionForm, PublicComplaintForm, ReceiptCodeForm
from cases.complaints.models import Complaint
from cases.complaints.services import (
    ComplaintAttachmentError,
    complaint_addition_add,
    complaint_by_receipt_code,
    complaint_submit_public,
)
from cases.forms import limit_echo
from cases.ratelimit import client_ip, rate_count, rate_hit
from cases.services import ServiceError

logger = logging.getLogger(__name__)

SUBMIT_LIMIT = getattr(settings, "COMPLAINT_SUBMIT_LIMIT", 20)  # POSTs per IP and hour
SUBMIT_WINDOW = 60 * 60
RECEIPT_FAIL_LIMIT = getattr(settings, "COMPLAINT_RECEIPT_FAIL_LIMIT", 5)  # wrong codes per IP
RECEIPT_LOCK_SECONDS = 15 * 60
ADDITION_LIMIT = getattr(settings, "COMPLAINT_ADDITION_LIMIT", 10)  # per complaint and hour
ADDITION_WINDOW = 60 * 60
RECEIPT_SESSION_KEY = "complaint_receipt_access"
RECEIPT_SESSION_SECONDS = 20 * 60
SHOW_ONCE_SESSION_KEY = "complaint_receipt_show_once"


# --- Rate limiting (cache based, fails open) ---------------------------------------------------


def _key(name: str, request) -> str:
    return f"complaints:{name}:{client_ip(request)}"


# --- Submitting -------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class PublicComplaintView(FormView):
    template_name = "public/complaint_form.html"
    form_class = PublicComplaintForm

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if rate_hit(_key("submit", request), SUBMIT_WINDOW) > SUBMIT_LIMIT:
            form.is_valid()  # keep and show what was typed
            limit_echo(form)
            form.add_error(
                None,
                _(
                    "Du har skickat många formulär på kort tid. Vänta en stund och försök igen, "
                    "eller ring kommunens kontaktcenter."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_invalid(self, form):
        limit_echo(form)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = form.cleaned_data
        upload = data.get("attachment")
        try:
            submission = complaint_submit_public(
                unit=data["unit"],
                complaint_type=data["complaint_type"],
                description=data["description"],
                sender_category=data.get("sender_category") or None,
                anonymous=data["anonymous"] == "ja",
                sender_name=data.get("sender_name", ""),
                sender_email=data.get("sender_email", ""),
                sender_phone=data.get("sender_phone", ""),
                occurred_on=data.get("occurred_on"),
                attachments=[upload] if upload else None,
            )
        except ComplaintAttachmentError as exc:
            form.add_error("attachment", str(exc) + " " + _("Välj filen igen eller ta bort den."))
            return self.form_invalid(form)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        # Shown once on the next page (POST/redirect/GET), then gone from the session.
        self.request.session[SHOW_ONCE_SESSION_KEY] = {
            "reference": submission.complaint.case.reference,
            "code": submission.receipt_code,
            "email": bool(submission.complaint.sender_email),
        }
        return redirect("public:receipt_shown")


@method_decorator(never_cache, name="dispatch")
class ReceiptShownView(TemplateView):
    template_name = "public/receipt_shown.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["receipt"] = self.request.session.pop(SHOW_ONCE_SESSION_KEY, None)
        return ctx


# --- Reading status and reply with the receipt code ------------------------------------------


def _locked(request) -> bool:
    return rate_count(_key("receipt-fail", request)) >= RECEIPT_FAIL_LIMIT


LOCKED_MESSAGE = _(
    "Du har skrivit fel kod för många gånger. Av säkerhetsskäl kan du inte försöka igen "
    "förrän om 15 minuter."
)


@method_decorator(never_cache, name="dispatch")
class ReceiptLookupView(FormView):
    template_name = "public/receipt_lookup.html"
    form_class = ReceiptCodeForm

    def get_context_data(self, **kwargs):
        if "form" in kwargs:
            limit_echo(kwargs["form"])  # every refused answer below shows the form again
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if _locked(request):
            form.add_error(None, str(LOCKED_MESSAGE))
            return self.render_to_response(
                self.get_context_data(form=form, locked=True), status=429
            )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        complaint = complaint_by_receipt_code(form.cleaned_data["code"])
        if complaint is None:
            failures = rate_hit(_key("receipt-fail", request), RECEIPT_LOCK_SECONDS)
            if failures >= RECEIPT_FAIL_LIMIT:
                form.add_error(None, str(LOCKED_MESSAGE))
                return self.render_to_response(
                    self.get_context_data(form=form, locked=True), status=429
                )
            form.add_error(
                "code",
                _(
                    "Vi hittade inget ärende med den koden. Kontrollera att du skrivit av koden "
                    "rätt."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        request.session.cycle_key()
        request.session[RECEIPT_SESSION_KEY] = {
            "pk": complaint.pk,
            "until": int(time.time()) + RECEIPT_SESSION_SECONDS,
        }
        return redirect("public:receipt_status")


def _complaint_from_session(request) -> Complaint | None:
    access = request.session.get(RECEIPT_SESSION_KEY)
    if not access or access.get("until", 0) < time.time():
        request.session.pop(RECEIPT_SESSION_KEY, None)
        return None
    return (
        Complaint.objects.select_related("case", "complaint_type", "case__unit")
        .filter(pk=access["pk"], case__anonymised_at__isnull=True)
        .first()
    )


@method_decorator(never_cache, name="dispatch")
class ReceiptStatusView(View):
    """Status, reply and the sender's own additions; nothing from the handling."""

    template_name = "public/receipt_status.html"

    def _render(self, request, complaint, form, status=200):
        limit_echo(form)
        ctx = {
            "complaint": complaint,
            "case": complaint.case,
            "additions": list(complaint.additions.all()),
            "form": form,
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request):
        complaint = _complaint_from_session(request)
        if complaint is None:
            messages.info(request, _("Skriv din kvittokod för att se ditt ärende."))
            return redirect("public:receipt")
        return self._render(request, complaint, AdditionForm())

    def post(self, request):
        complaint = _complaint_from_session(request)
        if complaint is None:
            messages.info(request, _("Din tid har gått ut. Skriv din kvittokod igen."))
            return redirect("public:receipt")
        form = AdditionForm(request.POST)
        if rate_hit(f"complaints:addition:{complaint.pk}", ADDITION_WINDOW) > ADDITION_LIMIT:
            # Per complaint, whoever holds the code: a leaked or shared code cannot flood
            # the case with text the handläggare must read.
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Du har lagt till uppgifter många gånger på kort tid. Vänta en stund och "
                    "försök igen, eller ring kommunens kontaktcenter."
                ),
            )
            return self._render(request, complaint, form, status=429)
        if not form.is_valid():
            return self._render(request, complaint, form, status=400)
        try:
            complaint_addition_add(complaint=complaint, text=form.cleaned_data["text"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self._render(request, complaint, form, status=400)
        messages.success(request, _("Tack! Uppgifterna har lagts till i ditt ärende."))
        return redirect(reverse("public:receipt_status"))


class ReceiptCloseView(View):
    http_method_names = ["post"]

    def post(self, request):
        request.session.pop(RECEIPT_SESSION_KEY, None)
        messages.info(
            request, _("Visningen är stängd. Du kan öppna ärendet igen med din kvittokod.")
        )
        return redirect("public:receipt")
