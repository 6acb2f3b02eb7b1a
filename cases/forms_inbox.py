"""The inbox's bulk-action form (issue #4). Filters live in cases/filters.py."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BulkActionForm(forms.Form):
    ACTIONS = [("receive", _("Ta emot markerade")), ("assign", _("Tilldela markerade"))]

    action = forms.ChoiceField(label=_("Åtgärd"), choices=ACTIONS)
    cases = forms.TypedMultipleChoiceField(label=_("Ärenden"), coerce=int, choices=[])
    assignee = forms.TypedChoiceField(
        label=_("Tilldela till"), coerce=int, required=False, empty_value=None
    )
    # The inbox's query string, so the user comes back to the same filtered page.
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        # Its own ids: the filter form on the same page has an "assignee" too (id_assignee).
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        # The people the user may hand a case in their scope to (bulk_assignee_candidates):
        # the list only narrows; each type's assign service decides per case.
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
