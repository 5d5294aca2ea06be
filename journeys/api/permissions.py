from rest_framework import permissions

from journeys.permissions import CANNOT_EDIT_REASON, can_edit_journeys


class CanEditJourneysOrReadOnly(permissions.BasePermission):
    """Every signed-in user reads; only those journeys.permissions allows may write."""

    message = CANNOT_EDIT_REASON

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_edit_journeys(request.user)
