"""Forms of the after-action pages (validation of input only; the rules live in services)."""

from django import forms

from apc.core.forms import style_form


class ConsiderForm(forms.Form):
    """The drafting team marks a lesson considered for its plan, saying how."""

    note = forms.CharField(
        label="How the plan takes this lesson into account",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
