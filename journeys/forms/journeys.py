"""Forms of the journey pages: a journey's header, a persona, the import upload."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from journeys.forms.map import KeyedFormMixin, key_field_help
from journeys.models import Journey, JourneyGroup, JourneyTemplate, Persona
from journeys.permissions import can_edit_journeys


class JourneyForm(KeyedFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Journey
        fields = ["name", "key", "description", "group", "personas", "state", "phase", "chain_owner"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "personas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Offer only the groups this user may put a journey in.
            allowed = [g.pk for g in JourneyGroup.objects.all() if can_edit_journeys(user, Journey(group=g))]
            self.fields["group"].queryset = JourneyGroup.objects.filter(pk__in=allowed)
        self.fields["chain_owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("first_name")
        self.fields["chain_owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        key_field_help(
            self,
            _(
                "A short name for the journey that stays the same, unique among journeys: survey tools, imports "
                "and the API may name the journey by it instead of its id."
            ),
        )


class PersonaForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = ["name", "segment", "quote", "goals", "frustrations", "colour"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "frustrations": forms.Textarea(attrs={"rows": 3}),
            "colour": forms.TextInput(attrs={"type": "color"}),
        }


class JourneyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Journey file (JSON)"), help_text=_("A file exported from CX Platform with “Export JSON”.")
    )
    name = forms.CharField(
        label=_("Name of the copy"), required=False, max_length=200, help_text=_("Leave empty for “<name> (imported)”.")
    )


class JourneyTemplateChoiceForm(forms.Form):
    """What a new journey starts from: a blank map, a shipped template or one of the organisation's. The page
    draws the choices as cards with a preview; this form checks the value posted is one it offered. The language of the
    shipped templates is not a field: an unknown one falls back to the user's (journeys/views/templates.py)."""

    template = forms.ChoiceField(label=_("Start from"), required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("A blank map")), *choices]


class JourneyTemplateForm(forms.ModelForm):
    """Save a journey's map as a template of the organisation."""

    class Meta:
        model = JourneyTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": _("What the template is for, so colleagues know when to start from it.")}
