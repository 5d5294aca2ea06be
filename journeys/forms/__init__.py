"""Forms of the journeys app, a module per page family; they validate input, the services write.

- `map`: the map editor's stage, touchpoint and finding forms (with the hidden version of an edit);
- `journeys`: a journey's header, a persona, the import upload, the template choice and a saved template;
- `share`: a new share link, and the password a shared view may ask.
"""

from .journeys import JourneyForm, JourneyImportForm, JourneyTemplateChoiceForm, JourneyTemplateForm, PersonaForm
from .map import EMOTION_CHOICES, SEVERITY_CHOICES, FindingForm, StageForm, TouchpointForm, VersionedModelForm
from .share import ShareLinkForm, SharePasswordForm

__all__ = [
    "EMOTION_CHOICES",
    "SEVERITY_CHOICES",
    "FindingForm",
    "JourneyForm",
    "JourneyImportForm",
    "JourneyTemplateChoiceForm",
    "JourneyTemplateForm",
    "PersonaForm",
    "ShareLinkForm",
    "SharePasswordForm",
    "StageForm",
    "TouchpointForm",
    "VersionedModelForm",
]
