"""Forms for supervisory cases (tillsyn). Every field has a Swedish label; the edit form carries
the version it was opened with so a concurrent save is detected (supervision_update)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Code, CodeList
from cases.personnummer import PersonnummerCheckMixin
from cases.selectors.visibility import units_in_scope
from cases.supervision.models import Supervision, SupervisionMeasure
from cases.supervision.selectors import WRITE_ROLES

DATE = DateInput()


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class SupervisionForm(PersonnummerCheckMixin, forms.ModelForm):
    class Meta:
        model = Supervision
        fields = [
            "authority",
            "supervision_type",
            "authority_reference",
            "title",
            "initiated_on",
            "summary",
            "response_due_on",
            "preparation_on",
            "committee_on",
            "board_on",
        ]
        labels = {
            "authority": _("Tillsynsmyndighet"),
            "supervision_type": _("Typ av tillsyn"),
            "authority_reference": _("Myndighetens diarienummer"),
            "title": _("Rubrik"),
            "initiated_on": _("Tillsynen inleddes"),
            "summary": _("Sammanfattning"),
            "response_due_on": _("Yttrande ska lämnas senast"),
            "preparation_on": _("Beredning (datum)"),
            "committee_on": _("Arbetsutskott (datum)"),
            "board_on": _("Nämnd (datum)"),
        }
        widgets = {
            "initiated_on": DATE,
            "response_due_on": DATE,
            "preparation_on": DATE,
            "committee_on": DATE,
            "board_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervision_type"].queryset = Code.choices_for(CodeList.SUPERVISION_TYPE)
        self.fields["units"] = UnitChoiceField(
            label=_("Berörda enheter"),
            queryset=units_in_scope(user, WRITE_ROLES).order_by("path"),
            widget=forms.CheckboxSelectMultiple,
        )
        if self.instance.pk:
            self.fields["units"].initial = list(self.instance.units.values_list("pk", flat=True))
        self.order_fields(
            [
                "authority",
                "supervision_type",
                "authority_reference",
                "title",
                "units",
                "initiated_on",
                "summary",
            ]
        )

    def clean(self):
        data = super().clean()
        path = [
            ("preparation_on", _("Beredning")),
            ("committee_on", _("Arbetsutskott")),
            ("board_on", _("Nämnd")),
        ]
        previous = None
        for name, label in path:
            value = data.get(name)
            if value and previous and value < previous[1]:
                self.add_error(
                    name,
                    _("%(this)s kan inte vara före %(prev)s.")
                    % {"this": label, "prev": previous[0].lower()},
                )
            if value:
                previous = (label, value)
        return data


class SupervisionEditForm(SupervisionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, label=_("Version"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def refresh_version(self, current_version: int) -> None:
        """After a conflict: keep what was typed, but let a deliberate second save through."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current_version)
        self.data = data


class DecisionForm(PersonnummerCheckMixin, forms.Form):
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)
    deficiencies_found = forms.TypedChoiceField(
        label=_("Konstaterade myndigheten brister?"),
        choices=[("0", _("Nej, inga brister")), ("1", _("Ja, brister konstaterades"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    deficiency_categories = forms.ModelMultipleChoiceField(
        label=_("Bristområden"),
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Beslutets innehåll"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    response_due_on = forms.DateField(
        label=_("Yttrande begärt senast"),
        required=False,
        widget=DATE,
        help_text=_("Fyll i om myndigheten begär att nämnden redovisar sin inställning."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deficiency_categories"].queryset = Code.choices_for(
            CodeList.SUPERVISION_DEFICIENCY
        )

    def clean(self):
        data = super().clean()
        if data.get("deficiency_categories") and not data.get("deficiencies_found"):
            self.add_error(
                "deficiency_categories",
                _("Bristområden kan bara anges när brister har konstaterats."),
            )
        return data


class MeasureForm(PersonnummerCheckMixin, forms.ModelForm):
    class Meta:
        model = SupervisionMeasure
        fields = [
            "description",
            "status",
            "expected_effect",
            "responsible",
            "due_date",
            "completed_on",
        ]
        labels = {
            "description": _("Åtgärd"),
            "status": _("Status"),
            "expected_effect": _("Förväntad effekt"),
            "responsible": _("Ansvarig"),
            "due_date": _("Genomförs senast"),
            "completed_on": _("Genomförd datum"),
        }
        help_texts = {
            "responsible": _("Till exempel förvaltning, avdelning eller funktion."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "expected_effect": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE,
            "completed_on": DATE,
        }


class MeasureCompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Genomförd datum"), widget=DATE)


class ResponseSentForm(forms.Form):
    sent_on = forms.DateField(label=_("Yttrandet skickades"), widget=DATE)
    board_on = forms.DateField(label=_("Nämndens beslut (datum)"), required=False, widget=DATE)


class CloseForm(PersonnummerCheckMixin, forms.Form):
    closed_on = forms.DateField(label=_("Myndigheten avslutade ärendet"), widget=DATE)
    closing_note = forms.CharField(
        label=_("Myndighetens slutbedömning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(PersonnummerCheckMixin, forms.Form):
    reason = forms.CharField(label=_("Motivering"), required=False, max_length=500)
