"""The processing register (GDPR article 30): which personal data the product holds, where, why, on what legal
basis, for how long, and how much of it there is now.

The categories are a list written here by hand, because what counts as personal data and why it is kept is a
judgement, not something a model can say about itself; the tests check that every model named still exists. The
legal bases are suggestions for the organisation's data protection officer, not advice. Retention periods are
read from the settings (VOC_RETENTION_MONTHS, AUDIT_RETENTION_DAYS, SESSION_IDLE_MINUTES...) with their defaults,
so the page says what this installation does.

Counts: one query per category (COUNT with a filter), whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

VOC_RETENTION_MONTHS_DEFAULT = 24
AUDIT_RETENTION_DAYS_DEFAULT = 400


@dataclass(frozen=True)
class Category:
    """One kind of personal data. `model` is "app_label.ModelName"; `rows` narrows its rows to those holding the
    data (None: all of them); `retention` gives the text of the period from the settings."""

    slug: str
    name: Any
    data: Any
    model: str
    fields: tuple[str, ...]
    purpose: Any
    legal_basis: Any
    retention: Callable[[], str]
    rows: Q | None = None
    subjects: Any = ""  # whose data it is

    def model_class(self) -> type[Model] | None:
        try:
            return apps.get_model(self.model)
        except LookupError:  # an optional app switched off
            return None

    def table(self) -> str:
        model = self.model_class()
        return model._meta.db_table if model is not None else ""

    def where(self) -> str:
        table = self.table()
        return f"{self.model} ({table}: {', '.join(self.fields)})" if table else self.model

    def queryset(self) -> QuerySet | None:
        model = self.model_class()
        if model is None:
            return None
        rows = model._default_manager.all()
        return rows.filter(self.rows) if self.rows is not None else rows


def _months(name: str, default: int) -> Callable[[], str]:
    def text() -> str:
        months = int(getattr(settings, name, default))
        return ngettext(
            "%(count)d month (%(setting)s), then anonymised", "%(count)d months (%(setting)s), then anonymised", months
        ) % {"count": months, "setting": name}

    return text


def _days(name: str, default: int, then: Any) -> Callable[[], str]:
    def text() -> str:
        days = int(getattr(settings, name, default))
        return ngettext("%(count)d day (%(setting)s), %(then)s", "%(count)d days (%(setting)s), %(then)s", days) % {
            "count": days,
            "setting": name,
            "then": then,
        }

    return text


def _idle_sessions() -> str:
    minutes = int(getattr(settings, "SESSION_IDLE_MINUTES", 60))
    return ngettext(
        "Until logout, or %(count)d minute without use (SESSION_IDLE_MINUTES)",
        "Until logout, or %(count)d minutes without use (SESSION_IDLE_MINUTES)",
        minutes,
    ) % {"count": minutes}


def _fixed(text: Any) -> Callable[[], str]:
    return lambda: str(text)


LEGITIMATE_INTEREST = gettext_lazy("Legitimate interest (art. 6(1)(f)): improving the service customers receive")
CONTRACT_STAFF = gettext_lazy("Employment or service contract (art. 6(1)(b)), legitimate interest for security")
SECURITY = gettext_lazy("Legitimate interest (art. 6(1)(f)): securing the system; legal obligation to keep logs")
CUSTOMERS = gettext_lazy("Customers (respondents)")
STAFF = gettext_lazy("Users (staff)")
VISITORS = gettext_lazy("Visitors of share links")
VOC_RETENTION = _months("VOC_RETENTION_MONTHS", VOC_RETENTION_MONTHS_DEFAULT)

CATEGORIES: tuple[Category, ...] = (
    Category(
        slug="respondent_keys",
        name=gettext_lazy("Respondent keys"),
        data=gettext_lazy("A customer number or e-mail address identifying who answered a survey"),
        model="metrics.SurveyResponse",
        fields=("respondent",),
        rows=~Q(respondent=""),
        purpose=gettext_lazy(
            "Linking one customer's answers (key-driver analysis), calling back dissatisfied customers, "
            "finding and erasing a person's data on request"
        ),
        legal_basis=LEGITIMATE_INTEREST,
        retention=VOC_RETENTION,
        subjects=CUSTOMERS,
    ),
    Category(
        slug="verbatims",
        name=gettext_lazy("Verbatim comments"),
        data=gettext_lazy("What customers wrote in a survey, redacted at ingest (e-mail, phone, IBAN, BSN, address)"),
        model="metrics.SurveyResponse",
        fields=("comment",),
        rows=~Q(comment=""),
        purpose=gettext_lazy("Understanding the causes of scores; themes; follow-up calls"),
        legal_basis=LEGITIMATE_INTEREST,
        retention=VOC_RETENTION,
        subjects=CUSTOMERS,
    ),
    Category(
        slug="verbatim_index",
        name=gettext_lazy("Comment search index and themes"),
        data=gettext_lazy(
            "Derived from the comments: their words as a full-text search index, their language and the themes the "
            "codebook finds in them"
        ),
        model="metrics.Verbatim",
        fields=("search", "language"),
        purpose=gettext_lazy("Searching the comments; counting their themes and what they cost in NPS"),
        legal_basis=LEGITIMATE_INTEREST,
        # Rebuilt from the comment: removed or redacted with it (metrics.themes.tagging.verbatims_forget).
        retention=VOC_RETENTION,
        subjects=CUSTOMERS,
    ),
    Category(
        slug="followup_outcomes",
        name=gettext_lazy("Follow-up outcomes"),
        data=gettext_lazy("The case owner's note of a call with a dissatisfied customer"),
        model="metrics.FollowUpCase",
        fields=("outcome", "response_id", "owner_id"),
        rows=~Q(outcome=""),
        purpose=gettext_lazy("Closing the loop with the customer, accountability for the follow-up"),
        legal_basis=LEGITIMATE_INTEREST,
        retention=_fixed(gettext_lazy("As long as the response; emptied when its customer's data is erased")),
        subjects=CUSTOMERS,
    ),
    Category(
        slug="survey_deliveries",
        name=gettext_lazy("Survey delivery payloads"),
        data=gettext_lazy("What a survey tool sent, as it sent it: answers, hidden fields (may hold e-mail, ids)"),
        model="metrics.Delivery",
        fields=("body", "headers"),
        rows=~Q(body=""),
        purpose=gettext_lazy("Proof of what arrived; replaying a rejected delivery once its mapping is fixed"),
        legal_basis=LEGITIMATE_INTEREST,
        retention=_days(
            "DELIVERY_BODY_RETENTION_DAYS",
            90,
            gettext_lazy("then emptied (and at once when its customer's data is erased)"),
        ),
        subjects=CUSTOMERS,
    ),
    Category(
        slug="webhook_deliveries",
        name=gettext_lazy("Webhook delivery bodies"),
        data=gettext_lazy("Events sent to the organisation's systems; follow-up events copy key, comment and outcome"),
        model="webhooks.WebhookDelivery",
        fields=("payload",),
        purpose=gettext_lazy("Informing the organisation's own systems (ticketing, chat) of events"),
        legal_basis=LEGITIMATE_INTEREST,
        retention=_days("DELIVERY_BODY_RETENTION_DAYS", 90, gettext_lazy("after it was sent, then emptied")),
        subjects=CUSTOMERS,
    ),
    Category(
        slug="users",
        name=gettext_lazy("User accounts"),
        data=gettext_lazy("Names, e-mail addresses, job titles, roles, last login of the people using the product"),
        model="accounts.User",
        fields=("username", "first_name", "last_name", "email", "job_title", "last_login", "oidc_subject"),
        purpose=gettext_lazy("Signing in, assigning work, notifications, accountability"),
        legal_basis=CONTRACT_STAFF,
        retention=_fixed(gettext_lazy("As long as the account exists (deactivate or delete it when someone leaves)")),
        subjects=STAFF,
    ),
    Category(
        slug="api_tokens",
        name=gettext_lazy("API tokens"),
        data=gettext_lazy("Named tokens tied to a user (only a hash of the key), with when each was last used"),
        model="accounts.ApiToken",
        fields=("user_id", "name", "last_used_at"),
        purpose=gettext_lazy("Authenticating other systems acting for a user"),
        legal_basis=CONTRACT_STAFF,
        retention=_fixed(gettext_lazy("Until the account is deleted (a revoked token stays listed for the record)")),
        subjects=STAFF,
    ),
    Category(
        slug="two_factor_devices",
        name=gettext_lazy("Two-factor devices"),
        data=gettext_lazy("The secret of a user's authenticator app, and their unused recovery codes"),
        model="otp_totp.TOTPDevice",
        fields=("user_id", "key"),
        purpose=gettext_lazy("Asking a second factor after the password"),
        legal_basis=SECURITY,
        retention=_fixed(gettext_lazy("Until the user switches two-factor authentication off")),
        subjects=STAFF,
    ),
    Category(
        slug="sessions",
        name=gettext_lazy("Sessions"),
        data=gettext_lazy("Who is signed in, from which IP address, on which browser"),
        model="accounts.UserSession",
        fields=("user_id", "ip", "user_agent", "created", "last_seen"),
        purpose=gettext_lazy("Keeping users signed in; letting them end their other sessions"),
        legal_basis=CONTRACT_STAFF,
        retention=_idle_sessions,
        subjects=STAFF,
    ),
    Category(
        slug="audit_trail",
        name=gettext_lazy("Audit trail"),
        data=gettext_lazy("Who changed what, when, from which IP address (never the personal data changed)"),
        model="audit.AuditEvent",
        fields=("actor_id", "actor_label", "ip", "path"),
        purpose=gettext_lazy("Accountability and security; proving erasures and exports of personal data"),
        legal_basis=SECURITY,
        retention=_days("AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DAYS_DEFAULT, gettext_lazy("then deleted")),
        subjects=STAFF,
    ),
    Category(
        slug="login_attempts",
        name=gettext_lazy("Login attempts"),
        data=gettext_lazy("User names, IP addresses and browsers of failed logins"),
        model="axes.AccessAttempt",
        fields=("username", "ip_address", "user_agent"),
        purpose=gettext_lazy("Locking out password guessing"),
        legal_basis=SECURITY,
        retention=_fixed(gettext_lazy("Until the lockout is reset (axes_reset); no automatic deletion")),
        subjects=STAFF,
    ),
    Category(
        slug="login_log",
        name=gettext_lazy("Login log"),
        data=gettext_lazy("User names, IP addresses and browsers of logins"),
        model="axes.AccessLog",
        fields=("username", "ip_address", "user_agent"),
        purpose=gettext_lazy("Investigating misuse of an account"),
        legal_basis=SECURITY,
        retention=_fixed(gettext_lazy("Until deleted (axes_reset_logs); no automatic deletion")),
        subjects=STAFF,
    ),
    Category(
        slug="share_link_uses",
        name=gettext_lazy("Share link visits"),
        data=gettext_lazy("IP address and browser of each visit of a read-only share link"),
        model="journeys.ShareLinkUse",
        fields=("ip_address", "user_agent"),
        purpose=gettext_lazy("Showing the link's owner who used it; spotting a leaked link"),
        legal_basis=SECURITY,
        retention=_fixed(gettext_lazy("As long as the share link")),
        subjects=VISITORS,
    ),
    Category(
        slug="map_comments",
        name=gettext_lazy("Comments and mentions"),
        data=gettext_lazy("What users wrote on journey maps, who they mentioned"),
        model="journeys.Comment",
        fields=("text", "author_id"),
        purpose=gettext_lazy("Working together on journeys"),
        legal_basis=CONTRACT_STAFF,
        retention=_fixed(gettext_lazy("As long as the journey, or until deleted by its author")),
        subjects=STAFF,
    ),
    Category(
        slug="notifications",
        name=gettext_lazy("Notifications"),
        data=gettext_lazy("Who mentioned whom, with an excerpt of the comment"),
        model="notifications.Notification",
        fields=("recipient_id", "actor_id", "excerpt"),
        purpose=gettext_lazy("Telling users about mentions and comments on what they own"),
        legal_basis=CONTRACT_STAFF,
        retention=_fixed(gettext_lazy("Until the comment is deleted")),
        subjects=STAFF,
    ),
)


@dataclass(frozen=True)
class RegisterRow:
    category: Category
    where: str
    retention: str
    count: int | None  # None: the model is not installed here


def register_rows() -> list[RegisterRow]:
    """The register with today's counts: one COUNT query per installed category."""
    rows: list[RegisterRow] = []
    for category in CATEGORIES:
        queryset = category.queryset()
        rows.append(
            RegisterRow(
                category=category,
                where=category.where(),
                retention=category.retention(),
                count=queryset.count() if queryset is not None else None,
            )
        )
    return rows


COLUMNS = ("slug", "name", "subjects", "data", "where", "purpose", "legal_basis", "retention", "count")


def column_labels() -> list[str]:
    return [
        _("Id"),
        _("Personal data"),
        _("Whose"),
        _("What"),
        _("Where (model, table: fields)"),
        _("Purpose"),
        _("Legal basis (suggestion)"),
        _("Kept for"),
        _("Rows now"),
    ]


def register_records(rows: list[RegisterRow]) -> list[dict[str, Any]]:
    """The rows as plain values (the CSV and JSON downloads)."""
    return [
        {
            "slug": row.category.slug,
            "name": str(row.category.name),
            "subjects": str(row.category.subjects),
            "data": str(row.category.data),
            "where": row.where,
            "purpose": str(row.category.purpose),
            "legal_basis": str(row.category.legal_basis),
            "retention": row.retention,
            "count": row.count,
        }
        for row in rows
    ]
