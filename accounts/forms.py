"""The login form: Django's, with the username's length enforced on the server."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from learners.validators import CleanTextMixin

# Longer than any password manager makes; hashing a 100,000-character "password" is wasted work.
PASSWORD_MAX_CHARS = 1024


class LoginForm(CleanTextMixin, AuthenticationForm):
    """AuthenticationForm sets the username's max_length only after the field is built, so the
    browser gets maxlength but the server never checks it: a 100,000-character username went
    to authenticate() and the lock-out's attempt log (255 characters) failed with a 500. Too
    long or with control characters is now a form error, before any authentication."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX_CHARS))
