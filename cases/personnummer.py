"""The personnummer warning, one component for every form with free text (issue 18).

Nobody should type a personnummer into a deviation, a complaint or a note: the text travels
to reports, PDFs and the archive. A soft check, not a ban (a quoted decision may need one):
- `contains_personnummer` is the shared validator (the same pattern the masking uses);
- the widgets render, right under the text box, a warning and the confirmation checkbox
  ("Jag har kontrollerat texten …"); static/js/personnummer.js reveals it while typing, the
  server shows it when the submitted text has one;
- `PersonnummerCheckMixin` swaps the widgets of a form's free-text fields and, on submit,
  refuses a text with a personnummer until its checkbox is ticked, keeping what was typed.

The checkbox is not a form field (it would show up in every `{% for field in form %}` loop);
its name is the text field's name + CONFIRM_SUFFIX and the mixin reads it from the raw data.
"""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cases.masking import PERSONNUMMER_RE

CONFIRM_SUFFIX = "_pnr_ok"
WARNING = _(
    "Texten ser ut att innehålla ett personnummer. Ta bort det, eller kryssa i rutan under "
    "fältet om det ska stå kvar."
)
CONFIRM_LABEL = _("Jag har kontrollerat texten och vill skicka den ändå")
NOTICE = _(
    "Det här ser ut som ett personnummer. Skriv inte personnummer om det inte verkligen behövs."
)


def contains_personnummer(text: str | None) -> bool:
    return bool(text) and PERSONNUMMER_RE.search(str(text)) is not None


class _PersonnummerWidgetMixin:
    """Renders the text box followed by the warning and its checkbox (hidden until needed)."""

    confirmed = False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        context["widget"]["attrs"]["data-pnr-check"] = PERSONNUMMER_RE.pattern
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"  # type: ignore[attr-defined]
        shown = contains_personnummer(self.format_value(value))  # type: ignore[attr-defined]
        # The live region is always there, so a screen reader hears the warning when the
        # script reveals it; the box itself stays hidden until a personnummer is typed.
        return format_html(
            '{}<div class="pnr-check" aria-live="polite">'
            '<div class="pnr-warning" id="{}_pnr"{}><p>{}</p>'
            '<div class="checkbox-row"><input type="checkbox" name="{}{}" id="{}_pnr_ok" '
            'value="1"{}> <label class="inline-label" for="{}_pnr_ok">{}</label></div></div></div>',
            box,
            base_id,
            "" if shown else mark_safe(" hidden"),
            NOTICE,
            name,
            CONFIRM_SUFFIX,
            base_id,
            mark_safe(" checked") if self.confirmed else "",
            base_id,
            CONFIRM_LABEL,
        )


class PersonnummerTextarea(_PersonnummerWidgetMixin, forms.Textarea):
    pass


class PersonnummerTextInput(_PersonnummerWidgetMixin, forms.TextInput):
    pass


def _checked_widget(widget: forms.Widget) -> forms.Widget | None:
    """The personnummer-checking twin of a free-text widget, or None for anything else
    (e-mail, telephone, passwords, hidden and choice widgets)."""
    if isinstance(widget, _PersonnummerWidgetMixin):
        return widget
    if type(widget) is forms.Textarea:
        twin: forms.Widget = PersonnummerTextarea(attrs=widget.attrs)
    elif type(widget) is forms.TextInput and widget.attrs.get("type", "text") == "text":
        twin = PersonnummerTextInput(attrs=widget.attrs)
    else:
        return None
    twin.is_required = widget.is_required
    return twin


class PersonnummerCheckMixin:
    """Put first among a form's bases. `pnr_exempt` names text fields that are not free text
    (a honeypot, a code). The widgets are swapped lazily (first field access or validation), so
    fields a form adds in its own __init__ after super() are covered too."""

    pnr_exempt: tuple[str, ...] = ()

    def _pnr_prepare(self) -> None:
        self.pnr_fields: list[str] = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name in self.pnr_exempt or not isinstance(field, forms.CharField):
                continue
            twin = _checked_widget(field.widget)
            if twin is None:
                continue
            field.widget = twin
            self.pnr_fields.append(name)
            if self.is_bound:  # type: ignore[attr-defined]
                confirm = self.add_prefix(name) + CONFIRM_SUFFIX  # type: ignore[attr-defined]
                twin.confirmed = bool(self.data.get(confirm))  # type: ignore[attr-defined]

    def __getitem__(self, name):
        self._pnr_prepare()
        return super().__getitem__(name)  # type: ignore[misc]

    def full_clean(self):
        self._pnr_prepare()
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound or not hasattr(self, "cleaned_data"):  # type: ignore[attr-defined]
            return
        for name in self.pnr_fields:
            if name not in self.cleaned_data:  # type: ignore[attr-defined]
                continue  # already refused for another reason
            text = self.cleaned_data[name]  # type: ignore[attr-defined]
            widget = self.fields[name].widget  # type: ignore[attr-defined]
            if contains_personnummer(text) and not widget.confirmed:
                self.add_error(name, WARNING)  # type: ignore[attr-defined]
