"""Reads: every query shape for journeys lives here."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from .comments.selectors import comment_count
from .models import Channel, Finding, Journey, JourneyGroup, JourneyTemplate, Persona, ShareLink, Stage, Touchpoint

# Findings on the map: not on an archived stage or touchpoint (those keep their findings for a restore).
ON_THE_MAP_FINDING = Q(stage__archived_at__isnull=True) & (
    Q(touchpoint__isnull=True) | Q(touchpoint__archived_at__isnull=True)
)

COMPARED_FIELDS = [
    "name",
    "channel_id",
    "description",
    "customer_expectation",
    "emotion",
    "is_moment_of_truth",
    "owner_id",
]


def journey_group_list() -> QuerySet[JourneyGroup]:
    return JourneyGroup.objects.order_by("position", "name")


def channel_list() -> QuerySet[Channel]:
    return Channel.objects.order_by("position", "name")


def persona_list() -> QuerySet[Persona]:
    return Persona.objects.annotate(journey_count=Count("journeys")).order_by("name")


def journey_list(*, archived: bool = False) -> QuerySet[Journey]:
    """Journeys with what a list row shows: group, chain owner, personas and the size of the map; `archived`:
    the archived ones instead (with the size their map had)."""
    journeys = Journey.all_objects.filter(archived_at__isnull=False) if archived else Journey.objects
    on_map = Q() if archived else Q(stages__archived_at__isnull=True)
    tp_on_map = Q() if archived else Q(touchpoints__archived_at__isnull=True)
    return (
        journeys.select_related("group", "chain_owner", "current_state")
        .prefetch_related(Prefetch("personas", queryset=Persona.objects.order_by("name")))
        .annotate(
            # Joins see archived rows too (managers filter only their own queries): count those on the map.
            stage_count=Count("stages", filter=on_map, distinct=True),
            touchpoint_count=Count("touchpoints", filter=tp_on_map, distinct=True),
        )
        .order_by("group__position", "name", "id")
    )


def journey_template_list() -> QuerySet[JourneyTemplate]:
    """The organisation's templates with who made them (one query): the list page and the "new journey" page."""
    return JourneyTemplate.objects.select_related("created_by")


def journey_search(queryset: QuerySet[Journey], text: str) -> QuerySet[Journey]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))


def stage_list(*, archived: bool = False) -> QuerySet[Stage]:
    """Stages on the map; `archived`: the archived stages of journeys on the map, newest first."""
    if archived:
        return (
            Stage.all_objects.filter(archived_at__isnull=False, journey__archived_at__isnull=True)
            .select_related("journey")
            .order_by("journey_id", "-archived_at", "id")
        )
    return Stage.objects.select_related("journey").order_by("journey_id", "position", "id")


def touchpoint_list(*, archived: bool = False) -> QuerySet[Touchpoint]:
    """Touchpoints on the map; `archived`: those archived on their own (their stage and journey are on the map),
    newest first."""
    if archived:
        return (
            Touchpoint.all_objects.filter(
                archived_at__isnull=False, stage__archived_at__isnull=True, journey__archived_at__isnull=True
            )
            .select_related("stage", "channel", "owner")
            .order_by("journey_id", "-archived_at", "id")
        )
    return Touchpoint.objects.select_related("stage", "channel", "owner").order_by(
        "journey_id", "stage__position", "position", "id"
    )


def finding_list() -> QuerySet[Finding]:
    return (
        Finding.objects.filter(ON_THE_MAP_FINDING, journey__archived_at__isnull=True)
        .select_related("stage", "touchpoint")
        .order_by("journey_id", "-severity", "id")
    )


def journey_map_queryset(*, comment_counts: bool = False) -> QuerySet[Journey]:
    """The whole map in five queries, whatever its size: journey (+group, chain owner, current state),
    personas, stages, touchpoints (+channel, owner), findings (a finding's touchpoint is among its stage's).
    `comment_counts`: each of the journey, stages, touchpoints and findings also carries `comment_count`, a
    subquery in the same queries (the map page's comment buttons), so the number of queries stays five."""
    journeys = Journey.objects.select_related("group", "chain_owner", "current_state")
    stages = Stage.objects.order_by("position", "id")
    touchpoints = Touchpoint.objects.select_related("channel", "owner").order_by("position", "id")
    findings = Finding.objects.filter(ON_THE_MAP_FINDING).order_by("-severity", "id")
    if comment_counts:
        journeys = journeys.annotate(comment_count=comment_count("journey"))
        stages = stages.annotate(comment_count=comment_count("stage"))
        touchpoints = touchpoints.annotate(comment_count=comment_count("touchpoint"))
        findings = findings.annotate(comment_count=comment_count("finding"))
    return journeys.prefetch_related(
        Prefetch("personas", queryset=Persona.objects.order_by("name")),
        Prefetch(
            "stages",
            queryset=stages.prefetch_related(
                Prefetch("touchpoints", queryset=touchpoints),
                Prefetch("findings", queryset=findings),
            ),
        ),
    )


def journey_map(*, journey_id: int, comment_counts: bool = False) -> Journey:
    return journey_map_queryset(comment_counts=comment_counts).get(pk=journey_id)


@dataclass
class JourneyComparison:
    """A future state beside the current state it redesigns, touchpoint by touchpoint."""

    current: Journey
    future: Journey
    added: set[int] = field(default_factory=set)  # future touchpoint ids with no current counterpart
    removed: set[int] = field(default_factory=set)  # current touchpoint ids left out of the future state
    changed: dict[int, list[str]] = field(default_factory=dict)  # future touchpoint id -> changed fields
    moved: set[int] = field(default_factory=set)  # future touchpoint ids now in another stage


def journey_compare(*, future: Journey) -> JourneyComparison:
    if future.current_state_id is None:  # not a future state: there is no current state to find
        raise Journey.DoesNotExist("Only a future state is compared with the current state it redesigns.")
    current = journey_map(journey_id=future.current_state_id)
    future = journey_map(journey_id=future.pk)
    current_touchpoints = {t.pk: (s, t) for s in current.stages.all() for t in s.touchpoints.all()}
    comparison = JourneyComparison(current=current, future=future)
    kept: set[int] = set()
    for stage in future.stages.all():
        for touchpoint in stage.touchpoints.all():
            origin_id = touchpoint.copied_from_id
            if origin_id is None or origin_id not in current_touchpoints:
                comparison.added.add(touchpoint.pk)
                continue
            kept.add(origin_id)
            origin_stage, original = current_touchpoints[origin_id]
            fields = [name for name in COMPARED_FIELDS if getattr(original, name) != getattr(touchpoint, name)]
            if fields:
                comparison.changed[touchpoint.pk] = fields
            if origin_stage.name != stage.name:
                comparison.moved.add(touchpoint.pk)
    comparison.removed = set(current_touchpoints) - kept
    return comparison


def share_links_of_journey(*, journey: Journey) -> QuerySet[ShareLink]:
    """A journey's share links, newest first, with who made each and how often it was used (one query)."""
    return journey.share_links.select_related("created_by").annotate(use_count=Count("uses")).order_by("-created_at")


def share_link_for_token(*, token: str) -> ShareLink | None:
    """The link a visitor's token names (whatever its state), with its journey; None for no such link."""
    return ShareLink.objects.select_related("journey").filter(token_hash=ShareLink.hash_token(token)).first()
