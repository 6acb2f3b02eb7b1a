"""Admin for organisation, roles, code lists and deadlines. Case content is deliberately not in
the admin: it would bypass the visibility selector and the access log.

No backdoor (issue 15): every change here asks for a reason and is written with the person
who made it; memberships and accounts go through the same audited services as everything else
(cases.services.org, cases.services.accounts). The admin cannot set passwords, grant staff or
superuser status, edit groups or permissions, delete accounts or memberships, or show a
two-factor secret: superusers come from `manage.py createsuperuser`, passwords from
`manage.py changepassword` or SSO.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from cases.admin_labels import use_swedish_app_names
from cases.models import (
    AccountEvent,
    Code,
    DeadlineRule,
    IdpGroupMapping,
    Membership,
    RetentionPolicy,
    RetentionRun,
    TwoFactorPolicy,
    Unit,
    UnitKind,
)
from cases.services.accounts import two_factor_reset, user_create, user_set_active, user_update
from cases.services.history import REASON_MAX, audited_save, person_name
from cases.services.org import membership_create, membership_update
from cases.services.sso import group_mapping_create, group_mapping_delete, group_mapping_update

User = get_user_model()


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Anledning till ändringen"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sparas i historiken tillsammans med ditt namn."),
    )


class ReasonModelForm(forms.ModelForm):
    reason = _reason_field()

    def clean(self):
        cleaned = super().clean()
        # Also for saves the admin makes itself (treebeard moves nodes inside form.save()).
        self.instance._change_reason = cleaned.get("reason", "")
        return cleaned


class UnitForm(MoveNodeForm):
    reason = _reason_field()

    def clean(self):
        cleaned = super().clean()
        self.instance._change_reason = cleaned.get("reason", "")
        return cleaned


class AuditedAdmin(SimpleHistoryAdmin):
    """Organisation and code lists: edited through the form only (no list_editable, which
    would save without a reason), never deleted (a code or unit is ended, so history reads)."""

    form = ReasonModelForm

    def save_model(self, request, obj, form, change):
        audited_save(obj, actor=request.user, reason=form.cleaned_data["reason"])

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitKind)
class UnitKindAdmin(AuditedAdmin):
    list_display = ["label", "code", "order"]


@admin.register(Unit)
class UnitAdmin(TreeAdmin, AuditedAdmin):
    form = movenodeform_factory(Unit, form=UnitForm)
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]


class MembershipForm(ReasonModelForm):
    class Meta:
        model = Membership
        fields = ["user", "unit", "role", "valid_from", "valid_to"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", gettext("Slutdatum kan inte ligga före startdatum."))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Roles through membership_create/membership_update: a reason, a history row naming the
    person, and a mail to the other administrators when someone changes their own roles."""

    form = MembershipForm
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        fields = {
            "unit": obj.unit,
            "role": obj.role,
            "valid_from": obj.valid_from,
            "valid_to": obj.valid_to,
        }
        if change:
            membership_update(membership=obj, actor=request.user, reason=reason, **fields)
        else:
            created = membership_create(user=obj.user, actor=request.user, reason=reason, **fields)
            # The admin goes on with its own instance (its log entry and redirect need the pk).
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a role is ended (valid_to), so the history shows who could see what


class AccountForm(forms.ModelForm):
    reset_two_factor = forms.BooleanField(
        label=_("Återställ tvåfaktorinloggning"),
        required=False,
        help_text=_(
            "Tar bort personens autentiseringsapp och reservkoder, till exempel efter en "
            "borttappad telefon. Personen registrerar en ny app vid nästa inloggning."
        ),
    )
    reason = _reason_field()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "kind", "actor", "reason"]
    list_filter = ["kind"]
    search_fields = ["user__username", "actor__username", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)
admin.site.unregister(Group)
use_swedish_app_names()
# django-otp's own admin pages show each TOTP key (and a QR code of it) and the recovery codes:
# a secret is shown once, at enrolment, and never again (issue 15).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(User)
class AccountAdmin(admin.ModelAdmin):
    """Accounts: names, e-mail, active or not, two-factor reset; through the account services.
    A plain ModelAdmin, not Django's UserAdmin, so there is no password form at all."""

    form = AccountForm
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["username", "first_name", "last_name", "email", "reason"]
        return [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
            "date_joined",
            "two_factor",
            "reset_two_factor",
            "reason",
            "events",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["username", "is_staff", "is_superuser", "last_login", "date_joined"]
        readonly += ["two_factor", "events"]
        if obj.pk == request.user.pk:
            readonly.append("is_active")  # nobody locks themselves out by mistake
        return readonly

    @admin.display(description=_("Tvåfaktorinloggning"))
    def two_factor(self, obj):
        if TOTPDevice.objects.filter(user=obj, confirmed=True).exists():
            return gettext("Registrerad")
        return gettext("Inte registrerad")

    @admin.display(description=_("Kontohistorik"))
    def events(self, obj):
        rows = [
            (f"{e.at:%Y-%m-%d %H:%M}", e.get_kind_display(), person_name(e.actor), e.reason)
            for e in obj.account_events.select_related("actor")[:50]
        ]
        if not rows:
            return "–"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {} ({}): {}</li>", rows))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        reason = data["reason"]
        if not change:
            created = user_create(
                username=obj.username,
                first_name=obj.first_name,
                last_name=obj.last_name,
                email=obj.email,
                actor=request.user,
                reason=reason,
            )
            obj.pk = created.pk
            return
        # The form has already put the new values on `obj`; the services compare them with the
        # stored account, so each change is written (and recorded) by its own service.
        stored = User.objects.get(pk=obj.pk)
        user_update(
            user=stored,
            first_name=obj.first_name,
            last_name=obj.last_name,
            email=obj.email,
            actor=request.user,
            reason=reason,
        )
        user_set_active(user=stored, active=obj.is_active, actor=request.user, reason=reason)
        if data.get("reset_two_factor"):
            two_factor_reset(user=stored, actor=request.user, reason=reason)

    def save_related(self, request, form, formsets, change):
        pass  # no groups, no permissions: the form has none, and nothing else may set them

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the account's name stays in every history row


@admin.register(Code)
class CodeAdmin(AuditedAdmin):
    list_display = ["label", "code", "codelist", "active", "order"]
    list_filter = ["codelist", "active"]
    search_fields = ["label", "code"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ["label", "kind", "step", "days", "working_days"]


@admin.register(TwoFactorPolicy)
class TwoFactorPolicyAdmin(AuditedAdmin):
    list_display = ["role", "required"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedAdmin):
    list_display = ["kind", "months_after_close", "active"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "dry_run", "counts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdpGroupMappingForm(forms.ModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Anledning"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Sparas i historiken tillsammans med ditt namn."),
    )

    class Meta:
        model = IdpGroupMapping
        fields = ["group", "role", "unit"]


@admin.register(IdpGroupMapping)
class IdpGroupMappingAdmin(SimpleHistoryAdmin):
    """Every change goes through cases.services.sso, so it leaves a history row with the
    administrator and the reason; the next SSO login of each member applies it."""

    form = IdpGroupMappingForm
    list_display = ["group", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["group", "unit__name"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {"group": data["group"], "role": data["role"], "unit": data["unit"]}
        if change:
            group_mapping_update(mapping=obj, actor=request.user, reason=data["reason"], **fields)
        else:
            obj.pk = group_mapping_create(actor=request.user, reason=data["reason"], **fields).pk

    def delete_model(self, request, obj):
        group_mapping_delete(
            mapping=obj, actor=request.user, reason=gettext("Borttagen i administrationen.")
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
