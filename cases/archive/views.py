"""The arkivansvarig's pages (the kvalitetsstrateg): the retention plan (one class per case type
and document kind), the deliveries with their create form, a delivery with its manifest and the
receipt, and the package download. Every POST is an action-kit view calling one service."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from cases.models import AccessAction
from cases.retention import retention_classes
from cases.services.access import access_log_record_many
from cases.views.actionkit import ActionView, ScopedObjectMixin, bound_form, bound_forms
from cases.views.mixins import PermissionMixin

from . import selectors as sel
from . import services as svc
from .forms import DeliveryForm, ItemDeliveryForm, ReceiptForm, RetentionClassForm


class RetentionPlanView(PermissionMixin, TemplateView):
    required_roles = sel.ARCHIVE_ROLES
    template_name = "archive/plan.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        bound = bound_forms(self.request)
        rows = []
        for effective in retention_classes():
            form = bound.get(effective.subject) or RetentionClassForm(
                prefix=_prefix(effective.subject),
                initial={
                    "disposition": effective.disposition,
                    "years": effective.years,
                    "decision_reference": effective.decision_reference,
                },
            )
            rows.append({"c": effective, "form": form})
        ctx["rows"] = rows
        return ctx


def _prefix(subject: str) -> str:
    return "c-" + subject.replace(".", "-")


class RetentionClassSetView(ActionView, RetentionPlanView):
    lookup_url_kwarg = "subject"

    def get_target(self):
        subject = self.kwargs["subject"]
        if subject not in {c.subject for c in retention_classes()}:
            raise Http404
        return subject

    def get_form(self, target):
        return RetentionClassForm(self.request.POST, prefix=_prefix(target))

    def form_key(self, target) -> str:
        return target

    def perform(self, target, data):
        return svc.retention_class_set(subject=target, actor=self.request.user, **data)

    def get_success_message(self, target, result) -> str:
        return _("Klassen är sparad.")

    def get_success_url(self, target, result) -> str:
        return reverse("archive:plan") + f"#{_prefix(target)}"

    def page_context(self, target) -> dict:
        context = self.get_context_data()
        context["action_form"] = getattr(self, "action_form", None)
        return context


class DeliveryListView(PermissionMixin, ListView):
    required_roles = sel.ARCHIVE_ROLES
    template_name = "archive/list.html"
    context_object_name = "deliveries"
    paginate_by = 50

    def get_queryset(self):
        return sel.deliveries_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = bound_form(
            self.request,
            "delivery",
            lambda: DeliveryForm(prefix="delivery", units=sel.archive_units(self.request.user)),
        )
        ctx["item_form"] = bound_form(
            self.request,
            "item",
            lambda: ItemDeliveryForm(prefix="item", user=self.request.user),
        )
        return ctx


class DeliveryCreateView(ActionView, DeliveryListView):
    name = "delivery"

    def get_form(self, target):
        return DeliveryForm(
            self.request.POST, prefix="delivery", units=sel.archive_units(self.request.user)
        )

    def perform(self, target, data):
        return svc.archive_delivery_create(actor=self.request.user, **data)

    def get_success_message(self, target, result) -> str:
        return _("Leveransen är beställd. Paketet byggs i bakgrunden.")

    def next_url(self, target, delivery) -> str:
        return delivery.get_absolute_url()

    def page_context(self, target) -> dict:
        self.object_list = self.get_queryset()
        return super().page_context(target)


class ItemDeliveryCreateView(DeliveryCreateView):
    name = "item"

    def get_form(self, target):
        return ItemDeliveryForm(self.request.POST, prefix="item", user=self.request.user)

    def perform(self, target, data):
        return svc.archive_delivery_create_item(
            actor=self.request.user, reason=data["reason"], **data["item"]
        )


class DeliveryDetailView(ScopedObjectMixin, TemplateView):
    required_roles = sel.ARCHIVE_ROLES
    template_name = "archive/delivery.html"

    def scoped_queryset(self):
        return sel.deliveries_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        delivery = self.get_object()
        ctx.update(
            delivery=delivery,
            cases=delivery.cases.select_related("unit").order_by("reference"),
            receipt_form=bound_form(self.request, "receipt", lambda: ReceiptForm(prefix="receipt")),
            can_receipt=delivery.status == delivery.Status.BUILT,
        )
        return ctx


class DeliveryReceiptView(ActionView, DeliveryDetailView):
    name = "receipt"
    form_class = ReceiptForm
    anchor = "kvittens"
    success_message = _("Kvittensen är registrerad.")

    def perform(self, target, data):
        return svc.archive_delivery_receipt(delivery=target, actor=self.request.user, **data)


class DeliveryPackageView(ScopedObjectMixin, TemplateView):
    """The ZIP the archivist hands to the e-archive."""

    required_roles = sel.ARCHIVE_ROLES

    def scoped_queryset(self):
        return sel.deliveries_visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        delivery = self.get_object()
        if not delivery.package_file:
            raise Http404
        # The package carries every case whole: its download is an export of each of them.
        access_log_record_many(
            user=request.user,
            cases=delivery.cases.all(),
            action=AccessAction.EXPORT,
            request=request,
            detail=f"arkivleverans {delivery.package_name}",
        )
        response = FileResponse(
            delivery.package_file.open("rb"),
            as_attachment=True,
            filename=f"{delivery.package_name}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "no-store"
        return response
