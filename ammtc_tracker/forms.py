from django import forms
from django.utils.translation import gettext_lazy as _

from ammtc_tracker.models import User


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What it is for, e.g. 'Ministry dashboard'."),
    )


class AccountForm(forms.ModelForm):
    """What the secretariat may set on an account.

    Never a password, superuser status, groups or individual permissions: a field not listed
    here is ignored whatever the request sends. Only superusers get Django's full user form.
    """

    # Set by the admin for each request: the person making the change.
    editor = None
    SELF_LOCKED = ("role", "party", "is_active")

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "party", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.editor is not None and self.instance.pk == self.editor.pk:
            for name in self.SELF_LOCKED:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        _(
                            "You cannot change your own role, party or active flag; ask "
                            "another member of the secretariat."
                        ),
                    )
        return cleaned


class NewAccountForm(AccountForm):
    """A new account: it gets no password here; its owner sets one from an e-mailed link."""

    class Meta(AccountForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "role", "party"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("A link to set the password is sent here.")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user
