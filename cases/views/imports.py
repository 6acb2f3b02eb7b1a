"""Upload page for quality staff: check a file (dry run), then import it all or nothing."""

import uuid

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases.imports import ImportError_, import_cases_file
from cases.models import Job, Role
from cases.services.jobs import job_create, job_fail, job_finish, job_start

from .mixins import PermissionMixin

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ärendefil (CSV eller XLSX)"))
    units = forms.FileField(label=gettext_lazy("Enhetsfil (valfri)"), required=False)
    create_codes = forms.BooleanField(
        label=gettext_lazy("Lägg till okända koder som inaktiva"), required=False
    )

    def clean(self):
        data = super().clean()
        for name in ("file", "units"):
            f = data.get(name)
            if f and f.size > MAX_IMPORT_BYTES:
                self.add_error(name, _("Filen är större än 50 MB."))
            if f and not f.name.lower().endswith((".csv", ".xlsx")):
                self.add_error(name, _("Välj en CSV- eller XLSX-fil."))
        return data


def _store(upload) -> str:
    return default_storage.save(f"imports/{uuid.uuid4().hex}", ContentFile(upload.read()))


class ImportView(PermissionMixin, View):
    required_roles = (Role.KVALITETSSTRATEG,)
    template_name = "cases/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        payload = {
            "file": _store(form.cleaned_data["file"]),
            "filename": form.cleaned_data["file"].name,
            "units": _store(form.cleaned_data["units"]) if form.cleaned_data["units"] else "",
            "units_filename": form.cleaned_data["units"].name if form.cleaned_data["units"] else "",
            "create_codes": form.cleaned_data["create_codes"],
        }
        context = {"form": form, "payload": payload}
        try:
            context["preview"] = _run(payload, request.user, dry_run=True)
        except ImportError_ as exc:
            context["errors"] = exc.errors
            return render(request, self.template_name, context, status=422)
        job = job_create(kind="import", payload=payload, actor=request.user)
        context["job"] = job
        return render(request, self.template_name, context)


class ImportExecuteView(PermissionMixin, View):
    required_roles = (Role.KVALITETSSTRATEG,)

    def post(self, request, pk: int):
        job = get_object_or_404(Job, pk=pk, kind="import", created_by=request.user)
        claimed = job_start(job_id=job.pk)
        if claimed is None:
            messages.error(request, _("Importen är redan genomförd eller pågår."))
            return redirect("imports")
        try:
            result = _run(job.payload, request.user, dry_run=False)
        except ImportError_ as exc:
            job_fail(job_id=job.pk, error="\n".join(str(e) for e in exc.errors))
            return render(
                request,
                "cases/import.html",
                {"form": ImportForm(), "errors": exc.errors},
                status=422,
            )
        job_finish(job_id=job.pk, result={"created": result.created, "skipped": result.skipped})
        messages.success(
            request,
            _("Importen är klar: %(c)d ärenden skapades, %(s)d fanns redan.")
            % {"c": result.created, "s": result.skipped},
        )
        return redirect("imports")


def _run(payload: dict, user, *, dry_run: bool):
    with default_storage.open(payload["file"], "rb") as f:
        data = f.read()
    units = None
    if payload.get("units"):
        with default_storage.open(payload["units"], "rb") as f:
            units = f.read()
    return import_cases_file(
        data,
        payload["filename"],
        user=user,
        dry_run=dry_run,
        create_codes=payload["create_codes"],
        units_data=units,
        units_filename=payload.get("units_filename", ""),
    )
