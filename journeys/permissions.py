"""Who may change journeys. One place, used by the pages and the API alike.

Until teams own journey groups (the teams issue), CX editors and admins edit every map; everyone else reads.
"""

from django.utils.translation import gettext_lazy as _

EDITOR_ROLES = {"cx_editor", "admin"}
CANNOT_EDIT_REASON = _("Only CX editors and admins can change journey maps.")


def can_edit_journeys(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "role", None) in EDITOR_ROLES))
