from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.personnummer import PersonnummerCheckMixin

from .models import AnalysisRound, UnitAnalysis

DATE = DateInput()


class AnalysisForm(PersonnummerCheckMixin, forms.ModelForm):
    """The chef's text. `version` carries the optimistic lock through the round trip."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = UnitAnalysis
        fields = [
            "patterns",
            "causes",
            "conclusions",
            "needs_overarching_measures",
            "overarching_measures",
        ]
        labels = {
            "patterns": _("Mönster och trender"),
            "causes": _("Bakomliggande orsaker"),
            "conclusions": _("Slutsatser och åtgärder"),
            "needs_overarching_measures": _("Analysen visar behov av övergripande åtgärder"),
            "overarching_measures": _("Beskriv behovet av övergripande åtgärder"),
        }
        help_texts = {
            "patterns": _("Vilka mönster syns i ärendena, jämfört med föregående period?"),
            "causes": _("Vilka bakomliggande orsaker återkommer?"),
            "conclusions": _(
                "Vad drar ni för slutsatser, och vilka åtgärder har vidtagits "
                "eller planeras? Krävs för att lämna in."
            ),
            "overarching_measures": _(
                "Till exempel behov som bör hanteras inom ramen för intern kontroll."
            ),
        }
        widgets = {
            "patterns": forms.Textarea(attrs={"rows": 6}),
            "causes": forms.Textarea(attrs={"rows": 6}),
            "conclusions": forms.Textarea(attrs={"rows": 6}),
            "overarching_measures": forms.Textarea(attrs={"rows": 3}),
        }

    def refresh_version(self, version: int) -> None:
        """After a conflict: keep what was typed, but let the next save build on the version
        now stored (the user has seen it beside their own text)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data

    def text_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RoundForm(forms.ModelForm):
    class Meta:
        model = AnalysisRound
        fields = ["period_start", "period_end", "due_date"]
        labels = {
            "period_start": _("Periodens första dag"),
            "period_end": _("Periodens sista dag"),
            "due_date": _("Lämnas in senast"),
        }
        widgets = {"period_start": DATE, "period_end": DATE, "due_date": DATE}


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        help_text=_("Perioden blir 1 juni året före – 31 maj detta år."),
    )
