"""Full-text search of the verbatims (issue 17): the comments that match the words, with the filters of the pages.

On PostgreSQL a comment matches when its search vector (Verbatim.search: to_tsvector('dutch' or 'english' by the
comment's language, filled by the tagging; GIN index "verbatim_search") matches the words read as a web search
in Dutch *or* English: `websearch_to_tsquery('dutch', q) || websearch_to_tsquery('english', q)`. So Snowball
stems match ("wachten" finds "wacht"; "called" finds "call"), quotes make a phrase, "-word" excludes, "or"
gives alternatives. On SQLite (`make run` without DATABASE_URL) every word must appear in the comment, any case.

The page of hits is read in three queries whatever its size: a capped count, the page's rows (with
ts_headline on those rows only) and the themes of those rows. Highlighting never trusts the comment: the
database marks the matches with private-use characters, the text is escaped, and then only the markers become
<mark> tags.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import Case, CharField, Exists, F, OuterRef, QuerySet, Value, When
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from metrics.models import ResponseTheme, Verbatim
from metrics.models.themes import Language

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
# The count stops here ("more than 250"): counting every match of a common word among a selective filter reads
# every response of the filter, where the page reads a few dozen. Pages go on past it, up to MAX_OFFSET.
COUNT_CAP = 250
MAX_OFFSET = 5000
# A CSV holds at most this many comments (the latest), and says so in its last line when there were more.
EXPORT_CAP = 10_000
# Private-use characters: no comment typed by a person holds them (and a stray one is dropped, see _marked).
START = "\ue000"
STOP = "\ue001"
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_WORD = re.compile(r"\w+", re.UNICODE)
# Latest first: by response id, the order in which responses were received. Not by responded_at: that sort key
# lives on the response, so ordering the matches of a common word by it joins and sorts every match (about
# 150 ms for 90,000 matches among 1,000,000 responses), where the id is the verbatim's own primary key, walked
# backwards until the page is full (under a millisecond). Responses arrive in time order, except a history
# import, which then shows in the order of its file.
ORDER = ("-response_id",)


@dataclass(frozen=True)
class VerbatimFilters:
    """What a search asks for; every field optional. Days are local days, both ends included."""

    q: str = ""
    journey_id: int | None = None
    touchpoint_id: int | None = None
    metric: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    theme_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None

    @property
    def words(self) -> str:
        return clean_query(self.q)

    @classmethod
    def from_valid(cls, data: Mapping[str, Any], *, day_from: str, day_to: str) -> VerbatimFilters:
        """From the checked values of the page's form or the API's query (journey, touchpoint and theme as
        objects); the two name their days differently (`day_from` / `day_to`: the keys)."""

        def pk(name: str) -> int | None:
            return data[name].pk if data.get(name) else None

        return cls(
            q=data.get("q") or "",
            journey_id=pk("journey"),
            touchpoint_id=pk("touchpoint"),
            metric=data.get("metric") or None,
            score_min=data.get("score_min"),
            score_max=data.get("score_max"),
            theme_id=pk("theme"),
            day_from=data.get(day_from),
            day_to=data.get(day_to),
        )


@dataclass(frozen=True)
class ThemeChip:
    id: int
    key: str
    name_en: str
    name_nl: str
    colour: str

    @property
    def name(self) -> str:
        return self.name_nl if (translation.get_language() or "en").startswith("nl") else self.name_en


@dataclass(frozen=True)
class VerbatimHit:
    response_id: int
    comment: str
    highlight: SafeString  # the comment, HTML-escaped, with the matches in <mark>
    language: str
    metric: str
    score: int
    day: date
    journey_id: int
    journey: str
    touchpoint_id: int | None
    touchpoint: str  # its name, or ""
    themes: list[ThemeChip] = field(default_factory=list)


@dataclass
class VerbatimPage:
    hits: list[VerbatimHit]
    page: int
    limit: int
    count: int  # matches, up to COUNT_CAP
    capped: bool  # there are more than COUNT_CAP
    has_next: bool

    @property
    def pages(self) -> int | None:
        """How many pages; None when the count is capped (then only has_next is known)."""
        return None if self.capped else max(1, -(-self.count // self.limit))

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def last_page(limit: int) -> int:
    """The furthest page a search goes (MAX_OFFSET)."""
    return max(1, MAX_OFFSET // limit)


def clean_query(q: str) -> str:
    """The words as searched: NUL characters dropped (PostgreSQL refuses them), spaces collapsed, 200 at most."""
    return " ".join(q.replace("\x00", " ").split())[:200]


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def verbatim_search(
    filters: VerbatimFilters, *, page: int = 1, limit: int = DEFAULT_LIMIT, full_text: bool | None = None
) -> VerbatimPage:
    """One page of the verbatims that match, latest first. `full_text` defaults to the database's way
    (PostgreSQL's full-text search, or the LIKE fallback); False forces the fallback.

    Three queries: the ids of up to COUNT_CAP + 1 matches (in no order: the database stops at the cap), the
    page's rows with their highlighting, and their themes. When the matches are few, the page is picked from
    those ids (so a rare word never walks the whole table in order); when they are many, the ordered walk
    finds the page's rows quickly.
    """
    full_text = uses_full_text() if full_text is None else full_text
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, min(int(page), last_page(limit)))
    rows = verbatim_rows(filters, full_text=full_text)
    ids = list(rows.order_by().values_list("response_id", flat=True)[: COUNT_CAP + 1])
    capped = len(ids) > COUNT_CAP
    count = min(len(ids), COUNT_CAP)
    offset = (page - 1) * limit
    if capped:
        # limit + 1: whether a next page exists, without counting
        hits = _hits(rows[offset : offset + limit + 1], filters, full_text=full_text)
        has_next = len(hits) > limit and page < last_page(limit)
        hits = hits[:limit]
    elif count > offset:
        wanted = sorted(ids, reverse=True)[offset : offset + limit]
        page_rows = Verbatim.objects.filter(response_id__in=wanted).order_by(*ORDER)
        hits = _hits(page_rows, filters, full_text=full_text)
        has_next = count > offset + limit
    else:
        hits, has_next = [], False
    return VerbatimPage(hits=hits, page=page, limit=limit, count=count, capped=capped, has_next=has_next)


def verbatim_rows(filters: VerbatimFilters, *, full_text: bool | None = None) -> QuerySet[Verbatim]:
    """The matching verbatims, newest first: the query both the page and the CSV export read."""
    full_text = uses_full_text() if full_text is None else full_text
    rows = Verbatim.objects.all()
    words = filters.words
    if words and full_text:
        rows = rows.filter(search=search_query(words))
    elif words:
        # The fallback: every word of the query somewhere in the comment, any case (LIKE; SQLite's LIKE folds
        # ASCII only, so "É" and "é" differ there).
        for word in fallback_words(words):
            rows = rows.filter(response__comment__icontains=word)
    if filters.journey_id is not None:
        rows = rows.filter(response__journey_id=filters.journey_id)
    if filters.touchpoint_id is not None:
        rows = rows.filter(response__touchpoint_id=filters.touchpoint_id)
    if filters.metric:
        rows = rows.filter(response__metric=filters.metric)
    if filters.score_min is not None:
        rows = rows.filter(response__score__gte=filters.score_min)
    if filters.score_max is not None:
        rows = rows.filter(response__score__lte=filters.score_max)
    if filters.day_from is not None:
        rows = rows.filter(response__day__gte=filters.day_from)
    if filters.day_to is not None:
        rows = rows.filter(response__day__lte=filters.day_to)
    if filters.theme_id is not None:
        mentions = ResponseTheme.objects.filter(response_id=OuterRef("response_id"), theme_id=filters.theme_id)
        rows = rows.filter(Exists(mentions))
    return rows.order_by(*ORDER)


def search_query(words: str) -> SearchQuery:
    """The words as a web search (quotes, or, -word) in Dutch or in English."""
    return SearchQuery(words, config="dutch", search_type="websearch") | SearchQuery(
        words, config="english", search_type="websearch"
    )


def fallback_words(words: str) -> list[str]:
    """The fallback's words: the letters and digits of the query (quotes and minus signs have no meaning there)."""
    return list(dict.fromkeys(_WORD.findall(words)))


def _hits(rows: QuerySet[Verbatim], filters: VerbatimFilters, *, full_text: bool) -> list[VerbatimHit]:
    words = filters.words
    fields = [
        "response_id",
        "language",
        "response__comment",
        "response__metric",
        "response__score",
        "response__day",
        "response__journey_id",
        "response__journey__name",
        "response__touchpoint_id",
        "response__touchpoint__name",
    ]
    full_text = bool(words) and full_text
    if full_text:
        config = Case(
            When(language=Language.DUTCH, then=Value("dutch")), default=Value("english"), output_field=CharField()
        )
        rows = rows.annotate(
            marked=SearchHeadline(
                F("response__comment"),
                search_query(words),
                config=config,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            )
        )
        fields.append("marked")
    found = list(rows.values(*fields))
    themes = themes_of([row["response_id"] for row in found])
    hits = []
    for row in found:
        comment = row["response__comment"]
        if full_text:
            highlight = marked_to_html(row["marked"])
        elif words:
            highlight = highlight_words(comment, words)
        else:
            highlight = mark_safe(escape(comment))  # noqa: S308 - escaped just now
        hits.append(
            VerbatimHit(
                response_id=row["response_id"],
                comment=comment,
                highlight=highlight,
                language=row["language"],
                metric=row["response__metric"],
                score=row["response__score"],
                day=row["response__day"],
                journey_id=row["response__journey_id"],
                journey=row["response__journey__name"],
                touchpoint_id=row["response__touchpoint_id"],
                touchpoint=row["response__touchpoint__name"] or "",
                themes=themes.get(row["response_id"], []),
            )
        )
    return hits


class VerbatimExport:
    """The matching verbatims for a CSV, latest first, at most `cap`, read in chunks of `chunk` (two queries a
    chunk: its rows, by keyset on the response id, and their themes). After iterating, `capped` says whether
    more matched than were given."""

    def __init__(
        self, filters: VerbatimFilters, *, cap: int = EXPORT_CAP, chunk: int = 1000, full_text: bool | None = None
    ) -> None:
        self.filters = filters
        self.cap = cap
        self.chunk = chunk
        self.full_text = full_text
        self.capped = False

    def __iter__(self) -> Iterator[VerbatimHit]:
        rows = verbatim_rows(self.filters, full_text=self.full_text)
        given = 0
        last: int | None = None
        while True:
            batch = rows if last is None else rows.filter(response_id__lt=last)
            found = _hits(batch[: self.chunk], VerbatimFilters(), full_text=False)
            for hit in found:
                if given == self.cap:
                    self.capped = True
                    return
                given += 1
                yield hit
            if len(found) < self.chunk:
                return
            last = found[-1].response_id


def themes_of(response_ids: list[int]) -> dict[int, list[ThemeChip]]:
    """The themes found in these responses (one query), by name."""
    if not response_ids:
        return {}
    found: dict[int, list[ThemeChip]] = defaultdict(list)
    rows = (
        ResponseTheme.objects.filter(response_id__in=response_ids)
        .order_by("theme__name_en", "theme_id")
        .values_list("response_id", "theme_id", "theme__key", "theme__name_en", "theme__name_nl", "theme__colour")
    )
    for response_id, theme_id, key, name_en, name_nl, colour in rows:
        found[response_id].append(ThemeChip(id=theme_id, key=key, name_en=name_en, name_nl=name_nl, colour=colour))
    return found


def marked_to_html(marked: str) -> SafeString:
    """ts_headline's output (matches between START and STOP) as HTML: the text escaped, the matches in <mark>."""
    text: str = escape(marked)  # the markers are no HTML characters, so they survive escaping unchanged
    text = _MARKED.sub(r"<mark>\1</mark>", text)
    return mark_safe(text.replace(START, "").replace(STOP, ""))  # noqa: S308 - escaped above


def highlight_words(comment: str, words: str) -> SafeString:
    """The SQLite fallback's highlighting: every occurrence of each word (any case) in <mark>, the rest escaped."""
    # Longest first, so that "wachttijd" is marked whole when "wacht" is searched too.
    needles = sorted({word.casefold() for word in fallback_words(words)}, key=len, reverse=True)
    if not needles:
        return mark_safe(escape(comment))  # noqa: S308 - escaped just now
    pattern = re.compile("|".join(re.escape(word) for word in needles), re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(comment):
        parts.append(escape(comment[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(comment[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped
