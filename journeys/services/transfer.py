"""Export a journey as JSON or CSV, and import a JSON export again as a copy: validated, all or nothing."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record as audit_record
from cxplatform.lib.csv_files import CsvWriter
from journeys.keys import fill_keys, normalise_alias, unique_key
from journeys.live import journey_changed
from journeys.models import Channel, Finding, FindingKind, Journey, JourneyGroup, Persona, Stage, Touchpoint
from journeys.selectors import journey_map
from journeys.services.recording import record_map
from journeys.transfer_schema import FILE_FORMAT, FILE_FORMAT_VERSION, JourneyFileSerializer, flatten_errors

MAX_IMPORT_BYTES = 5 * 1024 * 1024
CSV_COLUMNS = [
    "journey",
    "stage_position",
    "stage",
    "touchpoint_position",
    "touchpoint",
    "channel",
    "description",
    "customer_expectation",
    "designed_emotion",
    "moment_of_truth",
    "process_owner",
    "pain_points",
    "opportunities",
    "insights",
    # Last, so that a sheet built on the columns before keys still reads them where it did.
    "stage_key",
    "touchpoint_key",
    "touchpoint_aliases",
]


class ImportRefused(ValidationError):
    """The file cannot be imported; `.messages` lists every problem with its place in the file."""


@dataclass
class ImportResult:
    journey: Journey
    warnings: list[str] = field(default_factory=list)


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {"kind": finding.kind, "text": finding.text, "source": finding.source, "severity": finding.severity}


def journey_export(*, journey: Journey) -> dict[str, Any]:
    """The whole journey as a plain dict (JSON-ready), in map order."""
    journey = journey_map(journey_id=journey.pk)
    stages = []
    for stage in journey.stages.all():
        findings = list(stage.findings.all())
        touchpoints = []
        for touchpoint in stage.touchpoints.all():
            touchpoints.append(
                {
                    "name": touchpoint.name,
                    "key": touchpoint.key,
                    "aliases": list(touchpoint.aliases or []),
                    "channel": touchpoint.channel.slug if touchpoint.channel else None,
                    "description": touchpoint.description,
                    "customer_expectation": touchpoint.customer_expectation,
                    "emotion": touchpoint.emotion,
                    "is_moment_of_truth": touchpoint.is_moment_of_truth,
                    "owner": touchpoint.owner.username if touchpoint.owner else None,
                    "findings": [_finding_dict(f) for f in findings if f.touchpoint_id == touchpoint.pk],
                }
            )
        stages.append(
            {
                "name": stage.name,
                "key": stage.key,
                "customer_goal": stage.customer_goal,
                "customer_expectation": stage.customer_expectation,
                "findings": [_finding_dict(f) for f in findings if f.touchpoint_id is None],
                "touchpoints": touchpoints,
            }
        )
    return {
        "format": FILE_FORMAT,
        "format_version": FILE_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "journey": {
            "name": journey.name,
            "key": journey.key,
            "description": journey.description,
            "group": journey.group.slug,
            "state": journey.state,
            "phase": journey.phase,
            "chain_owner": journey.chain_owner.username if journey.chain_owner else None,
            "personas": [
                {
                    "name": p.name,
                    "segment": p.segment,
                    "quote": p.quote,
                    "goals": p.goals,
                    "frustrations": p.frustrations,
                    "colour": p.colour,
                }
                for p in journey.personas.all()
            ],
        },
        "stages": stages,
    }


def journey_export_csv(*, journey: Journey) -> str:
    """One row per touchpoint, in map order; findings joined with " | ". Text a spreadsheet would run as a
    formula (a touchpoint named =HYPERLINK(...)) is neutralised by the writer; numbers stay numbers."""
    journey = journey_map(journey_id=journey.pk)
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    for stage in journey.stages.all():
        findings = list(stage.findings.all())
        for touchpoint in stage.touchpoints.all():
            own = [f for f in findings if f.touchpoint_id == touchpoint.pk]

            def texts(kind: str, own: list[Finding] = own) -> str:
                return " | ".join(f.text for f in own if f.kind == kind)

            writer.writerow(
                [
                    journey.name,
                    stage.position + 1,
                    stage.name,
                    touchpoint.position + 1,
                    touchpoint.name,
                    touchpoint.channel.name if touchpoint.channel else "",
                    touchpoint.description,
                    touchpoint.customer_expectation,
                    touchpoint.emotion,
                    "yes" if touchpoint.is_moment_of_truth else "no",
                    touchpoint.owner.username if touchpoint.owner else "",
                    texts(FindingKind.PAIN_POINT),
                    texts(FindingKind.OPPORTUNITY),
                    texts(FindingKind.INSIGHT),
                    stage.key,
                    touchpoint.key,
                    " | ".join(touchpoint.aliases or []),
                ]
            )
    return out.getvalue()


def parse_import_file(raw: bytes) -> Any:
    """Bytes of an uploaded file to JSON data, or ImportRefused saying why not."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB."))
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            _("The file is not valid JSON: %(error)s at line %(line)s, column %(column)s.")
            % {"error": error.msg, "line": error.lineno, "column": error.colno}
        ) from None


