"""Which models the audit trail records through their signals, and which it leaves out and why.

Every model of the project is in exactly one of the two lists (tests/cxplatform/audit/test_registry.py fails on
a new model in neither): adding a model means deciding, here, whether its writes are someone's act worth an
audit row or bookkeeping derived from one.
"""

from __future__ import annotations

# app_label.ModelName, recorded on save (create / update with the names of the fields touched), delete and
# many-to-many changes (cxplatform.audit.signals).
AUDITED = frozenset(
    {
        "auth.Group",
        "accounts.User",
        "webhooks.WebhookSubscription",
        "journeys.JourneyGroup",
        "journeys.Persona",
        "journeys.Channel",
        "journeys.Journey",
        "journeys.Stage",
        "journeys.Touchpoint",
        "journeys.Finding",
        "journeys.ShareLink",
        "journeys.JourneyTemplate",
        "journeys.JourneyVersion",
        "journeys.CommentThread",
        "journeys.Comment",
        "teams.Department",
        "teams.Team",
        "teams.Membership",
        "teams.DepartmentMember",
        "teams.Mandate",
        "teams.ImprovementAction",
        "teams.ActionTransition",
        "teams.ActionComment",
        "metrics.BusinessCase",
        "metrics.BusinessCaseGain",
        "metrics.SurveySource",
        "metrics.SurveyResponse",
        "metrics.FollowUpCase",
        "metrics.ImportPreset",
        "metrics.CustomKpi",
        "metrics.KpiMeasurement",
        "metrics.MetricTarget",
        "metrics.Theme",
        "metrics.ThemeRule",
    }
)

# app_label.ModelName: why its rows get no audit row of their own.
NOT_AUDITED: dict[str, str] = {
    "audit.AuditEvent": "the audit trail itself",
    "admin.LogEntry": "the admin site's own log, written beside the change the signals already record",
    "auth.Permission": "written by migrations only, never through the product",
    "contenttypes.ContentType": "written by migrations only",
    "sessions.Session": "a login's state; logins, logouts and ended sessions are recorded as events",
    "accounts.UserSession": "a login's state beside Django's session row; ended sessions are recorded as "
    "session_ended events (cxplatform.accounts.sessions)",
    "accounts.ApiToken": "recorded as token_created / token_revoked events by its services, page and admin action "
    "(cxplatform.accounts.services); its other writes are the last-used time",
    "otp_totp.TOTPDevice": "holds the second factor's secret and its throttling counters; switching two-factor on "
    "or off is recorded as an event (cxplatform.accounts.two_factor)",
    "otp_static.StaticDevice": "the recovery codes' device, recorded with two-factor's on/off events",
    "otp_static.StaticToken": "a recovery code (a secret); used and renewed with two-factor's events",
    "axes.AccessAttempt": "the lockout's counters; each failed login is recorded as a login_failed event",
    "axes.AccessFailureLog": "the lockout's log; each failed login is recorded as a login_failed event",
    "axes.AccessLog": "the lockout's log of logins, recorded as login events",
    "axes.AccessAttemptExpiration": "the lockout's bookkeeping",
    "notifications.Notification": "derived from an audited change (a mention, an assignment), and read marks",
    "webhooks.WebhookDelivery": "delivery attempt bookkeeping of an event already recorded",
    "webhooks.WebhookEmission": "bookkeeping: which found events (overdue, missed targets) were emitted once",
    "journeys.HistoricalJourney": "history table, written beside the audited change",
    "journeys.HistoricalStage": "history table, written beside the audited change",
    "journeys.HistoricalTouchpoint": "history table, written beside the audited change",
    "journeys.HistoricalFinding": "history table, written beside the audited change",
    "journeys.ShareLinkUse": "a visitor reading a shared map, not a write to the product's content",
    "metrics.Delivery": "a survey source's payload and its processing status; its arrival is recorded as a "
    "delivery_received event and its responses as the ingest's import event",
    "metrics.KpiSnapshot": "derived: recomputed from the responses",
    "metrics.PendingRecompute": "derived: a request to recompute, made by an audited change",
    "metrics.CodebookState": "derived: the codebook's version, raised by an audited change to a theme or rule",
    "metrics.Verbatim": "derived: a comment's language and search vector, rebuilt by the tagging",
    "metrics.ResponseTheme": "derived: the themes the codebook finds in a comment, rebuilt by the tagging",
}

# Fields whose change is bookkeeping, not someone's edit: never named as touched (a save touching only these
# records nothing).
IGNORED_FIELDS = frozenset({"version", "updated_at", "modified_at", "last_login", "last_used_at", "polled_until"})

# Models whose str() may hold personal data or a secret (a comment's text, a token's key): shown by type and id.
OPAQUE_REPR = frozenset({"journeys.Comment", "teams.ActionComment", "metrics.FollowUpCase"})

# Models whose primary key is a secret: never written to the trail.
SECRET_KEYED: frozenset[str] = frozenset()

# A change of these User fields is a change of what the person may do: recorded as role_changed.
ROLE_FIELDS = frozenset({"role", "is_superuser", "is_active", "is_staff", "groups", "user_permissions"})

# Kinds of write with a name of their own, per model: {label: {generic action or changed field: action}}.
NAMED_ACTIONS: dict[str, dict[str, str]] = {
    "journeys.ShareLink": {"create": "share_link_created", "revoked_at": "share_link_revoked"},
}
