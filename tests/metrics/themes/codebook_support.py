"""What the codebook's tests share: the retagging requests counted, the matching engine (the real one once it
is there; until then a stand-in that matches words by prefix, negations and exclusions, enough for the editor's
preview), and comments to preview against."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from metrics.themes import engine as real_engine
from metrics.themes import tagging
from metrics.themes.engine import Hit, RuleSpec

NEGATIONS = {"niet", "geen", "nooit", "not", "no", "never", "zonder", "without"}
WORD = re.compile(r"\w+", re.UNICODE)


class StandInCodebook:
    """Matches each rule's words in order, each by prefix of a lower-cased word (what stems come to for the
    sentences of these tests); a negation word just before the phrase negates it."""

    def __init__(self, rules: list[RuleSpec]):
        self.rules = rules

    @classmethod
    def compile(cls, rules: Iterable[RuleSpec]) -> StandInCodebook:
        return cls(list(rules))

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        words = [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]
        found = []
        for rule in self.rules:
            parts = [p.rstrip("*").lower() for p in rule.phrase.split() if p.strip("*")]
            for i in range(len(words) - len(parts) + 1):
                if all(words[i + j][0].startswith(part) for j, part in enumerate(parts)):
                    negated = i > 0 and words[i - 1][0] in NEGATIONS
                    found.append(Hit(rule.theme_id, rule, words[i][1], words[i + len(parts) - 1][2], negated))
        return found

    def match(self, text: str, language: str | None = None) -> frozenset[int]:
        themes, excluded = set(), set()
        for hit in self.hits(text, language):
            if hit.rule.mode == "exclude":
                excluded.add(hit.theme_id)
            elif (hit.rule.mode == "negated") == hit.negated:
                themes.add(hit.theme_id)
        return frozenset(themes - excluded)


def engine_ready() -> bool:
    try:
        real_engine.Codebook.compile([])
    except NotImplementedError:
        return False
    return True


@pytest.fixture
def matching(monkeypatch):
    """The engine the preview uses: the real one when it is implemented, else the stand-in."""
    if not engine_ready():
        monkeypatch.setattr("metrics.themes.codebook.Codebook", StandInCodebook)


@pytest.fixture
def retags(monkeypatch) -> list[int]:
    """The codebook versions metrics.themes.tagging.retag_request raised to, one per call (the real one: its
    worker runs on commit, which these tests' transactions never reach)."""
    calls: list[int] = []
    real = tagging.retag_request

    def retag_request() -> int:
        version = real()
        calls.append(version)
        return version

    monkeypatch.setattr(tagging, "retag_request", retag_request)
    return calls


WAITING_COMMENTS = [
    "Ik moest heel lang wachten aan de telefoon.",
    "Het wachten viel mee, binnen twee minuten iemand gesproken.",
    "Vriendelijke medewerker, goed geholpen.",
    "Na drie weken wachten nog steeds niets gehoord.",
    "I had to wait for ages on the phone.",
    "De brief was onduidelijk, ik begreep niet wat ik moest doen.",
]