@transaction.atomic
def journey_import(*, data: Any, name: str | None = None) -> ImportResult:
    """Create a copy of an exported journey. Nothing is written unless the whole file is valid."""
    if not isinstance(data, dict):
        raise ImportRefused(_("The file must hold one JSON object (a CX Platform journey export)."))
    serializer = JourneyFileSerializer(data=data)
    if not serializer.is_valid():
        raise ImportRefused(flatten_errors(serializer.errors))
    payload = serializer.validated_data
    header = payload["journey"]

    errors: list[str] = []
    warnings: list[str] = []
    group = JourneyGroup.objects.filter(slug=header["group"]).first()
    if group is None:
        errors.append(_("journey.group: there is no journey group “%(group)s”.") % {"group": header["group"]})
    channels = {c.slug: c for c in Channel.objects.all()}
    usernames = {header["chain_owner"]} | {
        tp["owner"] for stage in payload["stages"] for tp in stage["touchpoints"] if tp["owner"]
    }
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames - {None})}
    errors += channel_errors(payload["stages"], channels)
    for stage in payload["stages"]:
        for tp in stage["touchpoints"]:
            if tp["owner"] and tp["owner"] not in users:
                warnings.append(
                    _("Touchpoint “%(name)s”: there is no user “%(user)s”; it was imported without a process owner.")
                    % {"name": tp["name"], "user": tp["owner"]}
                )
    if header["chain_owner"] and header["chain_owner"] not in users:
        warnings.append(
            _("There is no user “%(user)s”; the journey was imported without a chain owner.")
            % {"user": header["chain_owner"]}
        )
    if errors:
        raise ImportRefused(errors)

    journey = Journey(
        name=name or _("%(name)s (imported)") % {"name": header["name"]},
        key=_free_journey_key(header["key"]),
        description=header["description"],
        group=group,
        state=header["state"],
        phase=header["phase"],
        chain_owner=users.get(header["chain_owner"]),
    )
    journey.full_clean(validate_constraints=False)  # the key is free (_free_journey_key)
    journey.save()
    personas = []
    for persona_data in header["personas"]:
        persona = Persona.objects.filter(name=persona_data["name"]).first()
        if persona is None:
            persona = Persona(**persona_data)
            persona.full_clean()
            persona.save()
        personas.append(persona)
    journey.personas.set(personas)
    write_map(journey=journey, stages=payload["stages"], channels=channels, users=users, warnings=warnings)
    return ImportResult(journey=journey, warnings=warnings)


def _free_journey_key(key: str) -> str:
    """The file's journey key when no journey has it; beside its original (the usual case: a copy), the next
    free one (key-2), as the copy's name differs too. Empty (made from the name on save) when the file has none."""
    if not key:
        return ""
    taken = set(Journey.all_objects.order_by().filter(key__startswith=key).values_list("key", flat=True))
    return unique_key(key, taken, fallback="journey")


def _unique_keys(objects: list[Any], fallback: str, what: str, warnings: list[str] | None) -> None:
    """Keys from the file kept where they are free among the journey's new parts (a repeated one gets -2, with a
    warning); the missing ones made from the names."""
    used: set[str] = set()
    for obj in objects:
        if obj.key:
            free = unique_key(obj.key, used, fallback=fallback)
            if free != obj.key and warnings is not None:
                warnings.append(
                    _("The %(what)s key “%(key)s” is in the file twice: “%(name)s” has the key “%(free)s”.")
                    % {"what": what, "key": obj.key, "name": obj.name, "free": free}
                )
            obj.key = free
    fill_keys(objects, taken=used, fallback=fallback)


