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
        "authtoken.Token",
        "authtoken.TokenProxy",  # the admin edits tokens through this proxy: its signals name the proxy
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
    }
)

# app_label.ModelName: why its rows get no audit row of their own.
NOT_AUDITED: dict[str, str] = {
    "audit.AuditEvent": "the audit trail itself",
    "admin.LogEntry": "the admin site's own log, written beside the change the signals already record",
    "auth.Permission": "written by migrations only, never through the product",
    "contenttypes.ContentType": "written by migrations only",
    "sessions.Session": "a login's state; logins, logouts and ended sessions are recorded as events",
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
}

# Fields whose change is bookkeeping, not someone's edit: never named as touched (a save touching only these
# records nothing).
IGNORED_FIELDS = frozenset({"version", "updated_at", "modified_at", "last_login", "last_used_at", "polled_until"})

# Models whose str() may hold personal data or a secret (a comment's text, a token's key): shown by type and id.
OPAQUE_REPR = frozenset(
    {"authtoken.Token", "authtoken.TokenProxy", "journeys.Comment", "teams.ActionComment", "metrics.FollowUpCase"}
)

# Models whose primary key is a secret: never written to the trail.
SECRET_KEYED = frozenset({"authtoken.Token", "authtoken.TokenProxy"})

# A change of these User fields is a change of what the person may do: recorded as role_changed.
ROLE_FIELDS = frozenset({"role", "is_superuser", "is_active", "is_staff", "groups", "user_permissions"})

# Kinds of write with a name of their own, per model: {label: {generic action or changed field: action}}.
_TOKEN = {"create": "token_created", "delete": "token_revoked"}
NAMED_ACTIONS: dict[str, dict[str, str]] = {
    "authtoken.Token": _TOKEN,
    "authtoken.TokenProxy": _TOKEN,
    "journeys.ShareLink": {"create": "share_link_created", "revoked_at": "share_link_revoked"},
}
