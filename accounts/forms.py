"""The account pages' own forms: closing the account, and the name on the profile."""

from django import forms
from django.contrib.auth import get_user_model


class CloseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and my personal details will be deleted for good.",
        error_messages={"required": "Tick the box to confirm that you want to delete your account."},
    )


class NameForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
        labels = {"first_name": "First name", "last_name": "Last name"}
        widgets = {
            "first_name": forms.TextInput(attrs={"class": "form-control", "autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"class": "form-control", "autocomplete": "family-name"}),
        }

    def clean(self):
        cleaned = super().clean()
        for field in ("first_name", "last_name"):
            if "\x00" in cleaned.get(field, ""):
                self.add_error(field, "Use letters, spaces and punctuation only.")
        return cleaned
