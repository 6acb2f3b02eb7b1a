"""The inbox's bulk-action form (issue #4). Filters live in cases/filters.py."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class FastSelect(forms.Select):
    """A <select> rendered in Python. Django renders each <option> through a template; with a
    hundred units and people in the inbox filters that was a third of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None
        }
        attrs = self.build_attrs(self.attrs, attrs)
        options = format_html_join("", "{}", ((o,) for o in self._options(self.choices, selected)))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)

    @staticmethod
    def _option(value, label, selected) -> str:
        value = "" if value is None else str(value)
        if value in selected:
            return format_html('<option value="{}" selected>{}</option>', value, label)
        return format_html('<option value="{}">{}</option>', value, label)

    def _options(self, choices, selected):
        for value, label in choices:
            if isinstance(label, list | tuple):
                inner = format_html_join(
                    "", "{}", ((self._option(v, lab, selected),) for v, lab in label)
                )
                yield format_html('<optgroup label="{}">{}</optgroup>', value, inner)
            else:
                yield self._option(getattr(value, "value", value), label, selected)


class BulkActionForm(forms.Form):
    ACTIONS = [("receive", _("Ta emot markerade")), ("assign", _("Tilldela markerade"))]

    action = forms.ChoiceField(label=_("Åtgärd"), choices=ACTIONS, widget=FastSelect)
    cases = forms.TypedMultipleChoiceField(label=_("Ärenden"), coerce=int, choices=[])
    assignee = forms.TypedChoiceField(
        label=_("Tilldela till"), coerce=int, required=False, empty_value=None, widget=FastSelect
    )
    # The inbox's query string, so the user comes back to the same filtered page.
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        # A list of users, already fetched for the filter form: no second query on the page.
        self.people = {u.pk: u for u in candidates}
        self.fields["assignee"].choices = [("", _("Välj person"))] + [
            (u.pk, u.get_full_name() or u.username) for u in candidates
        ]
        # Any integer is accepted here; the bulk service checks every id against the
        # visibility and handle selectors, which is the real guard.
        raw = self.data.getlist("cases") if hasattr(self.data, "getlist") else []
        self.fields["cases"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        data["assignee"] = self.people.get(data.get("assignee"))
        if data.get("action") == "assign" and data["assignee"] is None:
            self.add_error("assignee", _("Välj vem ärendena ska tilldelas."))
        return data

    def clean_back(self) -> str:
        back = self.cleaned_data.get("back", "")
        # Only a query string, never a URL: no open redirect.
        return back.lstrip("?") if "//" not in back and "\\" not in back else ""
