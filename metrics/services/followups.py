"""The inner loop: follow-up cases for detractors and dissatisfied customers.

A case opens for each NPS 0-6 / CSAT 1-2 response that names a touchpoint, for the touchpoint's process owner,
due a configurable number of working days later. Its owner moves it open -> contacted -> resolved (or back from
contacted to open); resolving needs an outcome note. Every edit names the `version` it was based on, and is
refused (StaleVersion) when someone else changed the case first.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from cxplatform.accounts.roles import ASSIGNEE_ROLES
from cxplatform.lib.dates import add_working_days
from cxplatform.lib.unset import UNSET, Unset
from cxplatform.lib.versioning import StaleVersion, save_if_current
from metrics import webhooks as metric_webhooks
from metrics.models import METRIC_BUCKETS, CaseStatus, FollowUpCase, Metric, SurveyResponse
from teams.models import ImprovementAction
from teams.services.actions import action_create

# The metrics whose low bucket asks for a call back: NPS detractors (0-6) and CSAT 1-2. CES has no inner loop.
FOLLOWUP_METRICS = (Metric.NPS, Metric.CSAT)

# The sensible moves between statuses; a resolved case is closed for good.
CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.CONTACTED},
    CaseStatus.CONTACTED: {CaseStatus.OPEN, CaseStatus.RESOLVED},
    CaseStatus.RESOLVED: set(),
}
CASE_FIELDS = ("status", "outcome", "owner", "action")
# Who a case can be (re)assigned to: the roles that can work it (metrics.permissions.can_work_case).
CASE_OWNER_ROLES = ASSIGNEE_ROLES


def _stale_message() -> str:
    return _(
        "Someone else changed this case in the meantime. Your change was not saved; here is the case as it is now."
    )


def needs_followup_q() -> Q:
    """A response in the low bucket of a metric with an inner loop."""
    condition = Q()
    for metric in FOLLOWUP_METRICS:
        condition |= Q(metric=metric, score__lte=METRIC_BUCKETS[metric][0])
    return condition


def followup_due_date(today: datetime.date | None = None) -> datetime.date:
    return add_working_days(today or timezone.localdate(), settings.FOLLOWUP_DEADLINE_WORKING_DAYS)


@transaction.atomic
def followups_open_for(*, responses: QuerySet[SurveyResponse]) -> int:
    """Open a case for each NPS 0-6 / CSAT 1-2 response in `responses` that names a touchpoint and has no
    case yet, set-based (one INSERT ... SELECT). Returns the number of cases opened.

    Responses older than FOLLOWUP_MAX_AGE_DAYS (history being loaded) open none. The owner is the touchpoint's
    owner now (NULL: unassigned). ON CONFLICT on the response makes a second call, or two at once, harmless."""
    now = timezone.now()
    picked = (
        responses.order_by()
        .filter(needs_followup_q(), touchpoint__isnull=False)
        .filter(responded_at__gte=now - datetime.timedelta(days=settings.FOLLOWUP_MAX_AGE_DAYS))
        .values_list("pk", "touchpoint_id", "touchpoint__owner_id")
    )
    connection = connections[picked.db]
    try:
        select_sql, select_params = picked.query.get_compiler(using=picked.db).as_sql()
    except EmptyResultSet:  # responses.none(), or a filter that can match nothing
        return 0
    ops = connection.ops
    columns = ["response_id", "touchpoint_id", "owner_id", "status", "due_date", "outcome", "opened_at", "version"]
    table = ops.quote_name(FollowUpCase._meta.db_table)
    # Identifiers are quoted by the backend and the SELECT is the ORM's own; every value is a parameter.
    # "WHERE true": without a WHERE, SQLite would read ON CONFLICT as the join constraint of the FROM.
    sql = (
        f"INSERT INTO {table} ({', '.join(map(ops.quote_name, columns))}) "  # noqa: S608
        f"SELECT picked.*, %s, %s, %s, %s, %s FROM ({select_sql}) AS picked WHERE true "
        f"ON CONFLICT ({ops.quote_name('response_id')}) DO NOTHING"
    )
    # The new cases' ids only when a webhook wants them (the same one statement, with RETURNING).
    announce = metric_webhooks.wants_opened()
    if announce:
        sql += f" RETURNING {ops.quote_name('id')}"
    constants = (
        CaseStatus.OPEN.value,
        ops.adapt_datefield_value(followup_due_date(timezone.localdate(now))),
        "",
        ops.adapt_datetimefield_value(now),
        1,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*constants, *select_params))  # in the order they appear in the SQL
        if not announce:
            return max(cursor.rowcount, 0)
        opened = [row[0] for row in cursor.fetchall()]
    metric_webhooks.emit_opened(opened)
    return len(opened)


# What followup_update writes.
SAVED_FIELDS = ("status", "outcome", "owner", "action", "contacted_at", "resolved_at")


def _locked(case: FollowUpCase, expected_version: int) -> FollowUpCase:
    """The stored case, locked for this transaction; StaleVersion unless it is still at expected_version."""
    locked = FollowUpCase.objects.select_for_update(of=("self",)).select_related("touchpoint").filter(pk=case.pk)
    current = locked.first()
    if current is None:
        raise StaleVersion(None)
    if current.version != expected_version:
        raise StaleVersion(current, _stale_message())
    return current


def _move(case: FollowUpCase, to_status: str, now: datetime.datetime) -> None:
    if to_status not in CaseStatus.values:
        raise ValidationError({"status": _("“%(status)s” is not a status.") % {"status": to_status}})
    allowed = CASE_TRANSITIONS[case.status]
    if to_status not in allowed:
        if allowed:
            message = _("A case that is “%(current)s” cannot become “%(target)s”; it can become: %(allowed)s.") % {
                "current": CaseStatus(case.status).label,
                "target": CaseStatus(to_status).label,
                "allowed": ", ".join(str(CaseStatus(s).label) for s in CaseStatus.values if s in allowed),
            }
        else:
            message = _("A resolved case is closed; its status cannot change any more.")
        raise ValidationError({"status": message})
    if to_status == CaseStatus.CONTACTED:
        case.contacted_at = now
    elif to_status == CaseStatus.OPEN:
        case.contacted_at = None  # back to open: the customer was not reached after all
    elif to_status == CaseStatus.RESOLVED:
        case.resolved_at = now
    case.status = to_status


@transaction.atomic
def followup_update(
    *,
    case: FollowUpCase,
    expected_version: int,
    status: str | Unset = UNSET,
    outcome: str | Unset | None = UNSET,
    owner: User | Unset | None = UNSET,
    action: ImprovementAction | Unset | None = UNSET,
) -> FollowUpCase:
    """Change a case's status, outcome note, owner and/or linked improvement action (those given, CASE_FIELDS),
    all or nothing.

    Callers check who may do what (metrics.permissions: can_work_case; can_reassign_case for `owner`)."""
    current = _locked(case, expected_version)
    was_resolved = current.status == CaseStatus.RESOLVED
    errors: dict[str, str] = {}
    if outcome is not UNSET:
        current.outcome = (outcome or "").strip()
    if status is not UNSET and status != current.status:
        try:
            _move(current, status, timezone.now())
        except ValidationError as error:
            errors.update({name: messages[0] for name, messages in error.message_dict.items()})
    if current.status == CaseStatus.RESOLVED and not current.outcome:
        errors["outcome"] = _("Write down the outcome before resolving the case: what was agreed with the customer?")
    if owner is not UNSET:
        if owner is not None and (not owner.is_active or owner.role not in CASE_OWNER_ROLES):
            errors["owner"] = _("Follow-up cases are assigned to active process owners (or admins).")
        current.owner = owner
    if action is not UNSET:
        if action is not None and action.journey_id != current.touchpoint.journey_id:
            errors["action"] = _("This improvement action belongs to another journey than the case's touchpoint.")
        current.action = action
    if errors:
        raise ValidationError(errors)
    resolved = current.status == CaseStatus.RESOLVED and not was_resolved
    # The version is compared once more in the UPDATE itself, beside the row lock above.
    save_if_current(current, expected_version=expected_version, fields=list(SAVED_FIELDS))
    for name in (*SAVED_FIELDS, "version"):
        setattr(case, name, getattr(current, name))
    if resolved:
        metric_webhooks.emit_resolved(case.pk)
    return case


@transaction.atomic
def followup_action_create(
    *, case: FollowUpCase, expected_version: int, by: User, title: str, description: str = ""
) -> ImprovementAction:
    """Turn a case into an improvement action (the outer loop) on the case's touchpoint, and link the case to it.

    Permission comes from working the case (can_work_case), not from the teams policy, so action_create is
    called with own_team_only=False: the case's owner is a process owner, who belongs to no team as its CX
    editor. The action starts as "proposed" with the team that owns the journey's group, whose CX editors
    plan, edit or drop it as for any other proposal."""
    current = _locked(case, expected_version)
    touchpoint = current.touchpoint
    owner = current.owner
    assignee = owner if owner is not None and owner.is_active and owner.role in CASE_OWNER_ROLES else None
    action = action_create(
        created_by=by,
        title=title.strip(),
        description=description.strip(),
        journey=touchpoint.journey,
        touchpoint=touchpoint,
        assignee=assignee,
        own_team_only=False,
    )
    followup_update(case=case, expected_version=expected_version, action=action)
    return action
