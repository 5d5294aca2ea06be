"""A source's mapping: how a tool's submission becomes survey response records.

The mapping is a JSON object stored on SurveySource.mapping::

    {
      "metrics": {"nps": "<answer ref>", "csat": "<answer ref>", "ces": "<answer ref>"},
      "journey":    {"from": "fixed", "value": "report-a-claim"},
      "touchpoint": {"from": "hidden", "key": "touchpoint"},
      "channel":    {"from": "url", "key": "utm_medium"},
      "respondent": {"from": "meta", "key": "respondent.email"},
      "comment":    {"from": "answer", "key": "why"}
    }

- `metrics`: for each metric (nps, csat, ces), the ref of the question that measures it (Answer.ref: Typeform's
  field.ref, Formbricks' question id, Qualtrics' QID, the generic source's JSON key); leave a metric out (or give
  "") when the survey does not ask it. At least one is needed. Each answered metric makes one response; a
  question left unanswered makes none. The answer must be a whole number on the metric's scale (NPS 0-10, CSAT
  1-5, CES 1-7): another value is a problem naming the question.
- `journey` (required), `touchpoint`, `channel`, `respondent`, `comment` (optional): where the value comes from,
  `{"from": FROM, "key": KEY}` with FROM one of
    - "answer": the answer to the question with ref KEY;
    - "hidden": the hidden field (or embedded data, URL variable the tool reports as such) KEY;
    - "url": the query parameter KEY of the page's URL the tool reports (Submission.meta["url"]);
    - "meta": a metadata field, KEY a dotted path into Submission.meta ("source.utm_campaign");
  or `{"from": "fixed", "value": VALUE}`: the same value for every submission of the source.
  Journeys and touchpoints may be given by id or key, touchpoints also by one of their aliases (the names or
  codes other systems use for them), channels by their key (web, phone, ...).

Each response's `external_id` is the tool's response id followed by "-<metric>" ("tfr_9x2-nps"): always, so that
a tool's retry of the same answers finds them again whatever else the mapping maps meanwhile; its `source` is the
source's `response_source` ("typeform:12"). `responded_at` is the submission's moment (with or without a zone; a
naive one is local time), or the moment the delivery arrived when the tool gives none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics.connectors.vendors import Submission
from metrics.models import METRIC_SCALES, Metric

METRICS: tuple[str, ...] = tuple(str(metric) for metric in Metric)
TARGETS: tuple[str, ...] = ("journey", "touchpoint", "channel", "respondent", "comment")
REQUIRED_TARGETS: tuple[str, ...] = ("journey",)
ORIGINS: dict[str, Any] = {
    "answer": gettext_lazy("an answer"),
    "hidden": gettext_lazy("a hidden field"),
    "url": gettext_lazy("a URL parameter"),
    "meta": gettext_lazy("a metadata field"),
    "fixed": gettext_lazy("a fixed value"),
}
TARGET_LABELS: dict[str, Any] = {
    "journey": gettext_lazy("journey"),
    "touchpoint": gettext_lazy("touchpoint"),
    "channel": gettext_lazy("channel"),
    "respondent": gettext_lazy("respondent key"),
    "comment": gettext_lazy("comment"),
}
MAX_KEY = 200


@dataclass(frozen=True)
class MappingProblem:
    """Why (part of) a submission cannot be stored. `submission` is the tool's response id ("" for the payload as
    a whole), `field` the record field or mapping entry concerned."""

    submission: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.submission}: " if self.submission else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


@dataclass
class Applied:
    """What a submission gives under a mapping: records (dicts with the fields of metrics.ingest.records.FIELDS,
    ready for responses_create) or the problems that stop it. `unanswered`: no mapped score question answered."""

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[MappingProblem] = field(default_factory=list)
    unanswered: bool = False


def mapping_validate(mapping: Any) -> dict[str, Any]:
    """The mapping in its canonical shape; ValidationError keyed by the entry ("metrics", "journey"...) when it is
    not one. An empty mapping is valid (a new source is mapped after its first sample)."""
    if mapping in (None, ""):
        return {}
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": _("The mapping must be a JSON object.")})
    errors: dict[str, str] = {}
    unknown = sorted(set(mapping) - {"metrics", *TARGETS})
    if unknown:
        errors["mapping"] = _("Unknown entries: %(names)s.") % {"names": ", ".join(unknown)}
    clean: dict[str, Any] = {}
    metrics = mapping.get("metrics") or {}
    if not isinstance(metrics, dict):
        errors["metrics"] = _('Give the question ref of each metric, as an object {"nps": "ref"}.')
    else:
        bad = sorted(set(metrics) - set(METRICS))
        refs: dict[str, str] = {}
        for metric in METRICS:
            ref = metrics.get(metric)
            if ref in (None, ""):
                continue
            if not isinstance(ref, str) or len(ref) > MAX_KEY:
                errors["metrics"] = _("The question ref of %(metric)s must be a text.") % {"metric": metric}
                continue
            refs[metric] = ref.strip()
        if bad:
            errors["metrics"] = _("Unknown metrics: %(names)s (use nps, csat or ces).") % {"names": ", ".join(bad)}
        if len(set(refs.values())) < len(refs):
            errors["metrics"] = _("One question cannot measure two metrics.")
        clean["metrics"] = refs
    for target in TARGETS:
        spec = mapping.get(target)
        if spec in (None, "", {}):
            continue
        try:
            clean[target] = _spec(spec)
        except ValueError as problem:
            errors[target] = str(problem)
    if errors:
        raise ValidationError(errors)
    if not clean.get("metrics"):
        clean.pop("metrics", None)
    return clean


def _spec(spec: Any) -> dict[str, str]:
    if not isinstance(spec, dict):
        raise ValueError(_('Give {"from": ..., "key": ...} or {"from": "fixed", "value": ...}.'))
    origin = spec.get("from")
    if origin not in ORIGINS:
        raise ValueError(_("Choose where it comes from: %(origins)s.") % {"origins": ", ".join(ORIGINS)})
    name = "value" if origin == "fixed" else "key"
    value = spec.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        if origin == "fixed":
            raise ValueError(_("Give the fixed value."))
        raise ValueError(_("Give the name of %(origin)s.") % {"origin": ORIGINS[origin]})
    if len(value) > MAX_KEY:
        raise ValueError(_("At most %(limit)d characters.") % {"limit": MAX_KEY})
    return {"from": origin, name: value.strip()}


def is_mapped(mapping: Mapping[str, Any]) -> bool:
    """Whether the mapping says enough to store anything: a score question and a journey."""
    return bool(mapping.get("metrics")) and bool(mapping.get("journey"))


def describe(spec: Mapping[str, str] | None) -> str:
    """'hidden field "touchpoint"', for messages."""
    if not spec:
        return _("nothing")
    if spec["from"] == "fixed":
        return _("the fixed value %(value)s") % {"value": repr(spec["value"])}
    return f"{ORIGINS[spec['from']]} {spec['key']!r}"


MISSING = object()


def read_value(submission: Submission, spec: Mapping[str, str]) -> Any:
    """The value `spec` names in `submission`, or MISSING when the submission does not carry it."""
    origin = spec["from"]
    if origin == "fixed":
        return spec["value"]
    key = spec["key"]
    if origin == "answer":
        answer = submission.answers.get(key)
        return MISSING if answer is None else answer.value
    if origin == "hidden":
        return submission.hidden.get(key, MISSING)
    if origin == "url":
        url = submission.meta.get("url")
        if not isinstance(url, str):
            return MISSING
        values = parse_qs(urlsplit(url).query).get(key)
        return values[0] if values else MISSING
    # "meta": a dotted path
    node: Any = submission.meta
    for part in key.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _as_text(value: Any) -> str | None:
    """A scalar as text; None for a value that is no scalar (an object). A list of one choice is its choice."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(str(item) for item in value if isinstance(item, str | int | float))
    return None


