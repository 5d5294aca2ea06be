"""The actions an audit event names, with their labels. Plain strings in the database (no choices: a new kind of
write needs no migration); a name missing here is shown as it is."""

from django.utils.translation import gettext_lazy as _

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
TOKEN_CREATED = "token_created"  # noqa: S105 (an action name)
TOKEN_REVOKED = "token_revoked"  # noqa: S105 (an action name)
ROLE_CHANGED = "role_changed"
TWO_FACTOR_ENABLED = "two_factor_enabled"
TWO_FACTOR_DISABLED = "two_factor_disabled"
SESSION_ENDED = "session_ended"
IMPORT = "import"
EXPORT = "export"
PERSONAL_DATA_EXPORT = "personal_data_export"
PERSONAL_DATA_SEARCH = "personal_data_search"
PERSONAL_DATA_ERASE = "personal_data_erase"
RETENTION_ANONYMISE = "retention_anonymise"
DELIVERY_RECEIVED = "delivery_received"
SHARE_LINK_CREATED = "share_link_created"
SHARE_LINK_REVOKED = "share_link_revoked"
LOGIN_LOCKED_OUT = "login_locked_out"
ARCHIVE = "archive"
RESTORE = "restore"
REORDER = "reorder"
SEED = "seed"
COPY = "copy"
AUDIT_PURGED = "audit_purged"

LABELS = {
    CREATE: _("Created"),
    UPDATE: _("Changed"),
    DELETE: _("Deleted"),
    LOGIN: _("Logged in"),
    LOGIN_FAILED: _("Failed login"),
    LOGOUT: _("Logged out"),
    TOKEN_CREATED: _("API token created"),
    TOKEN_REVOKED: _("API token revoked"),
    ROLE_CHANGED: _("Role changed"),
    TWO_FACTOR_ENABLED: _("Two-factor authentication switched on"),
    TWO_FACTOR_DISABLED: _("Two-factor authentication switched off"),
    SESSION_ENDED: _("Session ended"),
    IMPORT: _("Imported"),
    EXPORT: _("Exported"),
    PERSONAL_DATA_EXPORT: _("Personal data exported"),
    PERSONAL_DATA_SEARCH: _("Personal data searched"),
    PERSONAL_DATA_ERASE: _("Personal data erased"),
    RETENTION_ANONYMISE: _("Old personal data anonymised"),
    DELIVERY_RECEIVED: _("Survey delivery received"),
    SHARE_LINK_CREATED: _("Share link created"),
    SHARE_LINK_REVOKED: _("Share link revoked"),
    LOGIN_LOCKED_OUT: _("Locked out after failed logins"),
    ARCHIVE: _("Archived"),
    RESTORE: _("Restored"),
    REORDER: _("Reordered"),
    SEED: _("Demo data loaded"),
    COPY: _("Copied"),
    AUDIT_PURGED: _("Old audit events removed"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))