def _free_aliases(touchpoints: list[Touchpoint], warnings: list[str] | None) -> None:
    """An alias that is another touchpoint's key, or an alias met before, would name two touchpoints: it is left
    out, with a warning."""
    keys = {tp.key: tp for tp in touchpoints}
    seen: dict[str, Touchpoint] = {}
    for touchpoint in touchpoints:
        kept = []
        for alias in touchpoint.aliases or []:
            normal = normalise_alias(alias)
            other = keys.get(normal) if keys.get(normal) is not touchpoint else None
            other = other or (seen.get(normal) if seen.get(normal) is not touchpoint else None)
            if other is not None:
                if warnings is not None:
                    warnings.append(
                        _("Touchpoint “%(name)s”: the alias “%(alias)s” also names “%(other)s”; it was left out.")
                        % {"name": touchpoint.name, "alias": alias, "other": other.name}
                    )
                continue
            if normal not in seen:
                seen[normal] = touchpoint
                kept.append(" ".join(alias.split()))
        touchpoint.aliases = kept


def channel_errors(stages: list[dict[str, Any]], channels: dict[str, Channel]) -> list[str]:
    """A line per touchpoint whose channel does not exist here, with its place in the file."""
    return [
        _("stages[%(s)s].touchpoints[%(t)s].channel: there is no channel “%(channel)s”.")
        % {"s": s_index, "t": t_index, "channel": tp["channel"]}
        for s_index, stage in enumerate(stages)
        for t_index, tp in enumerate(stage["touchpoints"])
        if tp["channel"] and tp["channel"] not in channels
    ]


def write_map(
    *,
    journey: Journey,
    stages: list[dict[str, Any]],
    channels: dict[str, Channel],
    users: dict[str, Any],
    warnings: list[str] | None = None,
) -> None:
    """Write validated stages (with their touchpoints and findings) onto a new, empty journey. Owners are
    looked up in `users`: one not there is left out. Keys and aliases from the file are kept where they are
    unique (else changed or left out, with a `warnings` line); missing keys are made from the names. The caller
    holds the transaction."""
    payload = {"stages": stages}
    new_stages = [
        Stage(
            journey=journey,
            position=index,
            name=stage["name"],
            key=stage.get("key", ""),
            customer_goal=stage["customer_goal"],
            customer_expectation=stage["customer_expectation"],
        )
        for index, stage in enumerate(payload["stages"])
    ]
    _unique_keys(new_stages, "stage", _("stage"), warnings)
    stages_created = Stage.objects.bulk_create(new_stages)
    touchpoint_rows = [
        (stage_obj, tp_data, Touchpoint(
            journey=journey,
            stage=stage_obj,
            position=t_index,
            name=tp_data["name"],
            key=tp_data.get("key", ""),
            aliases=[alias for alias in tp_data.get("aliases", []) if alias.strip()],
            channel=channels.get(tp_data["channel"]) if tp_data["channel"] else None,
            description=tp_data["description"],
            customer_expectation=tp_data["customer_expectation"],
            emotion=tp_data["emotion"],
            is_moment_of_truth=tp_data["is_moment_of_truth"],
            owner=users.get(tp_data["owner"]),
        ))
        for stage_obj, stage_data in zip(stages_created, payload["stages"], strict=True)
        for t_index, tp_data in enumerate(stage_data["touchpoints"])
    ]  # fmt: skip
    _unique_keys([row[2] for row in touchpoint_rows], "touchpoint", _("touchpoint"), warnings)
    _free_aliases([row[2] for row in touchpoint_rows], warnings)
    Touchpoint.objects.bulk_create([row[2] for row in touchpoint_rows])
    findings = [
        Finding(journey=journey, stage=stage_obj, **finding)
        for stage_obj, stage_data in zip(stages_created, payload["stages"], strict=True)
        for finding in stage_data["findings"]
    ]
    findings += [
        Finding(journey=journey, stage=stage_obj, touchpoint=touchpoint, **finding)
        for stage_obj, tp_data, touchpoint in touchpoint_rows
        for finding in tp_data["findings"]
    ]
    Finding.objects.bulk_create(findings)
    record_map(journey.pk, new=True)  # bulk_create fires no history signals
    # Nor audit signals: one row for the parts written (the journey's own creation is recorded by its save()).
    audit_record(
        audit_actions.IMPORT,
        obj=journey,
        detail={"stages": len(new_stages), "touchpoints": len(touchpoint_rows), "findings": len(findings)},
    )
    journey_changed(journey.pk)
