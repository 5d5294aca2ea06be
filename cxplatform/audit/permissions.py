"""Who reads the audit trail: admins (it names every person's acts). No one edits it."""

from cxplatform.accounts.roles import is_admin


def can_read_audit(user) -> bool:
    return is_admin(user)