_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)\b")


def read_score(value: Any) -> int | None:
    """A whole number from an answer: 9, 9.0, "9", "9 - very likely" (a choice label that starts with its
    number), [9] (a one-choice list); None when it is none."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return int(value) if value == int(value) else None
    if isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        if match is None:
            return None
        try:
            number = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation:
            return None
        return int(number) if number == int(number) else None
    return None


def mapping_apply(submission: Submission, mapping: Mapping[str, Any], *, source: str, received_at: datetime) -> Applied:
    """The response records `submission` gives under `mapping` (one per answered score question), or the
    problems that stop it; checks the scales and the presence of what the mapping names. Whether the journey,
    touchpoint and channel exist is the ingest's check (metrics.ingest.records), run on the records."""
    applied = Applied()
    sid = submission.external_id

    def problem(field_name: str | None, message: str) -> None:
        applied.problems.append(MappingProblem(sid, field_name, message))

    metrics: Mapping[str, str] = mapping.get("metrics") or {}
    if not metrics:
        problem("metrics", _("The mapping names no score question (NPS, CSAT or CES): map one on the source's page."))
    if not mapping.get("journey"):
        problem("journey", _("The mapping does not say where the journey comes from."))
    if not sid:
        problem("external_id", _("The submission carries no response id."))
    if applied.problems:
        return applied
    scores: list[tuple[str, int]] = []
    for metric, ref in metrics.items():
        answer = submission.answers.get(ref)
        if answer is None or answer.value in (None, "", []):
            continue
        score = read_score(answer.value)
        low, high = METRIC_SCALES[metric]
        if score is None:
            problem(
                metric,
                _("Question %(ref)s answered %(value)s, which is not a whole number for %(metric)s.")
                % {"ref": repr(ref), "value": repr(answer.value), "metric": metric.upper()},
            )
        elif not low <= score <= high:
            problem(
                metric,
                _("Question %(ref)s gave %(score)d, outside the %(metric)s scale (%(low)d to %(high)d): is it the "
                  "right question for this metric?")
                % {"ref": repr(ref), "score": score, "metric": metric.upper(), "low": low, "high": high},
            )  # fmt: skip
        else:
            scores.append((metric, score))
    values: dict[str, str] = {}
    for target in TARGETS:
        spec = mapping.get(target)
        if not spec:
            continue
        raw = read_value(submission, spec)
        if raw is MISSING and target in REQUIRED_TARGETS:
            problem(
                target,
                _("The submission has no %(where)s, where the mapping takes the %(target)s from.")
                % {"where": describe(spec), "target": TARGET_LABELS[target]},
            )
            continue
        text = _as_text(raw)
        if text is None:
            problem(target, _("%(where)s is not a single value.") % {"where": describe(spec)})
            continue
        values[target] = text
    if applied.problems:
        return applied
    if not scores:
        applied.unanswered = True
        return applied
    moment = submission.responded_at or received_at
    for metric, score in scores:
        applied.records.append(
            {
                "metric": metric,
                "score": score,
                "journey": values.get("journey", ""),
                "touchpoint": values.get("touchpoint", ""),
                "channel": values.get("channel", ""),
                "responded_at": moment.isoformat(),
                "respondent": values.get("respondent", "")[:100],
                "comment": values.get("comment", ""),
                "source": source,
                "external_id": f"{sid}-{metric}"[:100],
            }
        )
    return applied


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping for a sample, and why each entry was proposed (shown beside the form)."""

    mapping: dict[str, Any]
    reasons: dict[str, str]


_NPS_WORDS = ("recommend", "aanbevelen", "aanraden", "nps")
_CSAT_WORDS = ("satisf", "tevreden", "csat")
_CES_WORDS = ("easy", "effort", "makkelijk", "gemakkelijk", "moeite", "ces")
_COMMENT_WORDS = ("why", "comment", "waarom", "toelichting", "opmerking", "reason", "feedback")
_TARGET_WORDS: dict[str, tuple[str, ...]] = {
    "journey": ("journey", "klantreis", "reis"),
    "touchpoint": ("touchpoint", "contactmoment", "touch_point", "tp"),
    "channel": ("channel", "kanaal", "utm_medium"),
    "respondent": ("respondent", "customer", "klant", "email", "user_id", "customer_id", "klantnummer"),
}


def mapping_suggest(submissions: list[Submission]) -> Suggestion:
    """A first mapping for sample submissions: the NPS question by its values (whole numbers, some above 7, none
    above 10) or its label; CSAT and CES by their labels; journey, touchpoint, channel and respondent from hidden
    fields (or URL parameters) named so; the comment from the first free-text answer labelled as one."""
    mapping: dict[str, Any] = {"metrics": {}}
    reasons: dict[str, str] = {}
    answers = [answer for submission in submissions for answer in submission.answers.values()]
    by_ref: dict[str, list[Any]] = {}
    labels: dict[str, str] = {}
    for answer in answers:
        by_ref.setdefault(answer.ref, []).append(answer.value)
        labels.setdefault(answer.ref, (answer.label or "").lower())

    def numeric(ref: str) -> list[int] | None:
        scores = [read_score(value) for value in by_ref[ref]]
        return None if any(score is None for score in scores) else [s for s in scores if s is not None]

    taken: set[str] = set()
    for metric, words in (("nps", _NPS_WORDS), ("csat", _CSAT_WORDS), ("ces", _CES_WORDS)):
        low, high = METRIC_SCALES[metric]
        for ref, label in labels.items():
            scores = numeric(ref)
            on_scale = bool(scores) and all(low <= score <= high for score in scores or ())
            if ref not in taken and on_scale and any(word in label or word in ref.lower() for word in words):
                mapping["metrics"][metric] = ref
                taken.add(ref)
                reasons[metric] = _("by the question's text")
                break
    if "nps" not in mapping["metrics"]:
        for ref in by_ref:
            scores = numeric(ref)
            if ref not in taken and scores and all(0 <= s <= 10 for s in scores) and max(scores) > 7:
                mapping["metrics"]["nps"] = ref
                taken.add(ref)
                reasons["nps"] = _("answers from 0 to 10")
                break
    for ref, label in labels.items():
        if ref in taken:
            continue
        values = by_ref[ref]
        if all(isinstance(value, str) and read_score(value) is None for value in values) and any(
            word in label or word in ref.lower() for word in _COMMENT_WORDS
        ):
            mapping["comment"] = {"from": "answer", "key": ref}
            reasons["comment"] = _("a free-text answer")
            break
    hidden = {name.lower(): name for submission in submissions for name in submission.hidden}
    params: dict[str, str] = {}
    for submission in submissions:
        url = submission.meta.get("url")
        if isinstance(url, str):
            params.update({name.lower(): name for name in parse_qs(urlsplit(url).query)})
    for target, names in _TARGET_WORDS.items():
        for word in names:
            if word in hidden:
                mapping[target] = {"from": "hidden", "key": hidden[word]}
                reasons[target] = _("a hidden field named so")
                break
            if word in params:
                mapping[target] = {"from": "url", "key": params[word]}
                reasons[target] = _("a URL parameter named so")
                break
    return Suggestion(mapping=mapping, reasons=reasons)
