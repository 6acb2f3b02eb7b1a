"""How every form's widgets are rendered (settings.FORM_RENDERER). Below the selectors in the
import layers; it imports nothing of the project."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

# --- Choice widgets rendered in Python ----------------------------------------------------------
# Django renders every <option> and every checkbox of a choice widget through two or three
# template includes. The case page carries the action forms with the förvaltning's long code
# lists (80 deficiency areas, 60 causes …); rendering those options was ~40 % of the page's
# time (issue 16). This renderer writes the same markup as Django's templates
# (django/forms/templates/django/forms/widgets/*.html, Django 5.2) in Python for the standard
# choice widgets and leaves every other template to the template engine.
# tests/cases/test_widgets_renderer.py compares the two byte for byte.

_OPTION_TEMPLATES = {
    "django/forms/widgets/select_option.html",
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio_option.html",
}


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input_option(option: dict) -> str:
    value = option["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    field = (
        f'<input type="{conditional_escape(option["type"])}" '
        f'name="{conditional_escape(option["name"])}"{value_attr}{_attrs(option["attrs"])}>\n'
    )
    # The templates' trailing newlines: input.html, input_option.html, checkbox_option.html.
    if not option.get("wrap_label"):
        return field + "\n\n"
    label_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(label_id)}"' if label_id else ""
    return f"<label{label_for}>{field} {conditional_escape(option['label'])}</label>\n\n"


def _multiple_input(widget: dict) -> str:
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{conditional_escape(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{conditional_escape(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


_FAST = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/checkbox_select.html": _multiple_input,
    "django/forms/widgets/radio.html": _multiple_input,
}


class FastChoiceRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's default renderer, with the standard choice widgets
    written in Python (see above). A widget whose options use their own template goes through
    the templates as before."""

    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        widget = context.get("widget") if fast else None
        if widget is not None and all(
            option.get("template_name") in _OPTION_TEMPLATES
            for _group, options, _index in widget["optgroups"]
            for option in options
        ):
            return fast(widget)
        return super().render(template_name, context, request)
