"""The codebook's matching rules: Snowball stems, phrases, negations and exclusions, compiled once per codebook.

A comment is tokenised into words (Unicode letters and digits; an apostrophe inside a word is kept, so "didn't" is
one word), lower-cased and its accents taken off ("één" is "een", "oké" "oke"). It is cut into clauses at
. , ; : ! ? … and at the words "maar", "echter", "but" and "however"; a rule never matches across a clause break,
and a negation never reaches across one.

A rule's phrase is tokenised the same way and each word stemmed with the Snowball stemmer of the rule's language;
a word ending in * matches every word that starts with it ("wacht*": wachten, wachttijd, wachtrij), on the
lower-cased word itself, not its stem. A phrase matches when its words occur in this order within one clause, with
at most two other words between consecutive phrase words (Dutch separable verbs: "belden niet terug" matches
"bellen terug"; "called me back" matches "called back").

Negation: a negation word (nl: niet, geen, nooit, nergens, niemand, niets, zonder, noch, amper, nauwelijks; en:
not, no, never, nobody, nothing, none, without, nor, hardly, barely and every n't form: didn't, can't, won't...)
among the three words before the phrase in its clause, or between its words, negates the mention. A negation word
that is itself one of the phrase's words ("geen antwoord") does not negate it, and a negation does not reach past
a word that starts a subordinate clause of reason or contrast (waarom, omdat, want, hoewel, terwijl, why, because,
although, though, while, whereas: "ik snap niet waarom mijn premie omhoog ging" mentions the premium going up).
The negation words of both languages count in every comment (none is an ordinary word in the other language).

Per theme: a MENTION rule matches un-negated mentions, a NEGATED rule negated mentions only ("niet teruggebeld",
"never called back"), and an EXCLUDE rule (negation ignored) that matches anywhere keeps the theme off the comment
("geen wachttijd", "de wachttijd viel mee").

Languages. Every rule applies to every comment, each on the comment stemmed with the rule's own language: Dutch
comments use English words ("app", "on hold", "crasht") and a comment can mix both languages, and a comment's
detected language is only a guess on short texts. The cost is one stem per word per language, cached per word (the
vocabulary of comments is small), so a word costs one dictionary look-up whatever the number of rules. The
language detected (`detect_language`: common words and typical spellings, Dutch when undecided) is what the
verbatim is stored and searched with; it does not change which rules apply. Editors avoid single words that are false friends between
the two languages (Dutch "brief" is a letter, English "brief" is short): a phrase is safer.

Speed: rules are indexed by the stem of their first word, and first words with a * by the lower-cased words they
match (found once per distinct word and cached), so a word's candidate rules are one look-up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

MENTION = "mention"  # metrics.models.RuleMode values (not imported: the engine runs without Django)
NEGATED = "negated"
EXCLUDE = "exclude"
MODES = (MENTION, NEGATED, EXCLUDE)
LANGUAGES = ("nl", "en")
STEMMER_NAMES = {"nl": "dutch", "en": "english"}

MAX_GAP = 2  # other words allowed between two consecutive words of a phrase
NEGATION_REACH = 3  # a negation word this many words before a phrase negates it
CACHE_LIMIT = 100_000  # distinct words remembered (stems and candidate rules), some 35 MB at most; cleared when full

_WORD = r"[^\W_]+(?:['’][^\W_]+)*"
WORD_RE = re.compile(_WORD)
TOKEN_RE = re.compile(rf"(?P<w>{_WORD})|(?P<b>[.,;:!?…]+)")
PHRASE_WORD_RE = re.compile(rf"({_WORD})(\*?)")
CLAUSE_PUNCTUATION_RE = re.compile(r"[.,;:!?…]+")

CLAUSE_WORDS = frozenset({"maar", "echter", "but", "however"})
NEGATIONS = frozenset(
    {
        # Dutch
        "niet",
        "geen",
        "nooit",
        "nergens",
        "niemand",
        "niets",
        "niks",
        "zonder",
        "noch",
        "amper",
        "nauwelijks",
        # English
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "none",
        "nor",
        "neither",
        "without",
        "hardly",
        "barely",
        "cannot",
        # n't forms typed without the apostrophe ("wont" and "cant" are left out: ordinary words too)
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "werent",
        "havent",
        "hasnt",
        "hadnt",
        "couldnt",
        "wouldnt",
        "shouldnt",
        "arent",
    }
)


def _words(text: str) -> list[str]:
    return text.split()


# Common words that are frequent in one language and not words of the other ("in", "was", "is", "me", "we" are
# both): two points each.
_COMMON_NL = _words(
    "de het een en ik je jij u niet van op te dat die met voor mijn ze zij wel maar er ook nog geen heb hebben "
    "werd wordt word ben zijn bij naar om al nu dan als hoe wat wie waar toen kon kan moest moet heel erg veel "
    "weer keer door mij mijn wij ons onze jullie hun hij dit deze daar hier nooit niets iemand niemand zonder "
    "toch echt gewoon snel lang duurde goed slecht zeer prima alles alleen helaas jammer bedankt dank graag "
    "tevreden ontevreden geholpen na pas snelle vriendelijk vriendelijke medewerker brief wachten gebeld telefoon "
    "klant uitleg"
)
_COMMON_EN = _words(
    "the a and i you not of on to that with for my they she he it its but also still no have has had been were "
    "would could should can this these there here never nothing someone nobody without really very just quick "
    "long took me we our us your their them what who when how where why again time times did didn't don't "
    "wasn't got get after from too much so well done everything all by out up great good nice made far am are "
    "be one any some thank thanks please experience fast slow easy helpful friendly staff agent letter waiting "
    "waited called back phone went as disappointing disappointed"
)
_LANGUAGE_SCORE = {w: 2 for w in _COMMON_NL} | {w: -2 for w in _COMMON_EN}
for _w in set(_COMMON_NL) & set(_COMMON_EN):  # a word common to both counts for neither
    _LANGUAGE_SCORE[_w] = 0
# Spellings of one language, one point for a word that has any (and none of the other's): Dutch ij, sch, aa, uu,
# oe, ui; English th, wh, ck, sh, ea, y, -ly, -tion.
_DUTCH_SPELLING = re.compile(r"ij|sch|aa|uu|oe|(?<![qgb])ui")
_ENGLISH_SPELLING = re.compile(r"th|wh|ck|sh|ea|y|ly$|tion$")
_SPELLING_CACHE: dict[str, int] = {}


def _spelling_score(word: str) -> int:
    score = _SPELLING_CACHE.get(word)
    if score is None:
        score = bool(_DUTCH_SPELLING.search(word)) - bool(_ENGLISH_SPELLING.search(word))
        if len(_SPELLING_CACHE) >= CACHE_LIMIT:
            _SPELLING_CACHE.clear()
        _SPELLING_CACHE[word] = score
    return score


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
    """'nl' or 'en' (Dutch when undecided): by counting each language's common words (two points each) and, for
    the other words, each language's typical spellings (one point)."""
    score = 0
    get = _LANGUAGE_SCORE.get
    for word in WORD_RE.findall(fold(text.lower())):
        points = get(word)
        score += _spelling_score(word) if points is None else points
    return "en" if score < 0 else "nl"


