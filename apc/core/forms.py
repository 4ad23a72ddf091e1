"""USWDS styling for any Django form, so templates render fields one way."""

from __future__ import annotations

from django import forms

_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
}


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget its USWDS class and point it at its hint for screen readers."""
    for name, field in form.fields.items():
        widget = field.widget
        css = next((c for cls, c in _CLASSES.items() if isinstance(widget, cls)), "usa-input")
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if field.help_text:
            widget.attrs["aria-describedby"] = f"{form[name].id_for_label}-hint"
    return form
