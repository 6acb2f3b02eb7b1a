"""Forms for klagomål och synpunkter: the public e-service, staff intake and handling.

Forms validate input and speak plain Swedish (klarspråk); the services own the rules."""

import re

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.complaints.selectors import public_fallback_unit, public_unit_groups, units_valid
from cases.complaints.services import ADDITION_MAX, DESCRIPTION_MAX, REPLY_MAX
from cases.forms import (
    CloseConfirmMixin,
    DateInput,
    ReasonForm,
    RequiredReasonForm,
    past_date,
    text_field,
    too_long,
)
from cases.models import Code, CodeList, MeasureLevel, Unit
from cases.personnummer import PersonnummerCheckMixin

UNKNOWN_UNIT = "vet-inte"
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,40}$")
# Sender categories a resident may pick; "via IVO" and "personal" are for staff registration.
PUBLIC_SENDER_CATEGORIES = ("brukare", "narstaende", "allmanhet", "annan-myndighet")


def _code_choices(codelist: str, only: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    qs = Code.choices_for(codelist)
    if only:
        qs = qs.filter(code__in=only)
    return [(c.code, c.label) for c in qs]


class _ContactMixin:
    """Contact fields shared by the public form and staff registration."""

    def clean_sender_email(self):
        value = self.cleaned_data.get("sender_email", "").strip()
        if value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Skriv e-postadressen som namn@exempel.se.")
                ) from None
        return value

    def clean_sender_phone(self):
        value = self.cleaned_data.get("sender_phone", "").strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(
                _("Skriv telefonnumret med siffror, till exempel 040-123 45 67.")
            )
        return value

    def _check_anonymous(self, cleaned):
        if cleaned.get("anonymous") == "ja" and any(
            cleaned.get(f) for f in ("sender_name", "sender_email", "sender_phone")
        ):
            self.add_error(
                "anonymous",
                _(
                    "Du har valt att vara anonym men har skrivit namn eller kontaktuppgifter. "
                    "Ta bort dem eller välj ”Nej”."
                ),
            )


ANONYMOUS_CHOICES = [
    ("nej", _("Nej, ni får spara mitt namn och mina kontaktuppgifter så att ni kan svara mig.")),
    (
        "ja",
        _(
            "Ja, jag vill vara anonym. Ni sparar inga uppgifter om mig. "
            "Jag kan läsa svaret med min kvittokod."
        ),
    ),
]


