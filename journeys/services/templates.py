"""Journey templates: the maps the product ships (files, one per language) and those an organisation saves.

A template is a journey export (journeys/services/transfer.py, the format of journeys/transfer_schema.py)
reduced to its map: stages, touchpoints with their channels, expectations and designed emotions, findings.
A journey started from one gets that map and nothing else: no process owners, chain owner, personas or
survey data, which belong to the organisation that made the original.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from journeys.models import Channel, Journey, JourneyGroup, JourneyState, JourneyTemplate, Persona, Phase
from journeys.services.journeys import journey_create
from journeys.services.transfer import ImportRefused, channel_errors, journey_export, write_map
from journeys.transfer_schema import JourneyFileSerializer, flatten_errors

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "journey_templates"
# The shipped templates, in the order the "new journey" page offers them; each has <slug>.<language>.json.
SHIPPED_TEMPLATES = ["insurance-claim", "bank-account", "moving-house", "webshop-order-return", "municipal-permit"]
TEMPLATE_LANGUAGES = ["en", "nl"]
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class TemplateSummary:
    """What a list shows of a template without writing anything: its stages and how much is on them."""

    stage_names: list[str]
    touchpoint_count: int
    finding_count: int


@dataclass(frozen=True)
class ShippedTemplate:
    slug: str
    language: str
    name: str
    description: str
    document: dict[str, Any]
    summary: TemplateSummary

    @property
    def choice(self) -> str:
        return f"shipped:{self.slug}"


def template_summary(document: Any) -> TemplateSummary:
    """Stage names and counts of a template document; tolerant of a damaged one (shows what it can)."""
    stages = document.get("stages") if isinstance(document, dict) else None
    stages = [s for s in stages if isinstance(s, dict)] if isinstance(stages, list) else []
    touchpoints = [tp for s in stages for tp in (s.get("touchpoints") or []) if isinstance(tp, dict)]
    findings = sum(len(s.get("findings") or []) for s in stages) + sum(
        len(tp.get("findings") or []) for tp in touchpoints
    )
    return TemplateSummary(
        stage_names=[str(s.get("name", "")) for s in stages],
        touchpoint_count=len(touchpoints),
        finding_count=findings,
    )


def template_language(language: str | None) -> str:
    """The template language for a UI language ("nl-be" → "nl"); English when there is none in it."""
    code = (language or "").split("-")[0].lower()
    return code if code in TEMPLATE_LANGUAGES else DEFAULT_LANGUAGE


@cache
def _shipped(language: str) -> tuple[ShippedTemplate, ...]:
    templates = []
    for slug in SHIPPED_TEMPLATES:
        document = json.loads((TEMPLATE_DIR / f"{slug}.{language}.json").read_text(encoding="utf-8"))
        header = document["journey"]
        templates.append(
            ShippedTemplate(
                slug=slug,
                language=language,
                name=header["name"],
                description=header.get("description", ""),
                document=document,
                summary=template_summary(document),
            )
        )
    return tuple(templates)


def shipped_templates(*, language: str | None) -> list[ShippedTemplate]:
    """The product's templates in the given language (read from disk once per process)."""
    return list(_shipped(template_language(language)))


def shipped_template(*, slug: str, language: str | None) -> ShippedTemplate | None:
    return next((t for t in shipped_templates(language=language) if t.slug == slug), None)


def map_document(document: dict[str, Any]) -> dict[str, Any]:
    """An export reduced to its map: no process owners, chain owner or personas (they name people and
    customers of the organisation the journey came from)."""
    stages = [
        {
            **stage,
            "touchpoints": [{**tp, "owner": None} for tp in stage.get("touchpoints", [])],
        }
        for stage in document.get("stages", [])
    ]
    header = {**document.get("journey", {}), "chain_owner": None, "personas": []}
    header.pop("state", None)
    header.pop("phase", None)
    document = {**document, "journey": header, "stages": stages}
    document.pop("exported_at", None)
    return document


def _validated_stages(document: Any) -> list[dict[str, Any]]:
    """The stages of a template document, validated like an import; ImportRefused lists every problem."""
    if not isinstance(document, dict):
        raise ImportRefused(_("The template must hold one JSON object (a CX Platform journey export)."))
    serializer = JourneyFileSerializer(data=document)
    if not serializer.is_valid():
        raise ImportRefused(flatten_errors(serializer.errors))
    stages: list[dict[str, Any]] = serializer.validated_data["stages"]
    errors = channel_errors(stages, {c.slug: c for c in Channel.objects.all()})
    if errors:
        raise ImportRefused(errors)
    return stages


@transaction.atomic
def journey_create_from_template(
    *,
    document: Any,
    name: str,
    group: JourneyGroup,
    key: str = "",
    description: str = "",
    personas: Iterable[Persona] = (),
    state: str = JourneyState.CURRENT,
    phase: str = Phase.DISCOVER,
    chain_owner: User | None = None,
) -> Journey:
    """A new journey with the header given and the template's map. A bad template (ImportRefused) or a bad
    header (ValidationError) writes nothing."""
    stages = _validated_stages(document)
    journey = journey_create(
        name=name,
        group=group,
        key=key,
        description=description,
        personas=personas,
        state=state,
        phase=phase,
        chain_owner=chain_owner,
    )
    channels = {c.slug: c for c in Channel.objects.all()}
    write_map(journey=journey, stages=stages, channels=channels, users={})
    return journey


@transaction.atomic
def template_save(*, journey: Journey, name: str, description: str = "", created_by: User | None) -> JourneyTemplate:
    """Save a journey's map as a template of the organisation."""
    template = JourneyTemplate(
        name=name,
        description=description,
        document=map_document(journey_export(journey=journey)),
        created_by=created_by,
    )
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_delete(*, template: JourneyTemplate) -> None:
    template.delete()
