"""The codebook editor's forms: a theme's fields (ThemeForm) and its rules (RuleFormSet: language, mode, phrase,
one row each; rows are added by a button that posts the form back, or by static/js/themes.js without a round trip,
and removed by their "Remove" box)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from metrics.models import Language, RuleMode, Theme
from metrics.themes.services import PHRASE_MAX, THEME_FIELDS, RuleInput, rule_problems

ADD_RULE = "add_rule"  # the name of the button that adds an empty row (without JavaScript)
RULES_PREFIX = "rules"
MAX_RULES = 60


class ThemeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Theme
        fields = THEME_FIELDS
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["description"].help_text = _("What the theme is about, for the other editors.")


class RuleForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.DUTCH)
    mode = forms.ChoiceField(label=_("Counts as"), choices=RuleMode.choices, initial=RuleMode.MENTION)
    phrase = forms.CharField(
        label=_("Words or phrase"),
        max_length=PHRASE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. wachttijd, lang wachten, wacht*")}),
    )

    def clean_phrase(self) -> str:
        phrase = self.cleaned_data["phrase"].strip()
        # The service's rule, at the row (language and mode are the form's choices).
        if rule_problems([RuleInput(Language.DUTCH, RuleMode.MENTION, phrase)]):
            raise forms.ValidationError(_("Give at least one word."))
        return phrase


class BaseRuleFormSet(forms.BaseFormSet):
    def add_service_errors(self, messages: list[str]) -> None:
        """The service's messages about the rules ("Rule 2: ..."), shown above the rows."""
        errors = [str(error) for error in self.non_form_errors()]  # the formset's own checks first
        self._non_form_errors = self.error_class([*errors, *messages], error_class="nonform")

    def rules(self) -> list[RuleInput]:
        """The rows kept (not removed, not left empty), in their order: what the service is given."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("phrase"):
                continue
            kept.append(RuleInput(data["language"], data["mode"], data["phrase"]))
        return kept

    def preview_rules(self) -> list[RuleInput]:
        """The rows as typed so far, for the live preview: the valid ones, whatever the others' state."""
        kept = []
        for form in self.forms:
            if form.is_valid() and form.cleaned_data.get("phrase") and not form.cleaned_data.get("DELETE"):
                kept.append(
                    RuleInput(form.cleaned_data["language"], form.cleaned_data["mode"], form.cleaned_data["phrase"])
                )
        return kept


RuleFormSet = forms.formset_factory(
    RuleForm,
    formset=BaseRuleFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_RULES,
    validate_max=True,
    absolute_max=MAX_RULES + 10,
)


def rule_formset(data: Any = None, *, rules: list[RuleInput] | None = None, add_row: bool = False) -> BaseRuleFormSet:
    """The rules' formset: bound to posted data, or showing `rules` (plus one empty row to type in). With
    `add_row`, the posted rows and one more (the "Add a rule" button without JavaScript)."""
    if data is not None and add_row:
        data = data.copy()
        key = f"{RULES_PREFIX}-TOTAL_FORMS"
        try:
            total = int(data.get(key, 0))
        except ValueError:
            total = 0
        data[key] = str(min(total + 1, MAX_RULES))
    if data is not None:
        return cast(BaseRuleFormSet, RuleFormSet(data, prefix=RULES_PREFIX))
    initial = [{"language": r.language, "mode": r.mode, "phrase": r.phrase} for r in rules or []]
    formset = cast(BaseRuleFormSet, RuleFormSet(initial=initial, prefix=RULES_PREFIX))
    formset.extra = 1 if len(initial) < MAX_RULES else 0
    return formset
