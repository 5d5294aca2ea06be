"""Who may change journeys. One place, used by the pages and the API alike.

Only CX editors and admins edit journeys at all. Which journeys an editor may change is decided by the policy
named in settings.JOURNEY_EDIT_POLICY (the teams app: the journeys of the groups their team owns), so that
this app needs to know nothing of teams (an extension point: cxplatform.lib.extension_points).
"""

from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import is_admin, is_cx_editor, is_signed_in
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


def can_save_templates(user) -> bool:
    """CX editors and admins save a journey's map as a template of the organisation."""
    return is_admin(user) or is_cx_editor(user)


def can_delete_template(user, template) -> bool:
    """Admins, and the editor who saved it."""
    return is_admin(user) or (can_save_templates(user) and template.created_by_id == user.pk)


def can_read_journey(user, journey=None) -> bool:
    """May the user see this journey: its map (and follow it live), its comments, its history. Today every active,
    signed-in user reads every journey; a per-journey restriction (a private map, a team's own journeys) goes here,
    and the map page, its board, its live connection (journeys/consumers.py), comments and history follow it."""
    return bool(is_signed_in(user) and user.is_active)


def can_comment(user, journey) -> bool:
    """Anyone who can read a journey can comment on it and on what is on it."""
    return can_read_journey(user, journey)


def can_change_comment(user, comment) -> bool:
    """Only its author edits a comment."""
    return can_read_journey(user) and comment.author_id is not None and comment.author_id == user.pk


def can_delete_comment(user, comment) -> bool:
    """Its author deletes a comment; admins moderate (delete anyone's)."""
    return can_change_comment(user, comment) or (can_read_journey(user) and is_admin(user))
