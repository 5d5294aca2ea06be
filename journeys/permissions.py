"""Who may change journeys. One place, used by the pages and the API alike.

Only CX editors and admins edit journeys at all. Which journeys an editor may change is decided by the policy
named in settings.JOURNEY_EDIT_POLICY (the teams app: the journeys of the groups their team owns), so that
this app needs to know nothing of teams (an extension point: cxplatform.lib.extension_points).
"""

from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import is_admin, is_cx_editor
from cxplatform.lib import extension_points

CANNOT_EDIT_REASON = _("Only CX editors and admins can change journey maps.")
NOT_THIS_JOURNEY_REASON = _(
    "Only CX editors of a team that owns this journey's group, and admins, can change this journey."
)


def can_edit_journeys(user, journey=None) -> bool:
    """Without a journey: may the user edit journeys at all. With one (saved or not): may they change it."""
    if not (is_admin(user) or is_cx_editor(user)):
        return False
    policy = extension_points.provider(extension_points.JOURNEY_EDIT_POLICY)
    return journey is None or policy is None or policy(user, journey)


def edit_refusal_reason(user, journey=None) -> str:
    return str(CANNOT_EDIT_REASON if journey is None or not can_edit_journeys(user) else NOT_THIS_JOURNEY_REASON)


def can_read_journey(user, journey=None) -> bool:
    """May the user see this journey's map (and follow it live). Today every active, signed-in user reads every
    journey; a per-journey restriction (a private map, a team's own journeys) goes here, and the map page, its
    board and its live connection (journeys/consumers.py) follow it."""
    return bool(user is not None and user.is_authenticated and user.is_active)
