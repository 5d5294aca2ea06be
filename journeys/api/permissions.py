from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied

from journeys.models import Journey
from journeys.permissions import CANNOT_EDIT_REASON, can_edit_journeys, edit_refusal_reason


def journey_of(obj) -> Journey | None:
    """The journey a write to `obj` changes: the journey itself, or the one a stage, touchpoint or finding is on.
    Personas and channels belong to no journey."""
    if isinstance(obj, Journey):
        return obj
    return getattr(obj, "journey", None)


def check_can_edit_journey(user, journey: Journey) -> None:
    """Refuse with 403 and the reason unless `user` may change `journey` (saved, or unsaved for a creation)."""
    if not can_edit_journeys(user, journey):
        raise PermissionDenied(edit_refusal_reason(user, journey))


class CanEditJourneysOrReadOnly(permissions.BasePermission):
    """Every signed-in user reads; only those journeys.permissions allows may write, and then only to the
    journeys they may edit (checked on the object; creations are checked by the view, on the payload)."""

    message = CANNOT_EDIT_REASON

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_edit_journeys(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        journey = journey_of(obj)
        if journey is None or can_edit_journeys(request.user, journey):
            return True
        self.message = edit_refusal_reason(request.user, journey)
        return False