class PublicComplaintForm(PersonnummerCheckMixin, _ContactMixin, forms.Form):
    pnr_exempt = ("website",)  # the honeypot
    complaint_type = forms.ChoiceField(
        label=_("Vad vill du lämna?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Välj om du vill lämna klagomål, synpunkt, beröm, en fråga eller ett förslag."
            )
        },
    )
    unit = forms.ChoiceField(
        label=_("Vilken verksamhet gäller det?"),
        help_text=_("Välj ”Jag vet inte” om du är osäker. Vi skickar det rätt."),
        error_messages={
            "required": _("Välj vilken verksamhet det gäller."),
            "invalid_choice": _("Välj en verksamhet i listan."),
        },
    )
    description = text_field(
        _("Berätta vad som hänt"),
        DESCRIPTION_MAX,
        help_text=_(
            "Skriv vad som hände, när och var. Skriv gärna vad du tycker att vi ska "
            "göra. Skriv inte personnummer."
        ),
        rows=10,
        required_msg=_("Berätta vad det gäller."),
    )
    occurred_on = forms.DateField(
        label=_("När hände det?"),
        required=False,
        widget=DateInput(),
        help_text=_("Skriv datumet som åååå-mm-dd."),
        error_messages={"invalid": _("Skriv datumet som åååå-mm-dd, till exempel 2025-03-14.")},
        validators=[past_date],
    )
    sender_category = forms.ChoiceField(
        label=_("Vem är du?"),
        required=False,
        widget=forms.RadioSelect,
    )
    anonymous = forms.ChoiceField(
        label=_("Vill du vara anonym?"),
        choices=ANONYMOUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj om du vill vara anonym eller inte.")},
    )
    sender_name = forms.CharField(
        label=_("Ditt namn"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": too_long(200)},
    )
    sender_email = forms.CharField(
        label=_("Din e-postadress"),
        required=False,
        max_length=254,
        help_text=_("Då skickar vi svaret till dig."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"max_length": too_long(254)},
    )
    sender_phone = forms.CharField(
        label=_("Ditt telefonnummer"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": too_long(40)},
    )
    attachment = forms.FileField(
        label=_("Bifoga en fil"),
        required=False,
        help_text=_(
            "PDF, bild (PNG, JPEG, GIF, WebP, HEIC), Word, Excel, PowerPoint, "
            "OpenDocument, text (txt, csv) eller e-post (eml, msg), högst 10 MB."
        ),
    )
    # Honeypot: hidden with CSS; people leave it empty, naive bots fill it in.
    website = forms.CharField(
        label=_("Lämna detta fält tomt"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint_type"].choices = _code_choices(CodeList.COMPLAINT_TYPE)
        self.fields["sender_category"].choices = _code_choices(
            CodeList.SENDER_CATEGORY, PUBLIC_SENDER_CATEGORIES
        )
        self.unit_groups = public_unit_groups()
        choices: list = [("", _("Välj verksamhet")), (UNKNOWN_UNIT, _("Jag vet inte"))]
        self._units = {}
        for group in self.unit_groups:
            options = []
            for unit in group.units:
                options.append((str(unit.pk), unit.label_for_public))
                self._units[str(unit.pk)] = unit
            choices.append((group.label, options))
        self.fields["unit"].choices = choices

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        unit = public_fallback_unit() if value == UNKNOWN_UNIT else self._units.get(value)
        if unit is None:
            raise forms.ValidationError(_("Välj en verksamhet i listan."))
        return unit

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Formuläret kunde inte skickas. Lämna fältet ”Lämna detta fält tomt” tomt.")
            )
        return ""

    def clean(self):
        cleaned = super().clean()
        self._check_anonymous(cleaned)
        return cleaned


class ReceiptCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Din kvittokod"),
        max_length=40,
        help_text=_("Koden står på kvittot du fick, till exempel ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={
            "required": _("Skriv din kvittokod."),
            "max_length": _("Kvittokoden är för lång."),
        },
    )


class AdditionForm(PersonnummerCheckMixin, forms.Form):
    text = text_field(
        _("Lägg till uppgifter"),
        ADDITION_MAX,
        help_text=_("Det du skriver här läggs till ditt ärende."),
        rows=5,
        required_msg=_("Skriv det du vill lägga till."),
    )


class StaffComplaintForm(PersonnummerCheckMixin, forms.Form):
    """Klagomål och synpunkter från personal."""

    unit = forms.ModelChoiceField(
        label=_("Verksamhet som det gäller"),
        queryset=Unit.objects.none(),
        error_messages={
            "required": _("Välj verksamhet."),
            "invalid_choice": _("Välj en verksamhet i listan."),
        },
    )
    complaint_type = forms.ChoiceField(
        label=_("Typ"), widget=forms.RadioSelect, error_messages={"required": _("Välj typ.")}
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("Några ord som sammanfattar ärendet."),
        error_messages={"required": _("Skriv en rubrik."), "max_length": too_long(200)},
    )
    description = text_field(
        _("Beskrivning"),
        DESCRIPTION_MAX,
        help_text=_("Vad hände, när och var? Skriv inte personnummer."),
        required_msg=_("Beskriv vad det gäller."),
    )
    occurred_on = forms.DateField(
        label=_("Händelsedatum"),
        required=False,
        widget=DateInput(),
        validators=[past_date],
        error_messages={"invalid": _("Skriv datumet som åååå-mm-dd.")},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else units_valid()
        self.fields["unit"].label_from_instance = lambda u: f"{'  ' * max(u.depth - 1, 0)}{u.name}"
        self.fields["complaint_type"].choices = _code_choices(CodeList.COMPLAINT_TYPE)


class RegisterComplaintForm(_ContactMixin, StaffComplaintForm):
    """A complaint received by letter, phone or visit, registered by a chef or quality staff."""

    channel = forms.ChoiceField(
        label=_("Hur kom det in?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj hur ärendet kom in.")},
    )
    sender_category = forms.ChoiceField(
        label=_("Avsändare"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj avsändare.")},
    )
    received_on = forms.DateField(
        label=_("Inkom"),
        widget=DateInput(),
        validators=[past_date],
        error_messages={
            "required": _("Ange när ärendet kom in."),
            "invalid": _("Skriv datumet som åååå-mm-dd."),
        },
    )
    anonymous = forms.ChoiceField(
        label=_("Vill avsändaren vara anonym?"),
        widget=forms.RadioSelect,
        choices=[("nej", _("Nej")), ("ja", _("Ja, inga kontaktuppgifter sparas"))],
        initial="nej",
    )
    sender_name = forms.CharField(label=_("Avsändarens namn"), required=False, max_length=200)
    sender_email = forms.CharField(
        label=_("Avsändarens e-post"), required=False, max_length=254, widget=forms.EmailInput
    )
    sender_phone = forms.CharField(label=_("Avsändarens telefon"), required=False, max_length=40)

    field_order = [
        "received_on",
        "channel",
        "sender_category",
        "unit",
        "complaint_type",
        "title",
        "description",
        "occurred_on",
        "anonymous",
        "sender_name",
        "sender_email",
        "sender_phone",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _code_choices(CodeList.CHANNEL)
        self.fields["sender_category"].choices = _code_choices(CodeList.SENDER_CATEGORY)
        self.fields["received_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        self._check_anonymous(cleaned)
        return cleaned


# --- Handling ---------------------------------------------------------------------------------


class CloseForm(CloseConfirmMixin, RequiredReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.label = _("Motivering till avslut")
        reason.error_messages["required"] = _("Skriv en motivering till att ärendet avslutas.")


DEVIATION_CHOICES = [("ja", _("Ja")), ("nej", _("Nej")), ("", _("Inte bedömt ännu"))]


class AssessForm(PersonnummerCheckMixin, forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Vad handlar ärendet om?"),
        required=False,
        queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    deviation_found = forms.ChoiceField(
        label=_("Visade utredningen en avvikelse?"),
        choices=DEVIATION_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = ReasonForm.base_fields["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Code.choices_for(CodeList.COMPLAINT_TOPIC)

    def clean_deviation_found(self):
        return {"ja": True, "nej": False}.get(self.cleaned_data.get("deviation_found"))


class ComplaintMeasureForm(PersonnummerCheckMixin, forms.Form):
    description = text_field(_("Åtgärd"), 5000, rows=2, required_msg=_("Beskriv åtgärden."))
    measure_type = forms.ModelChoiceField(
        label=_("Typ av åtgärd"), required=False, queryset=Code.objects.none()
    )
    level = forms.ChoiceField(
        label=_("Nivå"),
        widget=forms.RadioSelect,
        initial=MeasureLevel.CASE,
        choices=[
            (MeasureLevel.CASE.value, MeasureLevel.CASE.label),
            (MeasureLevel.UNIT.value, MeasureLevel.UNIT.label),
        ],
        error_messages={"required": _("Välj nivå.")},
    )
    due_date = forms.DateField(
        label=_("Klart senast"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Skriv datumet som åååå-mm-dd.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = Code.choices_for(CodeList.MEASURE_TYPE)


class ReplyForm(PersonnummerCheckMixin, forms.Form):
    reply_text = text_field(
        _("Återkoppling till avsändaren"),
        REPLY_MAX,
        rows=8,
        help_text=_(
            "Avsändaren läser texten med sin kvittokod och får den med "
            "e-post om adress finns. Skriv inte namn på medarbetare."
        ),
        required_msg=_("Skriv återkopplingen."),
    )
    replied_on = forms.DateField(
        label=_("Datum för återkoppling"),
        widget=DateInput(),
        validators=[past_date],
        error_messages={
            "required": _("Ange datum."),
            "invalid": _("Skriv datumet som åååå-mm-dd."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class EscalateForm(PersonnummerCheckMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Skapa"),
        widget=forms.RadioSelect,
        choices=[("deviation", _("Kvalitetsavvikelse")), ("lexsarah", _("Lex Sarah-rapport"))],
        error_messages={"required": _("Välj vad som ska skapas.")},
    )
    title = forms.CharField(
        label=_("Rubrik"),
        required=False,
        max_length=200,
        help_text=_("Lämna tomt för att använda klagomålets rubrik."),
    )
    reason = forms.CharField(
        label=_("Varför?"),
        max_length=500,
        error_messages={"required": _("Skriv varför ärendet ska gå vidare.")},
    )
