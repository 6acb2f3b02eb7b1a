"""Forms for editions. Labels on every field, Swedish messages; forms keep what was typed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Role, Unit
from cases.selectors import units_in_scope
from cases.supervision.models import Authority

from .blocks import BLOCK_TYPES
from .blocks.cases import DIMENSIONS
from .models import ReportEdition, ReportTemplate

DATE = DateInput()
MONTHS = [
    (i, m)
    for i, m in enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
]


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def quality_units(user):
    return units_in_scope(user, [Role.KVALITETSSTRATEG]).select_related("kind").order_by("path")


class EditionCreateForm(forms.Form):
    unit = UnitChoice(label=_("Organisation"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    template = forms.ModelChoiceField(
        label=_("Mall"), queryset=ReportTemplate.objects.filter(active=True), empty_label=None
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Lämna tomt för ”Kvalitetsberättelse ÅR”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = quality_units(user)
        self.fields["unit"].queryset = units
        forvaltning = units.filter(kind__code="forvaltning").first()
        self.initial.setdefault("unit", forvaltning.pk if forvaltning else None)
        self.initial.setdefault("year", timezone.localdate().year - 1)


class EditionMetaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    period_start_month = forms.TypedChoiceField(
        label=_("Verksamhetsåret börjar, månad"), choices=MONTHS, coerce=int
    )
    analysis_start_month = forms.TypedChoiceField(
        label=_("Analysperioden börjar, månad"), choices=MONTHS, coerce=int
    )

    class Meta:
        model = ReportEdition
        fields = [
            "title",
            "report_date",
            "diarienummer",
            "responsible",
            "board",
            "administration",
            "period_start_month",
            "period_start_day",
            "analysis_start_month",
            "analysis_start_day",
        ]
        labels = {
            "title": _("Rubrik"),
            "report_date": _("Datum"),
            "diarienummer": _("Diarienummer"),
            "responsible": _("Ansvarig"),
            "board": _("Nämnd"),
            "administration": _("Förvaltning"),
            "period_start_day": _("Verksamhetsåret börjar, dag"),
            "analysis_start_day": _("Analysperioden börjar, dag"),
        }
        widgets = {"report_date": DATE}

    def clean(self):
        data = super().clean()
        for prefix in ("period", "analysis"):
            day = data.get(f"{prefix}_start_day")
            if day is not None and not 1 <= day <= 28:
                self.add_error(f"{prefix}_start_day", _("Ange en dag mellan 1 och 28."))
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=250)


class NewSectionForm(SectionForm):
    parent = forms.IntegerField(label=_("Under avsnitt"), required=False, widget=forms.HiddenInput)
    is_appendix = forms.BooleanField(label=_("Bilaga"), required=False)


class DataBlockForm(forms.Form):
    block_type = forms.ChoiceField(
        label=_("Datablock"), choices=[(k, v[0]) for k, v in BLOCK_TYPES.items()]
    )
    kind = forms.ChoiceField(
        label=_("Ärendetyp"),
        required=False,
        choices=[
            ("", "–"),
            ("complaint", _("Klagomål och synpunkter")),
            ("deviation", _("Kvalitetsavvikelse")),
            ("lexsarah", _("Lex Sarah")),
        ],
    )
    source = forms.ChoiceField(
        label=_("Källa"),
        required=False,
        choices=[("", _("Alla")), ("utomstaende", _("Utomstående")), ("personal", _("Personal"))],
    )
    dimension = forms.ChoiceField(
        label=_("Fördelning per"),
        required=False,
        choices=[("", "–")]
        + [(k, v[3]) for k, v in DIMENSIONS.items()]
        + [("measure_type", _("Typ av åtgärd"))],
    )
    rule = forms.ChoiceField(
        label=_("Räknas på"),
        required=False,
        choices=[
            ("", "–"),
            ("received", _("Inkomstdatum (inkomna)")),
            ("closed", _("Avslutsdatum (avslutade)")),
            ("au", _("Datum för AU-behandling (lex Sarah med konstaterat missförhållande)")),
        ],
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", "–"), ("report", _("Verksamhetsåret")), ("analysis", _("Analysperioden"))],
    )
    authority = forms.ChoiceField(
        label=_("Myndighet"), required=False, choices=[("", _("Alla"))] + list(Authority.choices)
    )
    mode = forms.ChoiceField(
        label=_("Utvecklingsområden"),
        required=False,
        choices=[("", "–"), ("followed_up", _("Uppföljning")), ("decided", _("Beslutade"))],
    )

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "block_type" and v}


def statistics_units(user):
    """The units the statistics page offers: the subtree of the user's chef or quality roles."""
    return units_in_scope(user, [Role.KVALITETSSTRATEG, Role.SEKTIONSCHEF]).order_by("path")


class StatisticsForm(forms.Form):
    unit = UnitChoice(label=_("Enhet"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    period_start_month = forms.TypedChoiceField(
        label=_("Året börjar, månad"), choices=MONTHS, coerce=int, initial=1
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = statistics_units(user)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logotyp (PNG eller SVG, högst 1 MB)"),
        error_messages={"required": _("Välj en PNG- eller SVG-fil.")},
    )
