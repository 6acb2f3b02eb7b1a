from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import REASON_HELP, DateInput
from cases.models import Disposition
from cases.registry import archive_sources, case_types
from cases.services.history import REASON_MAX

REQUIRED = {"required": _("Fältet måste fyllas i.")}


class DeliveryForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Arkivbildande enhet"),
        queryset=None,
        error_messages={**REQUIRED, "invalid_choice": _("Välj en enhet i listan.")},
    )
    case_kind = forms.ChoiceField(label=_("Ärendetyp"), error_messages=REQUIRED)
    closed_from = forms.DateField(
        label=_("Avslutade från och med"), widget=DateInput(), error_messages=REQUIRED
    )
    closed_to = forms.DateField(
        label=_("Avslutade till och med"), widget=DateInput(), error_messages=REQUIRED
    )
    reason = forms.CharField(
        label=_("Kommentar"), max_length=REASON_MAX, required=False, help_text=REASON_HELP
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["case_kind"].choices = [("", "–")] + [
            (ct.kind, ct.label) for ct in case_types()
        ]


class ReceiptForm(forms.Form):
    receipt_reference = forms.CharField(
        label=_("Arkivets kvittens"),
        max_length=200,
        error_messages=REQUIRED,
        help_text=_("Arkivets leverans- eller diarienummer för mottagandet."),
    )
    reason = forms.CharField(
        label=_("Kommentar"), max_length=REASON_MAX, required=False, help_text=REASON_HELP
    )


class RetentionClassForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Gallring eller bevarande"), choices=Disposition.choices, error_messages=REQUIRED
    )
    years = forms.IntegerField(
        label=_("Gallringsfrist i år"),
        required=False,
        min_value=1,
        max_value=150,
        help_text=_("Bara för ”gallras efter angivet antal år”."),
        error_messages={"invalid": _("Ange ett helt antal år.")},
    )
    decision_reference = forms.CharField(
        label=_("Beslut i dokumenthanteringsplanen"), max_length=200, error_messages=REQUIRED
    )
    reason = forms.CharField(
        label=_("Skäl till ändringen"),
        max_length=REASON_MAX,
        error_messages=REQUIRED,
        help_text=REASON_HELP,
    )


class ItemDeliveryForm(forms.Form):
    """One item of a registered source: the choice is "<source>:<id>"."""

    item = forms.ChoiceField(
        label=_("Handling"),
        error_messages={**REQUIRED, "invalid_choice": _("Välj en handling i listan.")},
    )
    reason = forms.CharField(
        label=_("Kommentar"), max_length=REASON_MAX, required=False, help_text=REASON_HELP
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "–")] + [
            (f"{source.key}:{pk}", f"{source.label}: {label}")
            for source in archive_sources()
            for pk, label in source.choices(user)
        ]

    def clean_item(self):
        source, _sep, pk = self.cleaned_data["item"].partition(":")
        return {"source": source, "item_id": int(pk)}