# Words after which a negation before them no longer reaches: "ik snap niet waarom mijn premie omhoog ging" is a
# premium that went up, "I don't know why they called back" a call back.
NEGATION_BARRIERS = frozenset(
    {"waarom", "omdat", "want", "hoewel", "terwijl", "why", "because", "although", "though", "while", "whereas"}
)
NEGATES, BARRIER = 1, 2
_NEGATION_KIND = {w: NEGATES for w in NEGATIONS} | {w: BARRIER for w in NEGATION_BARRIERS}


def _fold_table() -> dict[int, str]:
    table = {ord("’"): "'"}
    for code in range(0xC0, 0x250):  # Latin-1 and Latin Extended-A/B: é -> e, ï -> i, ø stays
        decomposed = unicodedata.normalize("NFD", chr(code))
        base, marks = decomposed[0], decomposed[1:]
        if marks and base.isascii() and all(unicodedata.combining(mark) for mark in marks):
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Accents off and the typographic apostrophe made plain, one character for one (offsets stay right):
    "één" is "een", "geïnteresseerd" "geinteresseerd", "didn’t" "didn't"."""
    return text if text.isascii() else text.translate(_FOLD)


def is_negation(word: str) -> bool:
    """A lower-cased word that negates what follows it (see the module docstring)."""
    return word in NEGATIONS or word.endswith("n't")


def tokenise(text: str) -> list[list[tuple[str, int, int]]]:
    """The text's clauses, each a list of (lower-cased word, start, end) with offsets into `text`."""
    clauses: list[list[tuple[str, int, int]]] = [[]]
    for m in TOKEN_RE.finditer(text):
        word = m.group("w")
        if word is None or word.lower() in CLAUSE_WORDS:
            if clauses[-1]:
                clauses.append([])
            continue
        clauses[-1].append((fold(word.lower()), m.start(), m.end()))
    if not clauses[-1]:
        clauses.pop()
    return clauses


