from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput, MeasureForm
from cases.models import Code, CodeList
from cases.personnummer import PersonnummerCheckMixin
from cases.selectors import units_in_scope

from .models import RiskAnalysis, RiskTemplate
from .selectors import WRITE_ROLES, analyses_visible_to

DATE = DateInput()


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def _units_field(user):
    return UnitChoiceField(
        label=_("Enheter som omfattas"),
        queryset=units_in_scope(user, WRITE_ROLES).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
    )


class AnalysisCreateForm(PersonnummerCheckMixin, forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("Mall"),
        queryset=RiskTemplate.objects.filter(active=True),
        required=False,
        empty_label=_("Ingen mall"),
        help_text=_("Mallen fyller i avsnitt och föreslagna risker."),
    )
    copy_from = forms.ModelChoiceField(
        label=_("Utgå från en tidigare riskanalys"),
        queryset=RiskAnalysis.objects.none(),
        required=False,
        empty_label=_("Ingen"),
        help_text=_("Avsnitt och risker kopieras; den tidigare analysen ändras inte."),
    )
    trigger = forms.ModelChoiceField(
        label=_("Anledning"), queryset=Code.objects.none(), required=False
    )
    analysed_on = forms.DateField(label=_("Datum"), widget=DATE)
    participants = forms.CharField(
        label=_("Deltagare"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = forms.DateField(label=_("Uppföljningsdatum"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = _units_field(user)
        self.fields["trigger"].queryset = Code.choices_for(CodeList.RISK_TRIGGER)
        self.fields["copy_from"].queryset = analyses_visible_to(user).order_by(
            "-analysed_on", "-id"
        )
        self.order_fields(
            [
                "title",
                "template",
                "copy_from",
                "units",
                "trigger",
                "analysed_on",
                "participants",
                "follow_up_on",
            ]
        )


class FromCasesForm(PersonnummerCheckMixin, forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("Avvikelser"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    analysed_on = forms.DateField(label=_("Datum"), widget=DATE)
    participants = forms.CharField(
        label=_("Deltagare"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, cases_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases_qs
        self.fields["cases"].label_from_instance = lambda c: f"{c.reference} {c.title} ({c.unit})"
        self.fields["units"] = _units_field(user)


class AnalysisEditForm(PersonnummerCheckMixin, forms.ModelForm):
    # The version the page was loaded with; the service refuses a save from a stale page.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RiskAnalysis
        fields = [
            "title",
            "trigger",
            "analysed_on",
            "participants",
            "follow_up_on",
            "documented",
            "include_in_report",
            "report_summary",
        ]
        widgets = {
            "analysed_on": DATE,
            "follow_up_on": DATE,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "report_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].queryset = Code.choices_for(CodeList.RISK_TRIGGER)
        self.fields["units"] = _units_field(user)
        self.fields["units"].initial = list(self.instance.units.values_list("pk", flat=True))
        self.fields["expected_version"].initial = self.instance.version
        for i, section in enumerate(self.instance.sections):
            self.fields[f"section_{i}"] = forms.CharField(
                label=section.get("title") or _("Avsnitt %d") % (i + 1),
                help_text=section.get("help", ""),
                required=False,
                initial=section.get("text", ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def section_data(self) -> list[dict]:
        return [
            {**section, "text": self.cleaned_data.get(f"section_{i}", "")}
            for i, section in enumerate(self.instance.sections)
        ]

    def clean_report_summary(self):
        summary = self.cleaned_data["report_summary"]
        if self.cleaned_data.get("include_in_report") and not summary.strip():
            raise forms.ValidationError(_("Skriv en kort sammanfattning för kvalitetsberättelsen."))
        return summary


class RiskForm(PersonnummerCheckMixin, forms.Form):
    description = forms.CharField(label=_("Risk"), widget=forms.Textarea(attrs={"rows": 2}))
    probability = forms.TypedChoiceField(
        label=_("Sannolikhet"), coerce=int, required=False, empty_value=None
    )
    consequence = forms.TypedChoiceField(
        label=_("Konsekvens"), coerce=int, required=False, empty_value=None
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scale, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        blank = [("", _("Ej bedömd"))]
        self.fields["probability"].choices = blank + [
            (i, f"{i} {label}") for i, label in enumerate(scale.probability_labels, start=1)
        ]
        self.fields["consequence"].choices = blank + [
            (i, f"{i} {label}") for i, label in enumerate(scale.consequence_labels, start=1)
        ]


class RiskMeasureForm(MeasureForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = Code.choices_for(CodeList.MEASURE_TYPE)


class DeviationForm(PersonnummerCheckMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=None)
    title = forms.CharField(label=_("Rubrik för avvikelsen"), max_length=200)
    description = forms.CharField(label=_("Beskrivning"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class FollowUpForm(PersonnummerCheckMixin, forms.Form):
    result = forms.CharField(
        label=_("Resultat av uppföljningen"), widget=forms.Textarea(attrs={"rows": 3})
    )
