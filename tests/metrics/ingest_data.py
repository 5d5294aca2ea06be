"""A small map for the ingest tests (two journeys, touchpoints, channels) and helpers to write records and CSV."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from journeys.models import Channel, Journey, Touchpoint
from metrics.ingest.records import FIELDS
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import ChannelFactory, JourneyFactory, StageFactory, TouchpointFactory


@dataclass
class Map:
    journey: Journey
    other_journey: Journey
    touchpoint: Touchpoint  # of journey, owned by a process owner
    second_touchpoint: Touchpoint  # of journey
    foreign_touchpoint: Touchpoint  # of other_journey
    web: Channel
    phone: Channel


def make_map() -> Map:
    owner = UserFactory(username="tp-owner", role="process_owner")
    journey = JourneyFactory(name="Report a claim")
    other = JourneyFactory(name="Open an account")
    stage = StageFactory(journey=journey)
    web = ChannelFactory(slug="web")
    phone = ChannelFactory(slug="phone")
    return Map(
        journey=journey,
        other_journey=other,
        touchpoint=TouchpointFactory(stage=stage, owner=owner, channel=web),
        second_touchpoint=TouchpointFactory(stage=stage, channel=web),
        foreign_touchpoint=TouchpointFactory(stage=StageFactory(journey=other), channel=web),
        web=web,
        phone=phone,
    )


def recent(days: int = 2) -> str:
    """An ISO moment a few days ago (recent enough for a follow-up case to open)."""
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0).isoformat()


def record(voc: Map, **values: Any) -> dict[str, Any]:
    """A valid API record for voc.journey; keyword arguments replace or add fields (None drops one)."""
    base: dict[str, Any] = {
        "metric": "nps",
        "score": 9,
        "journey": voc.journey.pk,
        "touchpoint": voc.touchpoint.pk,
        "channel": "web",
        "responded_at": "2024-03-05T10:15:00+01:00",
    }
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


def csv_row(voc: Map, **values: Any) -> dict[str, str]:
    row = {name: "" for name in FIELDS}
    row.update(
        metric="nps",
        score="9",
        journey=str(voc.journey.pk),
        touchpoint=str(voc.touchpoint.pk),
        channel="web",
        responded_at="2024-03-05 10:15",
    )
    row.update({key: str(value) for key, value in values.items()})
    return row


def csv_bytes(
    rows: Iterable[dict[str, str] | Sequence[str]],
    *,
    header: Sequence[str] = FIELDS,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header] if isinstance(row, dict) else row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(data: bytes, name: str = "responses.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file
