from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cases.models import Measure


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


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Ny anteckning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bifoga fil"))


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["description", "measure_type", "level", "responsible", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
        }
