"""Who may change journeys. One place, used by the pages and the API alike.

Only CX editors and admins edit journeys at all. Which journeys an editor may change is decided by the policy
named in settings.JOURNEY_EDIT_POLICY (the teams app: the journeys of the groups their team owns), so that
this app needs to know nothing of teams.
"""

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import is_admin, is_cx_editor

CANNOT_EDIT_REASON = _("Only CX editors and admins can change journey maps.")
NOT_THIS_JOURNEY_REASON = _(
    "Only CX editors of a team that owns this journey's group, and admins, can change this journey."
)


def _policy():
    path = getattr(settings, "JOURNEY_EDIT_POLICY", None)
    return import_string(path) if path else None


def can_edit_journeys(user, journey=None) -> bool:
    """Without a journey: may the user edit journeys at all. With one (saved or not): may they change it."""
    if not (is_admin(user) or is_cx_editor(user)):
        return False
    policy = _policy()
    return journey is None or policy is None or policy(user, journey)


def edit_refusal_reason(user, journey=None) -> str:
    return str(CANNOT_EDIT_REASON if journey is None or not can_edit_journeys(user) else NOT_THIS_JOURNEY_REASON)
