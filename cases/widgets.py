"""Widgets shared by forms and filters. Below the selectors in the import layers, because a
selector binds its list's FilterSet (cases/filters.py) and the filters use these widgets."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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
