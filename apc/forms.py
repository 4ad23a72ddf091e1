"""Forms of the committee's plumbing."""

from django.contrib.auth.forms import AuthenticationForm

from apc.core.forms import style_form


class LoginForm(AuthenticationForm):
    """Django's login form with autocomplete hints for password managers (WCAG 1.3.5)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        style_form(self)
