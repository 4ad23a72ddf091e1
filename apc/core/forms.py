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


class StyledForm(forms.Form):
    """A form that styles itself for USWDS and takes a service's `Invalid.errors`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def add_domain_errors(self, errors: dict[str, list[str]], fallback: str = "") -> None:
        """Show a service's field errors on the matching fields (others on the form)."""
        for field, messages in errors.items():
            target = field if field in self.fields else None
            for message in messages or [fallback]:
                self.add_error(target, message)
        if not errors and fallback:
            self.add_error(None, fallback)