def _clauses(text: str) -> Iterator[list[str]]:
    """The text's clauses as lists of lower-cased words (no offsets: the fast path of `Codebook.match`)."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.translate(_FOLD)
    for part in CLAUSE_PUNCTUATION_RE.split(lowered):
        words = WORD_RE.findall(part)
        if not words:
            continue
        if CLAUSE_WORDS.isdisjoint(words):
            yield words
            continue
        clause: list[str] = []
        for word in words:
            if word in CLAUSE_WORDS:
                if clause:
                    yield clause
                clause = []
            else:
                clause.append(word)
        if clause:
            yield clause


_STEMMERS: dict[str, Any] = {}


def stemmer(language: str) -> Any:  # snowballstemmer's class (PyStemmer's when installed)
    if language not in _STEMMERS:
        _STEMMERS[language] = snowballstemmer.stemmer(STEMMER_NAMES[language])
    return _STEMMERS[language]


class _Rule:
    """A compiled rule: its words as (is_prefix, stem or prefix), and the index of its language's stem."""

    __slots__ = ("index", "mode", "single", "spec", "theme_id", "words")

    def __init__(self, spec: RuleSpec, index: int, words: tuple[tuple[bool, str], ...]) -> None:
        self.spec = spec
        self.theme_id = spec.theme_id
        self.mode = spec.mode
        self.index = index  # the language's position in LANGUAGES: which stem of a word this rule compares with
        self.words = words
        self.single = len(words) == 1


# A cached word: its stem per language (in LANGUAGES order) and the rules whose first word it matches.
_Entry = tuple[tuple[str, ...], tuple[_Rule, ...]]


