from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models import Code, CodeList, Measure
from cases.personnummer import PersonnummerCheckMixin
from cases.selectors.routing import routing_targets
from cases.services.history import REASON_MAX
from cases.services.transitions import next_statuses

REASON_HELP = _("Sparas i historiken tillsammans med ditt namn.")


class DateInput(forms.DateInput):
    """A native date picker with ISO values (what <input type="date"> sends and expects)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Observera att båda fälten skiljer på stora och "
            "små bokstäver."
        ),
        "inactive": _("Kontot är inaktiverat."),
    }


class NoteForm(PersonnummerCheckMixin, forms.Form):
    text = forms.CharField(
        label=_("Ny anteckning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bifoga fil"))


class MeasureForm(PersonnummerCheckMixin, forms.ModelForm):
    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = Code.choices_for(CodeList.MEASURE_TYPE)
        # "Ansvarig": only people who may handle the case (never every account, admin
        # included); the service checks the same rule.
        responsible = self.fields["responsible"]
        responsible.queryset = users if users is not None else responsible.queryset.none()
        responsible.label_from_instance = lambda u: u.get_full_name() or u.username
        responsible.error_messages["invalid_choice"] = _("Välj en ansvarig i listan.")

    class Meta:
        model = Measure
        fields = ["description", "measure_type", "level", "responsible", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
        }


def limit_echo(form: forms.BaseForm) -> forms.BaseForm:
    """Before a refused form is shown again: cut each text value to its field's max_length.
    What was typed stays (as much as the field takes), but a 10 MB body sent to the public
    e-service is never sent back in full (issue 15) — the error message says it was too long."""
    if not form.is_bound:
        return form
    bound: Any = form.data  # a QueryDict from a request, or a plain dict
    data = bound.copy()
    for name, field in form.fields.items():
        maximum = getattr(field, "max_length", None)
        key = form.add_prefix(name)
        value = data.get(key)
        if maximum and isinstance(value, str) and len(value) > maximum:
            data[key] = value[:maximum]
    form.data = data
    return form


def too_long(maximum: int):
    return _("Texten är för lång. Skriv högst %(limit_value)s tecken (du skrev %(show_value)s).")


def text_field(label, maximum, *, required=True, help_text="", rows=6, required_msg=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=maximum,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_msg or _("Fältet måste fyllas i."),
            "max_length": too_long(maximum),
        },
    )


def past_date(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Datumet kan inte vara i framtiden."))
    return value


class ReasonForm(PersonnummerCheckMixin, forms.Form):
    """The one reason form: optional, REASON_MAX characters, kept in the history."""

    reason = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=REASON_MAX,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": too_long(REASON_MAX)},
    )


class RequiredReasonForm(ReasonForm):
    """For steps whose reason the history must have (closing, reopening, refusing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = _("Skriv en motivering.")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Handläggare"),
        queryset=None,
        error_messages={
            "required": _("Välj handläggare."),
            "invalid_choice": _("Välj en handläggare i listan."),
        },
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class CloseConfirmMixin(forms.Form):
    """Closing a case whose measures are still planned or ongoing: a checkbox, shown only
    then, that the user ticks deliberately (the closing service refuses without it)."""

    def __init__(self, *args, open_measures: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if open_measures:
            self.fields["confirm_open_measures"] = forms.BooleanField(
                label=_("Jag vill avsluta trots att åtgärder inte är genomförda"),
                help_text=ngettext(
                    "%(n)d åtgärd är planerad eller pågår.",
                    "%(n)d åtgärder är planerade eller pågår.",
                    open_measures,
                )
                % {"n": open_measures},
                error_messages={
                    "required": _(
                        "Kryssa i rutan om du vill avsluta trots att åtgärder inte är genomförda."
                    )
                },
            )


class MeasureStatusForm(forms.Form):
    """One measure's next status: only the steps its table allows from where it is."""

    status = forms.ChoiceField(
        label=_("Ny status"),
        error_messages={
            "required": _("Välj status."),
            "invalid_choice": _("Välj en status i listan."),
        },
    )

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = next_statuses(measure)
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = [(s.value, s.label) for s in Measure.Status if s in allowed]
        # Every row has one: the label names the measure, so each select is told apart.
        self.fields["status"].label = _("Ny status för ”%s”") % Truncator(
            measure.description
        ).chars(40)


class RouteForm(RequiredReasonForm):
    unit = forms.ModelChoiceField(
        label=_("Sektion"),
        queryset=None,
        error_messages={
            "required": _("Välj den sektion som ska handlägga ärendet."),
            "invalid_choice": _("Välj en sektion i listan."),
        },
    )
    field_order = ["unit", "reason"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The section under its parent's name: "Barn och unga utredning – sektion 1".
        self.fields["unit"].label_from_instance = lambda u: u.name


def route_form(request, case, data=None) -> RouteForm:
    return RouteForm(data=data, prefix="route", units=routing_targets(request.user, case))
