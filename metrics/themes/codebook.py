"""The codebook's reads for its editor and its API: the themes with their rule counts and recent mentions, a
theme's rules, and the live preview of rules not saved yet among the most recent comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from metrics.models import ResponseTheme, RuleMode, SurveyResponse, Theme
from metrics.themes.engine import Codebook, Hit, RuleSpec
from metrics.themes.services import RuleInput

RECENT_DAYS = 90
PREVIEW_SAMPLE = 2_000
PREVIEW_SHOWN = 20
# The id the preview gives the theme being edited (saved or not): the compiled codebook holds only its rules.
PREVIEW_THEME = 0


def theme_list() -> QuerySet[Theme]:
    """The themes with their number of rules, ordered by their name in the active language."""
    name = "name_nl" if (translation.get_language() or "en").startswith("nl") else "name_en"
    return Theme.objects.annotate(rule_count=Count("rules")).order_by(name, "id")


def recent_mentions(theme_ids: Sequence[int], *, days: int = RECENT_DAYS) -> dict[int, int]:
    """Per theme: the comments that mention it among the responses of the last `days` days (one GROUP BY)."""
    since = timezone.localdate() - timedelta(days=days)
    rows = (
        ResponseTheme.objects.filter(theme_id__in=list(theme_ids), day__gte=since)
        .values_list("theme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {theme_id: n for theme_id, n in rows}


def theme_rules(theme: Theme) -> list[RuleInput]:
    return [RuleInput(r.language, r.mode, r.phrase) for r in theme.rules.order_by("position", "id")]


# The live preview


@dataclass(frozen=True)
class PreviewComment:
    response_id: int
    html: SafeString  # the comment, escaped, with the matched words in <mark>
    excluded: bool  # an exclusion keeps the theme off it


@dataclass(frozen=True)
class Preview:
    sample: int  # the comments looked at (the most recent, up to PREVIEW_SAMPLE)
    matches: int  # of which the rules find
    excluded: int  # of which an exclusion kept off although a rule found them
    comments: list[PreviewComment]  # the first PREVIEW_SHOWN of both, newest first
    has_rules: bool


def recent_comments(limit: int = PREVIEW_SAMPLE) -> list[tuple[int, str]]:
    """The most recent comments, newest first (by id: the pk index, however many responses there are)."""
    rows = SurveyResponse.objects.exclude(comment="").order_by("-id").values_list("id", "comment")[:limit]
    return list(rows)


def highlight(text: str, hits: Sequence[Hit]) -> SafeString:
    """The text escaped, each hit's span in <mark> (an exclusion's with class "excluded"); overlaps merged."""
    spans: list[list] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        start, end = max(0, hit.start), min(len(text), hit.end)
        if end <= start:
            continue
        exclude = hit.rule.mode == RuleMode.EXCLUDE
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2] = spans[-1][2] or exclude
            continue
        spans.append([start, end, exclude])
    parts: list[str] = []
    at = 0
    for start, end, exclude in spans:
        parts.append(escape(text[at:start]))
        css = ' class="excluded"' if exclude else ""
        parts.append(f"<mark{css}>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above


def preview(rules: Sequence[RuleInput], *, comments: list[tuple[int, str]] | None = None) -> Preview:
    """What `rules` (a theme's, as typed, unsaved) find among the most recent comments."""
    sample = recent_comments() if comments is None else comments
    specs = [RuleSpec(PREVIEW_THEME, r.language, r.mode, r.phrase) for r in rules]
    finding = [spec for spec in specs if spec.mode != RuleMode.EXCLUDE]
    if not finding:
        return Preview(sample=len(sample), matches=0, excluded=0, comments=[], has_rules=False)
    codebook = Codebook.compile(specs)
    matches = excluded = 0
    shown: list[PreviewComment] = []
    for response_id, text in sample:
        hits = codebook.hits(text)
        if not hits:
            continue
        matched = PREVIEW_THEME in codebook.match(text)
        modes = {h.rule.mode for h in hits}
        is_excluded = not matched and RuleMode.EXCLUDE in modes and len(modes) > 1
        if matched:
            matches += 1
        elif is_excluded:
            excluded += 1
        else:
            continue  # e.g. a mention that was negated: neither found nor excluded
        if len(shown) < PREVIEW_SHOWN:
            shown.append(PreviewComment(response_id, highlight(text, hits), is_excluded))
    return Preview(sample=len(sample), matches=matches, excluded=excluded, comments=shown, has_rules=True)
