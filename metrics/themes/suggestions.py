"""Suggested themes: the recent comments no theme matches, clustered, so an editor sees what the codebook misses.

The most recent comments without a theme (at most SAMPLE: the page answers in a second or two) are weighed with
TF-IDF (lower-cased words and word pairs, English and Dutch stop words left out, a term in at least 3 comments
and at most half of them), then split into at most 8 topics with NMF (init "nndsvd", random_state 0: the same
comments give the same suggestions). Each comment goes to its strongest topic; a topic shows its top terms, its
size, and the comments that carry it most. The result is cached per (codebook version, newest comment, count) for REPORT_CACHE_SECONDS.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.urls import reverse

from metrics.models import CodebookState, Language, ResponseTheme, RuleMode, Verbatim
from metrics.themes.services import RuleInput, rule_problems

SAMPLE = 5_000
MIN_COMMENTS = 30  # fewer unmatched comments than this: nothing to cluster
MAX_CLUSTERS = 8
MIN_CLUSTER = 3  # a topic carried by fewer comments is not shown
TOP_TERMS = 6
EXAMPLES = 5
# A comment of fewer words ("Was oké.", "Geen bijzonderheden.", "Average, as expected.") says too little to found a
# theme on: such stock phrases are many, all alike, and would fill the suggestions.
MIN_WORDS = 5
NAME_MAX = 80

# Dutch stop words (scikit-learn ships only English ones): articles, pronouns, prepositions, conjunctions,
# auxiliaries and the commonest adverbs, lower-cased.
DUTCH_STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "alles",
        "als",
        "alsnog",
        "altijd",
        "andere",
        "ben",
        "bij",
        "daar",
        "daarna",
        "daarom",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doch",
        "doen",
        "door",
        "dus",
        "een",
        "eens",
        "en",
        "er",
        "ge",
        "geen",
        "geweest",
        "haar",
        "had",
        "heb",
        "hebben",
        "heeft",
        "hem",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "jou",
        "jouw",
        "kan",
        "kon",
        "kunnen",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "moet",
        "moeten",
        "na",
        "naar",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "reeds",
        "te",
        "tegen",
        "toch",
        "toen",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "want",
        "waren",
        "was",
        "wat",
        "we",
        "wel",
        "werd",
        "wezen",
        "wie",
        "wij",
        "wil",
        "worden",
        "word",
        "wordt",
        "zal",
        "ze",
        "zei",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zonder",
        "zou",
        "zouden",
        "daarbij",
        "echter",
        "elk",
        "elke",
        "enkele",
        "erg",
        "even",
        "gaat",
        "gaan",
        "ging",
        "gedaan",
        "gewoon",
        "goed",
        "graag",
        "heel",
        "helemaal",
        "hen",
        "hierbij",
        "hoewel",
        "iemand",
        "iets",
        "ieder",
        "jullie",
        "keer",
        "kunt",
        "laat",
        "later",
        "maakt",
        "mag",
        "mee",
        "mijne",
        "minder",
        "misschien",
        "mocht",
        "moest",
        "nee",
        "nooit",
        "onder",
        "ongeveer",
        "sinds",
        "soms",
        "steeds",
        "terwijl",
        "tijdens",
        "toe",
        "tussen",
        "vaak",
        "vanaf",
        "vanuit",
        "verder",
        "via",
        "vooral",
        "vrij",
        "waar",
        "waarom",
        "wanneer",
        "welke",
        "werden",
        "weer",
        "weet",
        "wilde",
        "zeer",
        "zelfs",
        "zie",
        "zien",
        "zonder",
        "zoals",
        "zodat",
        "zowel",
        "zullen",
        "wij",
        "jij",
        "hun",
        "hen",
        "dat",
        "dit",
        "deze",
        "die",
        "er",
        "nog",
        "al",
    ]
)


def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # type: ignore[import-untyped]

    return sorted(ENGLISH_STOP_WORDS | DUTCH_STOP_WORDS)


@dataclass(frozen=True)
class Example:
    response_id: int
    text: str


@dataclass(frozen=True)
class Cluster:
    terms: list[str]  # the top terms, strongest first
    size: int  # comments whose strongest topic this is
    language: str  # most of its comments' language
    examples: list[Example]  # the comments closest to it (that carry it most)

    @property
    def name(self) -> str:
        return suggested_name(self.terms)

    @property
    def create_url(self) -> str:
        """The new-theme form prefilled from this cluster (its name and rules from its top terms)."""
        query = urlencode([("terms", term) for term in self.terms[:3]] + [("language", self.language)])
        return f"{reverse('metrics:theme-from-suggestion')}?{query}"


@dataclass(frozen=True)
class Suggestions:
    considered: int  # the unmatched comments looked at
    clusters: list[Cluster] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.considered >= MIN_COMMENTS


def unmatched_comments(limit: int = SAMPLE) -> list[tuple[int, str, str]]:
    """The most recent comments of at least MIN_WORDS words that no theme matches, newest first: (response id,
    language, comment)."""
    mentioned = ResponseTheme.objects.filter(response_id=OuterRef("response_id"))
    rows = (
        Verbatim.objects.filter(~Exists(mentioned))
        .exclude(response__comment="")
        .order_by("-response_id")
        .values_list("response_id", "language", "response__comment")
    )
    # Read in the same order until `limit` long enough comments are found (a short one is skipped in Python:
    # counting words is no index's business); at most 4 x limit rows are read.
    found = []
    for row in rows[: 4 * limit].iterator(chunk_size=2_000):
        if len(row[2].split()) >= MIN_WORDS:
            found.append(row)
            if len(found) == limit:
                break
    return found


def suggest_themes(*, use_cache: bool = True) -> Suggestions:
    """The suggestions for the current codebook and comments (cached until either changes)."""
    comments = unmatched_comments()
    if not use_cache or not settings.REPORT_CACHE_SECONDS:
        return cluster_comments(comments)
    newest = comments[0][0] if comments else 0
    key = f"themes:suggestions:v{CodebookState.current().version}:{newest}:{len(comments)}"
    found = cache.get(key)
    if found is None:
        found = cluster_comments(comments)
        cache.set(key, found, settings.REPORT_CACHE_SECONDS)
    return found


def cluster_comments(comments: list[tuple[int, str, str]]) -> Suggestions:
    """The clusters of these comments ((response id, language, text), in a stable order): deterministic."""
    if len(comments) < MIN_COMMENTS:
        return Suggestions(considered=len(comments))
    import numpy as np

    # Imported here: scikit-learn takes a second or two to import, which only this page should pay.
    from sklearn.decomposition import NMF  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [text for _id, _language, text in comments]
    vectorizer = TfidfVectorizer(
        lowercase=True,
        stop_words=stop_words(),
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",  # noqa: S106 - words of letters: no numbers, amounts, dates
        ngram_range=(1, 2),
        min_df=3,
        max_df=0.5,
        sublinear_tf=True,
        max_features=2_000,
        dtype=np.float64,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term left (every word a stop word, or in too few or too many comments)
        return Suggestions(considered=len(comments))
    terms = vectorizer.get_feature_names_out()
    topics = max(1, min(MAX_CLUSTERS, len(comments) // 10, len(terms) - 1))
    model = NMF(n_components=topics, init="nndsvd", random_state=0, max_iter=200)
    weights = model.fit_transform(matrix)
    strongest = weights.argmax(axis=1)
    carries = weights.max(axis=1) > 0
    clusters = []
    for topic in range(topics):
        members = np.flatnonzero((strongest == topic) & carries)
        if len(members) < MIN_CLUSTER:
            continue
        order = np.argsort(-model.components_[topic], kind="stable")[:TOP_TERMS]
        top = [str(terms[i]) for i in order if model.components_[topic][i] > 0]
        # Closest first: the comments that carry the topic most; ties by the newest. Each text once: a cluster
        # of a stock phrase ("Prima, verder geen opmerkingen.") shows it once, not five times.
        ranked = sorted((int(i) for i in members), key=lambda i: (-round(float(weights[i, topic]), 9), -comments[i][0]))
        closest = _distinct_texts(ranked, comments)[:EXAMPLES]
        languages = Counter(comments[i][1] for i in members)
        language = max(sorted(languages), key=lambda lang: languages[lang])
        clusters.append(
            Cluster(
                terms=top,
                size=len(members),
                language=language if language in Language.values else Language.DUTCH,
                examples=[Example(comments[i][0], comments[i][2]) for i in closest],
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.terms))
    return Suggestions(considered=len(comments), clusters=clusters)


def _distinct_texts(ranked: list[int], comments: list[tuple[int, str, str]]) -> list[int]:
    seen: set[str] = set()
    distinct = []
    for i in ranked:
        text = " ".join(comments[i][2].split()).casefold()
        if text not in seen:
            seen.add(text)
            distinct.append(i)
            if len(distinct) == EXAMPLES:
                break
    return distinct


# A theme from a suggestion


def suggested_name(terms: list[str]) -> str:
    name = " / ".join(terms[:2])
    return (name[:1].upper() + name[1:])[:NAME_MAX]


@dataclass(frozen=True)
class Prefill:
    name: str
    rules: list[RuleInput]


def theme_prefill(*, terms: list[str], language: str) -> Prefill:
    """A new theme's name and rules from a suggestion's top terms (as sent back by the page: checked again)."""
    if language not in Language.values:
        language = Language.DUTCH
    kept: list[str] = []
    for term in terms[:5]:
        term = " ".join(term.split()).lower()
        if term and term not in kept and not rule_problems([RuleInput(language, RuleMode.MENTION, term)]):
            kept.append(term)
    return Prefill(name=suggested_name(kept), rules=[RuleInput(language, RuleMode.MENTION, term) for term in kept])
