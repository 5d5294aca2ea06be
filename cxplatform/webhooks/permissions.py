"""Who may manage webhooks: admins (they reach other systems with the organisation's data)."""

from cxplatform.accounts.roles import is_admin


def can_manage_webhooks(user) -> bool:
    return is_admin(user)
