"""The codebook's matching rules (contract; implemented in issue 17's engine work).

A comment is tokenised (words, with clause breaks at punctuation and at "maar"/"but"), its language detected
(nl / en), and each word stemmed with that language's Snowball stemmer. A rule's phrase is stemmed the same way
and matches when its stems occur in order within one clause (a word ending in * matches by prefix of the
lower-cased word). A negation word (niet, geen, nooit, not, no, never, without, zonder, n't...) shortly before
the phrase, or between its words, negates the mention. Per theme: MENTION rules match un-negated mentions,
NEGATED rules match negated ones only, and any EXCLUDE rule that matches keeps the theme off the comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSpec:
    theme_id: int
    language: str  # "nl" / "en"
    mode: str  # metrics.models.RuleMode value
    phrase: str


@dataclass(frozen=True)
class Hit:
    """One rule matching in a text: character offsets of the matched words (for highlighting in the preview)."""

    theme_id: int
    rule: RuleSpec
    start: int
    end: int
    negated: bool


def detect_language(text: str) -> str:
    """'nl' or 'en' (Dutch when undecided): by counting each language's common words."""
    raise NotImplementedError


class Codebook:
    """Compiled rules: build once, match many comments (the tagging of 300,000 comments is one loop)."""

    @classmethod
    def compile(cls, rules: Iterable[RuleSpec]) -> Codebook:
        raise NotImplementedError

    @classmethod
    def from_db(cls) -> Codebook:
        """The active themes' rules, in one query."""
        raise NotImplementedError

    def match(self, text: str, language: str | None = None) -> frozenset[int]:
        """The ids of the themes the text carries (language detected when None)."""
        raise NotImplementedError

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        """Every rule that matched, exclusions included, with offsets: what the live preview highlights."""
        raise NotImplementedError