class Codebook:
    """Compiled rules: build once, match many comments (the tagging of 300,000 comments is one loop)."""

    def __init__(self, rules: Sequence[_Rule]) -> None:
        self.rules = tuple(rules)
        self.theme_ids = frozenset(r.spec.theme_id for r in self.rules)
        self._by_stem: dict[tuple[int, str], list[_Rule]] = {}
        self._prefixed: list[_Rule] = []
        for rule in self.rules:
            is_prefix, value = rule.words[0]
            if is_prefix:
                self._prefixed.append(rule)
            else:
                self._by_stem.setdefault((rule.index, value), []).append(rule)
        self._languages = tuple(sorted({r.index for r in self.rules}))
        self._cache: dict[str, _Entry] = {}

    @classmethod
    def compile(cls, rules: Iterable[RuleSpec]) -> Codebook:
        compiled = []
        for spec in rules:
            if spec.language not in STEMMER_NAMES or spec.mode not in MODES:
                continue
            words = []
            for word, star in PHRASE_WORD_RE.findall(fold(spec.phrase.lower())):
                if word in CLAUSE_WORDS:
                    continue
                if star:
                    words.append((True, word))
                else:
                    words.append((False, stemmer(spec.language).stemWord(word)))
            if not words:
                continue  # nothing to match ("***")
            compiled.append(_Rule(spec, LANGUAGES.index(spec.language), tuple(words)))
        return cls(compiled)

    @classmethod
    def from_db(cls) -> Codebook:
        """The active themes' rules, in one query."""
        from metrics.models import ThemeRule

        rows = (
            ThemeRule.objects.filter(theme__active=True)
            .order_by("theme_id", "position", "id")
            .values_list("theme_id", "language", "mode", "phrase")
        )
        return cls.compile(RuleSpec(t, lang, mode, phrase) for t, lang, mode, phrase in rows)

    # -- the per-word cache ------------------------------------------------------------------------------------

    def _entry(self, word: str) -> _Entry:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        stems = tuple(
            stemmer(lang).stemWord(word) if i in self._languages else word for i, lang in enumerate(LANGUAGES)
        )
        candidates: list[_Rule] = []
        for index in self._languages:
            candidates.extend(self._by_stem.get((index, stems[index]), ()))
        candidates.extend(r for r in self._prefixed if word.startswith(r.words[0][1]))
        entry = (stems, tuple(candidates))
        self._cache[word] = entry
        return entry

    # -- matching ----------------------------------------------------------------------------------------------

    def _matches(
        self, words: list[str], found: set[int] | None = None, excluded: set[int] | None = None
    ) -> Iterator[tuple[_Rule, list[int], bool]]:
        """Every (rule, positions of its words, negated) in one clause, for every position its first word is at.
        A rule is reported when it counts: MENTION un-negated, NEGATED negated, EXCLUDE always. With `found` and
        `excluded` (themes already decided), rules that cannot change the answer are skipped."""
        cache = self._cache
        entries = []
        any_candidate = False
        for word in words:
            entry = cache.get(word)
            if entry is None:
                entry = self._entry(word)
            if entry[1]:
                any_candidate = True
            entries.append(entry)
        if not any_candidate:
            return
        negations: list[int] | None = None
        n = len(words)
        for i, (_stems, candidates) in enumerate(entries):
            for rule in candidates:
                mode = rule.mode
                if excluded is not None and (
                    rule.theme_id in excluded or (mode != EXCLUDE and rule.theme_id in found)  # type: ignore[operator]
                ):
                    continue
                if rule.single:
                    positions = [i]
                else:
                    rest = _rest(rule, 1, i, words, entries, n)
                    if rest is None:
                        continue
                    positions = [i, *rest]
                if mode == EXCLUDE:
                    yield rule, positions, False
                    continue
                if negations is None:
                    negations = [_NEGATION_KIND.get(w) or (NEGATES if w.endswith("n't") else 0) for w in words]
                negated = False
                for j in range(i - 1, max(-1, i - 1 - NEGATION_REACH), -1):
                    if negations[j]:
                        negated = negations[j] == NEGATES
                        break
                if not negated and not rule.single:
                    inside = set(positions)
                    negated = any(negations[j] == NEGATES for j in range(i + 1, positions[-1]) if j not in inside)
                if negated == (mode == NEGATED):
                    yield rule, positions, negated

    def match(self, text: str, language: str | None = None) -> frozenset[int]:
        """The ids of the themes the text carries (language detected when None; rules of both languages apply,
        see the module docstring, so the language does not change the result)."""
        if not text or not self.rules:
            return frozenset()
        found: set[int] = set()
        excluded: set[int] = set()
        for words in _clauses(text):
            for rule, _positions, _negated in self._matches(words, found, excluded):
                if rule.mode == EXCLUDE:
                    excluded.add(rule.theme_id)
                else:
                    found.add(rule.theme_id)
        return frozenset(found - excluded) if excluded else frozenset(found)

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        """Every rule that matched, exclusions included, with offsets: what the live preview highlights.

        A hit is a rule counting as its mode says (a MENTION un-negated, a NEGATED negated, an EXCLUDE anywhere),
        once per place in the text, in the order of the text; `start`/`end` span its first to its last word.
        The themes the text carries are those with a MENTION or NEGATED hit and no EXCLUDE hit (`themes_of`)."""
        if not text or not self.rules:
            return []
        found = []
        for clause in tokenise(text):
            words = [w for w, _s, _e in clause]
            for rule, positions, negated in self._matches(words):
                start, end = clause[positions[0]][1], clause[positions[-1]][2]
                found.append(Hit(rule.spec.theme_id, rule.spec, start, end, negated))
        found.sort(key=lambda h: (h.start, h.end))
        return found


def themes_of(hits: Iterable[Hit]) -> frozenset[int]:
    """The themes a text carries, from its hits (the same answer as `Codebook.match`)."""
    hits = list(hits)
    excluded = {h.theme_id for h in hits if h.rule.mode == EXCLUDE}
    return frozenset(h.theme_id for h in hits if h.rule.mode != EXCLUDE and h.theme_id not in excluded)


def _rest(rule: _Rule, k: int, at: int, words: list[str], entries: list[_Entry], n: int) -> list[int] | None:
    """The positions of the rule's words from its k-th on, the (k-1)-th being at `at` (backtracking: the first
    fit of a word may leave no room for the next)."""
    is_prefix, value = rule.words[k]
    index = rule.index
    last = k == len(rule.words) - 1
    for j in range(at + 1, min(n, at + 2 + MAX_GAP)):
        if words[j].startswith(value) if is_prefix else entries[j][0][index] == value:
            if last:
                return [j]
            rest = _rest(rule, k + 1, j, words, entries, n)
            if rest is not None:
                return [j, *rest]
    return None
