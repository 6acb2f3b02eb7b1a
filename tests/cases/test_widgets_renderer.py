"""The choice widgets written in Python (cases.widgets.FastChoiceRenderer) give exactly the
markup of Django's templates: same ids, labels, checked/selected state and escaping, so that
screen readers, the browser tests and the forms' POST see no difference."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from cases.widgets import FastChoiceRenderer

CHOICES = [
    ("a", "Läkemedel & dos"),
    ("b", '<script>"citat"</script>'),
    (3, "Tre"),
    ("Grupp <1>", [("g1", "Första i gruppen"), ("g2", "Andra i gruppen")]),
]


class Custom(forms.CheckboxSelectMultiple):
    option_template_name = "django/forms/widgets/input_option.html"


WIDGETS = [
    (forms.Select(choices=CHOICES), "b"),
    (forms.Select(choices=CHOICES, attrs={"class": "wide", "required": True}), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "g2"]),
    (forms.NullBooleanSelect(), True),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["a", "3", "g1"]),
    (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"class": "codes"}), []),
    (forms.RadioSelect(choices=CHOICES), "g2"),
    (forms.RadioSelect(choices=CHOICES, attrs={"disabled": False, "data-x": 0}), "a"),
    (Custom(choices=CHOICES), ["b"]),
]


@pytest.mark.parametrize("widget,value", WIDGETS, ids=lambda w: type(w).__name__)
def test_same_markup_as_django_templates(widget, value):
    attrs = {"id": "id_falt"}
    fast = widget.render("falt", value, attrs=attrs, renderer=FastChoiceRenderer())
    plain = widget.render("falt", value, attrs=attrs, renderer=DjangoTemplates())
    assert fast == plain
    assert "<script>" not in fast


def test_forms_use_it_by_default():
    class F(forms.Form):
        codes = forms.MultipleChoiceField(
            choices=[(str(i), f"Kod {i}") for i in range(80)],
            widget=forms.CheckboxSelectMultiple,
        )

    assert isinstance(get_default_renderer(), FastChoiceRenderer)
    html = str(F(initial={"codes": ["7"]})["codes"])
    assert html.count('type="checkbox"') == 80
    assert 'value="7" id="id_codes_7" checked' in html
    assert '<label for="id_codes_7">' in html
