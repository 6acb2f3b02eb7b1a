from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.forms import MeasureForm as RiskMeasureForm
from cases.models import Code, CodeList, Unit
from cases.personnummer import PersonnummerCheckMixin
from cases.selectors import units_in_scope

from .models import LogReview, SelfControlPlan, SelfControlRun
from .selectors import VIEW_ROLES, WRITE_ROLES


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class PlanForm(PersonnummerCheckMixin, forms.ModelForm):
    class Meta:
        model = SelfControlPlan
        fields = [
            "area",
            "what_checked",
            "method",
            "frequency",
            "sample_rule",
            "sample_size",
            "responsible_unit",
            "responsible_person",
        ]
        widgets = {"what_checked": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"responsible_unit": UnitField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = Code.choices_for(CodeList.SELFCONTROL_METHOD)
        self.fields["responsible_unit"].queryset = units_in_scope(user, WRITE_ROLES).order_by(
            "path"
        )
        self.fields["responsible_person"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
        )
        if self.instance.pk is None:
            year = timezone.localdate().year
            self.fields["schedule_year"] = forms.IntegerField(
                label=_("Planera körningar för år"),
                required=False,
                initial=year,
                min_value=2000,
                max_value=2100,
                help_text=_("Körningarna planeras utifrån frekvensen. Lämna tomt för att vänta."),
            )


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)


class RunForm(PersonnummerCheckMixin, forms.ModelForm):
    class Meta:
        model = SelfControlRun
        fields = [
            "due_date",
            "sample_size",
            "results",
            "findings",
            "result",
            "documented",
            "include_in_report",
            "report_summary",
        ]
        widgets = {
            "due_date": DateInput(),
            "results": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "report_summary": forms.Textarea(attrs={"rows": 3}),
            "result": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", _("Ej bedömt ännu"))] + list(
            self.fields["result"].choices
        )[1:]
        self.fields["result"].required = False

    def clean_report_summary(self):
        summary = self.cleaned_data["report_summary"]
        if self.cleaned_data.get("include_in_report") and not summary.strip():
            raise forms.ValidationError(_("Skriv en kort sammanfattning för kvalitetsberättelsen."))
        return summary


class RunDeviationForm(PersonnummerCheckMixin, forms.Form):
    title = forms.CharField(label=_("Rubrik för avvikelsen"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivning av iakttagelsen"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DrawSampleForm(forms.Form):
    size = forms.IntegerField(
        label=_("Antal loggposter i urvalet"), min_value=1, max_value=500, required=False
    )


class LogReviewForm(PersonnummerCheckMixin, forms.Form):
    review = forms.ChoiceField(
        label=_("Bedömning"),
        widget=forms.RadioSelect,
        choices=[
            (LogReview.OK, LogReview.OK.label),
            (LogReview.FOLLOW_UP, LogReview.FOLLOW_UP.label),
        ],
    )
    comment = forms.CharField(label=_("Kommentar"), required=False, max_length=2000)


class YearForm(forms.Form):
    unit = UnitField(label=_("Enhet"), queryset=Unit.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user, VIEW_ROLES).order_by("path")


__all__ = [
    "DrawSampleForm",
    "LogReviewForm",
    "PlanForm",
    "RiskMeasureForm",
    "RunDeviationForm",
    "RunForm",
    "ScheduleForm",
    "YearForm",
]
