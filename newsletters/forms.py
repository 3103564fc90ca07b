from django import forms

from newsletters.models import Topic

SIGNUP_SOURCES = {"footer", "home"}


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_source(self):
        source = self.cleaned_data.get("source", "")
        return source if source in SIGNUP_SOURCES else "web"


class PreferencesForm(forms.Form):
    name = forms.CharField(label="Your name (for the greeting)", max_length=150, required=False)
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Topics you want to hear about",
    )
