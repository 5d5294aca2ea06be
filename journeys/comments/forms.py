from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.comments.models import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": "", "autocomplete": "off"}),
        help_text=_("Plain text; links become clickable. Type @ to mention someone."),
    )


class CommentEditForm(CommentForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
