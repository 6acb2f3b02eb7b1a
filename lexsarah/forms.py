"""Forms for lex Sarah. They validate input in plain Swedish; the services own the rules."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput, past_date, text_field
from cases.models import Code, CodeList
from cases.personnummer import PersonnummerCheckMixin

from .models import INVESTIGATION_SECTIONS, Assessment, Investigation, IvoOutcome, ReportKind

REQUIRED = {"required": _("Fältet måste fyllas i.")}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={**REQUIRED, "invalid": _("Skriv datum och tid som ÅÅÅÅ-MM-DD TT:MM.")},
    )


def _not_future(value):
    if value and value > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError(_("Tidpunkten kan inte ligga i framtiden."))
    return value


def _user_choice(label, queryset, *, required=True):
    field = forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        empty_label=_("Välj person"),
        error_messages=REQUIRED,
    )
    field.label_from_instance = lambda u: u.get_full_name() or u.username
    return field


class ReportForm(PersonnummerCheckMixin, forms.Form):
    """Rapport om missförhållande (any staff). No personnummer field: a soft warning (the
    shared PersonnummerCheckMixin) if one is typed anyway, and the text is kept as typed."""

    report_kind = forms.ChoiceField(
        label=_("Rapporten gäller"),
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet där det hände"),
        queryset=None,
        empty_label=_("Välj enhet"),
        error_messages=REQUIRED,
    )
    occurred_at = _datetime(
        _("När hände det?"), required=False, help_text=_("Ungefärlig tid räcker.")
    )
    reporter_type = forms.ModelChoiceField(
        label=_("Du rapporterar som"), queryset=None, empty_label=_("Välj"), error_messages=REQUIRED
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Kort, utan namn eller personnummer."),
    )
    description = text_field(
        _("Vad hände?"), 20_000, rows=8, required_msg=_("Beskriv vad som hänt.")
    )
    persons_affected = text_field(
        _("Berörda personer"),
        2000,
        required=False,
        rows=3,
        help_text=_(
            "Beskriv vem eller vilka som berörs, t.ex. ”boende på avdelning 2”. "
            "Skriv inte personnummer."
        ),
    )
    concerns_child = forms.BooleanField(label=_("Händelsen gäller ett barn"), required=False)
    personal_data_breach = forms.BooleanField(
        label=_("Sekretessbelagda uppgifter har röjts (personuppgiftsincident)"),
        required=False,
        help_text=_("Då kan en anmälan till IMY behövas inom 72 timmar."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["reporter_type"].queryset = Code.choices_for(CodeList.REPORTER_TYPE)

    def clean_occurred_at(self):
        return _not_future(self.cleaned_data.get("occurred_at"))


class ReceiveForm(PersonnummerCheckMixin, forms.Form):
    immediate_measure = text_field(
        _("Omedelbar åtgärd"),
        5000,
        required=False,
        rows=3,
        help_text=_("Vad har du gjort för att skydda den enskilde?"),
    )


class ImmediateMeasureForm(PersonnummerCheckMixin, forms.Form):
    taken_at = _datetime(_("Tidpunkt"))
    text = text_field(
        _("Omedelbar åtgärd"), 5000, rows=3, required_msg=_("Beskriv den omedelbara åtgärden.")
    )

    def clean_taken_at(self):
        return _not_future(self.cleaned_data.get("taken_at"))


class AssignInvestigatorForm(forms.Form):
    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _user_choice(_("Lex Sarah-utredare"), users)


class StartInvestigationForm(forms.Form):
    def __init__(self, *args, users, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"] = _user_choice(_("Utredare"), users, required=False)
        self.fields["also_cover"] = forms.ModelMultipleChoiceField(
            label=_("Utred även dessa rapporter i samma utredning"),
            queryset=others,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["also_cover"].label_from_instance = lambda c: f"{c.reference} {c.title}"


class AddReportForm(forms.Form):
    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"] = forms.ModelChoiceField(
            label=_("Rapport"),
            queryset=others,
            empty_label=_("Välj rapport"),
            error_messages=REQUIRED,
        )
        self.fields["case"].label_from_instance = lambda c: f"{c.reference} {c.title}"


class InvestigationForm(PersonnummerCheckMixin, forms.ModelForm):
    """The six sections plus the version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Investigation
        fields = list(INVESTIGATION_SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in INVESTIGATION_SECTIONS}
        labels = {"assessment_text": _("Bedömning (utredarens resonemang)")}


