"""Forms for kvalitetsavvikelser: the one-minute report and the handling forms.

Forms check input and speak plain Swedish; the services own the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import AssignForm, CloseConfirmMixin, DateInput, ReasonForm
from cases.models import Code, CodeList, MeasureLevel, Unit
from cases.personnummer import PersonnummerCheckMixin

from .models import ReclassifiedTo
from .services import DESCRIPTION_MAX, SHORT_TEXT_MAX, TITLE_MAX
from .workflow import CLOSING_OUTCOMES, DeviationOutcome

__all__ = [
    "AssignForm",
    "ClassifyForm",
    "CloseForm",
    "DeviationMeasureForm",
    "ReasonForm",
    "ReclassifyForm",
    "ReportForm",
]

TOO_LONG = _("Texten är för lång. Skriv högst %(limit_value)s tecken (du skrev %(show_value)s).")
INDENT = "\u00a0\u00a0"
DATE_INVALID = _("Skriv datumet som åååå-mm-dd, till exempel 2025-03-14.")


def _text(label, maximum, *, required=True, rows=4, help_text="", required_msg=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=maximum,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_msg or _("Fältet måste fyllas i."),
            "max_length": TOO_LONG,
        },
    )


def _past_date(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Datumet kan inte vara i framtiden."))


def _codes(codelist: str):
    return Code.choices_for(codelist).order_by("order", "label")


def _unit_label(unit: Unit) -> str:
    # Indent by depth so the tree reads as a tree in a plain <select>.
    return INDENT * max(unit.depth - 1, 0) + unit.name


class ReportForm(PersonnummerCheckMixin, forms.Form):
    """Rapportera en avvikelse: five questions, one minute."""

    unit = forms.ModelChoiceField(
        label=_("Enhet där det hände"),
        queryset=Unit.objects.none(),
        help_text=_("Din egen enhet är förvald."),
        error_messages={
            "required": _("Välj enhet."),
            "invalid_choice": _("Välj en enhet i listan."),
        },
    )
    occurred_on = forms.DateField(
        label=_("När hände det?"),
        widget=DateInput(),
        validators=[_past_date],
        error_messages={"required": _("Ange datum för händelsen."), "invalid": DATE_INVALID},
    )
    description = _text(
        _("Vad hände?"),
        DESCRIPTION_MAX,
        rows=6,
        help_text=_("Beskriv kort vad som hände. Skriv inte personnummer eller fullständiga namn."),
        required_msg=_("Beskriv vad som hände."),
    )
    immediate_consequence = _text(
        _("Vilken omedelbar konsekvens fick det?"),
        SHORT_TEXT_MAX,
        required=False,
        rows=2,
        help_text=_("Till exempel att ett beslut blev försenat."),
    )
    concerns_child = forms.BooleanField(label=_("Gäller ett barn"), required=False)
    at_absence_or_handover = forms.BooleanField(
        label=_("Hände vid frånvaro eller överlämning"),
        required=False,
    )
    title = forms.CharField(
        label=_("Rubrik"),
        required=False,
        max_length=TITLE_MAX,
        help_text=_("Lämnas den tom används början av beskrivningen."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["unit"].label_from_instance = _unit_label
        self.fields["occurred_on"].initial = timezone.localdate()


class ClassifyForm(PersonnummerCheckMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    event_category = forms.ModelChoiceField(
        label=_("Händelsekategori"),
        required=False,
        queryset=Code.objects.none(),
        empty_label=_("Ej angivet"),
    )
    deficiencies = forms.ModelMultipleChoiceField(
        label=_("Bristområden"),
        required=False,
        queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj alla som passar."),
    )
    root_causes = forms.ModelMultipleChoiceField(
        label=_("Orsaker"),
        required=False,
        queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj alla som passar."),
    )
    consequence = forms.ModelChoiceField(
        label=_("Konsekvens för den enskilde"),
        required=False,
        queryset=Code.objects.none(),
        empty_label=_("Ej angivet"),
    )
    reason = ReasonForm.base_fields["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_category"].queryset = _codes(CodeList.EVENT_CATEGORY)
        self.fields["deficiencies"].queryset = _codes(CodeList.DEFICIENCY)
        self.fields["root_causes"].queryset = _codes(CodeList.ROOT_CAUSE)
        self.fields["consequence"].queryset = _codes(CodeList.CONSEQUENCE)


class DeviationMeasureForm(PersonnummerCheckMixin, forms.Form):
    description = _text(_("Åtgärd"), SHORT_TEXT_MAX, rows=2, required_msg=_("Beskriv åtgärden."))
    measure_type = forms.ModelChoiceField(
        label=_("Typ av åtgärd"), required=False, queryset=Code.objects.none()
    )
    level = forms.ChoiceField(
        label=_("Nivå"),
        choices=MeasureLevel.choices,
        initial=MeasureLevel.UNIT,
        error_messages={"required": _("Välj nivå.")},
    )
    responsible = forms.ModelChoiceField(
        label=_("Ansvarig"),
        required=False,
        queryset=None,
        error_messages={"invalid_choice": _("Välj en ansvarig i listan.")},
    )
    due_date = forms.DateField(
        label=_("Klart senast"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": DATE_INVALID},
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = _codes(CodeList.MEASURE_TYPE)
        self.fields["responsible"].queryset = users
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.username


class CloseForm(PersonnummerCheckMixin, CloseConfirmMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        widget=forms.RadioSelect,
        choices=[(o.value, o.label) for o in DeviationOutcome if o in CLOSING_OUTCOMES],
        error_messages={"required": _("Välj hur avvikelsen avslutas.")},
    )
    summary = _text(
        _("Sammanfattning"),
        SHORT_TEXT_MAX,
        rows=4,
        help_text=_("Vad visade utredningen? Används i sammanställningen."),
        required_msg=_("Skriv en sammanfattning av utredningen."),
    )
    reason = ReasonForm.base_fields["reason"]


class ReclassifyForm(PersonnummerCheckMixin, forms.Form):
    target = forms.ChoiceField(
        label=_("Omklassificera till"),
        widget=forms.RadioSelect,
        choices=ReclassifiedTo.choices,
        help_text=_(
            "Lex Sarah skapar ett nytt kopplat ärende. Vårdskada och arbetsmiljö "
            "hanteras utanför Avvika."
        ),
        error_messages={"required": _("Välj vad avvikelsen ska omklassificeras till.")},
    )
    reason = _text(
        _("Motivering"),
        SHORT_TEXT_MAX,
        rows=3,
        required_msg=_("Skriv varför avvikelsen omklassificeras."),
    )
