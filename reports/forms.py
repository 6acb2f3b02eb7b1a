from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.personnummer import PersonnummerCheckMixin
from cases.selectors import units_in_scope

from .models import DevelopmentArea
from .selectors import WRITE_ROLES, development_areas_visible_to


class DevelopmentAreaForm(PersonnummerCheckMixin, forms.ModelForm):
    class Meta:
        model = DevelopmentArea
        fields = ["unit", "year_decided", "title", "background", "actions", "continues"]
        labels = {
            "unit": _("Organisation"),
            "year_decided": _("Beslutat år (kvalitetsberättelsens år)"),
            "title": _("Rubrik"),
            "background": _("Bakgrund"),
            "actions": _("Insatser"),
            "continues": _("Fortsättning på tidigare utvecklingsområde"),
        }
        help_texts = {
            "year_decided": _(
                "Ett område som beslutas med kvalitetsberättelsen för år N följs "
                "upp i kvalitetsberättelsen för år N+1."
            ),
        }
        widgets = {
            "background": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user, WRITE_ROLES).order_by("path")
        continues = development_areas_visible_to(user).order_by("-year_decided", "title")
        if self.instance.pk:
            continues = continues.exclude(pk=self.instance.pk)
        self.fields["continues"].queryset = continues
        self.fields["continues"].empty_label = _("Nej, ett nytt område")
        self.fields["year_decided"].min_value = 2000
        self.fields["year_decided"].widget.attrs.update(min=2000, max=timezone.localdate().year + 1)


class FollowUpForm(PersonnummerCheckMixin, forms.Form):
    status = forms.ChoiceField(label=_("Resultat"), widget=forms.RadioSelect)
    year = forms.IntegerField(label=_("Uppföljt år"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("Vad visar uppföljningen?"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c for c in DevelopmentArea.Status.choices if c[0] != DevelopmentArea.Status.DECIDED
        ]