class AssessForm(PersonnummerCheckMixin, forms.Form):
    assessment = forms.ChoiceField(
        label=_("Bedömning"),
        choices=Assessment.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    motivation = text_field(
        _("Motivering"), 10_000, rows=4, required_msg=_("Motivera bedömningen.")
    )


class ReopenForm(PersonnummerCheckMixin, forms.Form):
    reason = forms.CharField(
        label=_("Varför öppnas utredningen igen?"), max_length=500, error_messages=REQUIRED
    )


class InvestigationAttachmentForm(forms.Form):
    file = forms.FileField(label=_("Fil"), error_messages={"required": _("Välj en fil.")})

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=_("Bilagan hör till rapport"),
            queryset=cases,
            empty_label=None,
            error_messages=REQUIRED,
        )
        field.label_from_instance = lambda c: c.reference
        self.fields = {"case": field, **self.fields}


class CloseForm(PersonnummerCheckMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motivering till att ärendet avslutas"),
        max_length=500,
        error_messages={"required": _("Skriv en motivering.")},
    )


class UrgentIvoForm(PersonnummerCheckMixin, forms.Form):
    motivation = text_field(
        _("Varför kan anmälan inte vänta på utredningen?"),
        5000,
        rows=3,
        required_msg=_("Motivera varför anmälan inte kan vänta."),
    )


class IvoSentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Skickad till IVO"),
        widget=DateInput(),
        validators=[past_date],
        error_messages=REQUIRED,
    )
    ivo_reference = forms.CharField(label=_("IVO:s diarienummer"), max_length=60, required=False)


class IvoDecisionForm(PersonnummerCheckMixin, forms.Form):
    decision_date = forms.DateField(
        label=_("IVO:s beslutsdatum"),
        widget=DateInput(),
        validators=[past_date],
        error_messages=REQUIRED,
    )
    outcome = forms.ChoiceField(
        label=_("IVO:s beslut"),
        choices=IvoOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    note = text_field(_("Kommentar"), 5000, required=False, rows=3)


class ImyForm(forms.Form):
    reported_at = _datetime(_("Anmäld till IMY"))

    def clean_reported_at(self):
        return _not_future(self.cleaned_data.get("reported_at"))


class AUMeetingForm(PersonnummerCheckMixin, forms.Form):
    held_on = forms.DateField(label=_("Datum"), widget=DateInput(), error_messages=REQUIRED)
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Lämna tomt för ”Arbetsutskottets sammanträde” och datumet."),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"] = _user_choice(_("Ordförande"), users, required=False)
        members = forms.ModelMultipleChoiceField(
            label=_("Ledamöter"),
            queryset=users,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Ingen markerad: alla med rollen arbetsutskott."),
        )
        members.label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["members"] = members


class AgendaAddForm(forms.Form):
    paragraph = forms.CharField(
        label=_("Paragraf (§)"),
        max_length=20,
        required=False,
        help_text=_("Lämna tomt för nästa lediga nummer i år."),
    )

    def __init__(self, *args, investigations, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=_("Utredning"),
            queryset=investigations,
            empty_label=_("Välj utredning"),
            error_messages=REQUIRED,
        )
        field.label_from_instance = lambda i: (
            ", ".join(f"{r.case.reference}" for r in i.reports.all()) or str(i)
        )
        self.fields = {"investigation": field, **self.fields}


YES_NO = [("ja", _("Ja")), ("nej", _("Nej"))]


class AgendaDecideForm(PersonnummerCheckMixin, forms.Form):
    severity = forms.ChoiceField(
        label=_("Arbetsutskottets bedömning"),
        choices=Assessment.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    measures_approved = forms.ChoiceField(
        label=_("Räcker de föreslagna åtgärderna?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    ivo = forms.BooleanField(label=_("Anmäl till IVO"), required=False)
    minutes = text_field(_("Protokollsanteckning"), 10_000, required=False, rows=3)
