"""Minimise at the door: personal data that a respondent wrote into a verbatim comment (an e-mail address, a
phone number, an IBAN, a citizen service number, a postcode with a house number) is replaced by a marker
(`[e-mail]`, `[phone]`, `[IBAN]`, `[BSN]`, `[address]`) before the comment is stored; the original is never
written anywhere.

Each kind is found by a loose pattern and then *validated*, so that the numbers a comment is full of stay: an
IBAN must pass mod-97, a BSN the 11-test, a phone number must have the length of a real one (ten digits in the
Netherlands, 8-15 with an international prefix). Amounts, dates, times, years, percentages, scores and ticket
or order numbers fail those checks and are kept. A comment without a digit and without "@" is returned at once
(most are): the ingest's fast path stays fast.

`Redactor(kinds)` is built once per ingest; `redactor(text)` redacts one comment. `keep`: values that are not redacted
(a payload's identifiers, see metrics.privacy.payloads): a match that is exactly one of them stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PHONE = "phone"
IBAN = "iban"
BSN = "bsn"
ADDRESS = "address"
KINDS: tuple[str, ...] = (EMAIL, IBAN, PHONE, BSN, ADDRESS)  # also the order in which they claim text
MARKERS: dict[str, str] = {
    EMAIL: "[e-mail]",
    PHONE: "[phone]",
    IBAN: "[IBAN]",
    BSN: "[BSN]",
    ADDRESS: "[address]",
}

KIND_LABELS: dict[str, str | Promise] = {
    EMAIL: _("E-mail addresses"),
    PHONE: _("Phone numbers"),
    IBAN: _("Bank account numbers (IBAN)"),
    BSN: _("Citizen service numbers (BSN)"),
    ADDRESS: _("Postcodes with house numbers"),
}
KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in (EMAIL, PHONE, IBAN, BSN, ADDRESS)]

Span = tuple[int, int]

_MAYBE = re.compile(r"[0-9@]")

_EMAIL = re.compile(
    r"(?<![\w.+'-])[\w.%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)

# Two letters, two check digits, then the account in groups of four (spaced or not) and a short last group.
_IBAN = re.compile(r"(?<![\w-])([A-Za-z]{2}\d{2})((?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)(?![\w])")

# A phone number's start (+CC, 00CC, (0AA), 0) and then digits, each optionally after one separator; the longest
# prefix that has a real number's length is taken (a date or a word may follow).
_PHONE = re.compile(
    r"(?<![\w#/.,+\-€$£])(?:\+\d{1,3}|\(0\d{1,4}\)|0)"
    r"(?:[ \-.]?(?:\(0\)|\(\d{1,4}\)|\d)){6,16}"
)
_PHONE_TOKEN = re.compile(r"\(0\)|\(\d{1,4}\)|\d")

_BSN = re.compile(r"(?<![\w#/.,\-€$£])(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}([ .\-])\d{3}\2\d{3})(?![\w]|[.,\-]\d)")

# Dutch postcode: four digits (no leading zero), two letters; uppercase, or lowercase when not a common word
# ("in 2023 en 2024" is no address).
_POSTCODE = r"[1-9]\d{3}[ ]?(?P<letters>[A-Za-z]{2})(?![\w])"
_HOUSE_NUMBER = r"(?:(?:nr|no|nummer|huisnummer)\.?[ ]?)?\d{1,5}(?:[ ]?-?[ ]?[A-Za-z]{1,2}(?![\w])|-\d{1,4})?(?![\w])"
_ADDRESS_AFTER = re.compile(r"(?<![\w])" + _POSTCODE + r"(?:,[ ]?|[ ])" + _HOUSE_NUMBER, re.IGNORECASE)
_ADDRESS_BEFORE = re.compile(
    r"(?<![\w])(?:[A-Z][\w'’-]*[ ])?[A-Z][\w'’-]+[ ]\d{1,5}(?:[ ]?-?[ ]?[A-Za-z]{1,2}(?![\w])|-\d{1,4})?,?[ ]"
    r"(?P<postcode>[1-9]\d{3}[ ]?(?P<letters>[A-Za-z]{2}))(?![\w])"
)
_NOT_POSTCODE_LETTERS = frozenset(
    [
        "en",
        "in",
        "op",
        "of",
        "om",
        "te",
        "to",
        "at",
        "on",
        "is",
        "as",
        "an",
        "or",
        "by",
        "bij",
        "af",
        "al",
        "na",
        "nu",
        "uw",
        "we",
        "wy",
        "my",
        "me",
        "he",
        "it",
        "so",
        "no",
        "do",
        "up",
        "us",
    ]
) | {"sa", "sd", "ss"}


def iban_valid(compact: str) -> bool:
    """ISO 13616: letters to numbers (A=10 ... Z=35), the first four characters moved to the end, mod 97 = 1."""
    if not 15 <= len(compact) <= 34:
        return False
    moved = (compact[4:] + compact[:4]).upper()
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def bsn_valid(digits: str) -> bool:
    """The 11-test of a citizen service number: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def phone_digits_valid(tokens: list[str]) -> bool:
    """Whether the tokens ("+31", digits, "(0)", "(020)") read as a phone number of a real length: ten digits
    in the Netherlands (0800/0900 numbers: 8 to 11), nine after +31 or 0031 (a trunk 0 left out), 8 to 15 after
    another country code."""
    digits = "".join(t.strip("()") for t in tokens if t != "(0)")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+31"):
        rest = digits[3:]
        rest = rest[1:] if rest.startswith("0") else rest
        return len(rest) == 9 and rest[0] != "0"
    if digits.startswith("+"):
        return 8 <= len(digits) - 1 <= 15
    if not digits.startswith("0") or digits.startswith("00"):
        return False
    if digits[:4] in ("0800", "0900", "0906", "0909"):
        return 8 <= len(digits) <= 11
    return len(digits) == 10


class Redactor:
    """Redacts the `kinds` (a subset of KINDS) of a text; callable, built once per ingest."""

    __slots__ = ("_finders", "kinds")

    def __init__(self, kinds: Iterable[str]) -> None:
        chosen = set(kinds)
        unknown = chosen - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds of personal data: {sorted(unknown)}")
        self.kinds = frozenset(chosen)
        finders = {EMAIL: _emails, IBAN: _ibans, PHONE: _phones, BSN: _bsns, ADDRESS: _addresses}
        self._finders: list[tuple[str, Callable[[str], Iterable[Span]]]] = [
            (kind, finders[kind]) for kind in KINDS if kind in chosen
        ]

    def __bool__(self) -> bool:
        return bool(self._finders)

    def __call__(self, text: str, *, keep: Collection[str] = ()) -> str:
        if not self._finders or not _MAYBE.search(text):
            return text
        return self.redact(text, keep=keep)

    def redact(self, text: str, *, keep: Collection[str] = ()) -> str:
        claimed: list[tuple[int, int, str]] = []

        def free(start: int, end: int) -> bool:
            return not any(start < e and s < end for s, e, _kind in claimed) and text[start:end] not in keep

        for kind, find in self._finders:
            for start, end in find(text):
                if free(start, end):
                    claimed.append((start, end, kind))
        if not claimed:
            return text
        claimed.sort()
        parts: list[str] = []
        at = 0
        for start, end, kind in claimed:
            parts.append(text[at:start])
            parts.append(MARKERS[kind])
            at = end
        parts.append(text[at:])
        return "".join(parts)

    def found(self, text: str) -> list[str]:
        """The kinds found in `text`, in order (for tests and the preview)."""
        redacted = self.redact(text)
        return [kind for kind in KINDS for _ in range(redacted.count(MARKERS[kind]))]


def _emails(text: str) -> Iterable[Span]:
    if "@" not in text:
        return ()
    return [m.span() for m in _EMAIL.finditer(text)]


def _ibans(text: str) -> Iterable[Span]:
    spans: list[Span] = []
    for m in _IBAN.finditer(text):
        head, body = m.group(1), m.group(2)
        # Try the whole candidate, then without its trailing groups (a word or number may follow an IBAN).
        pieces = re.findall(r"[ ]?[A-Za-z0-9]+", body)
        for count in range(len(pieces), 0, -1):
            compact = head + "".join(pieces[:count]).replace(" ", "")
            if iban_valid(compact):
                end = m.start(2) + len("".join(pieces[:count]))
                spans.append((m.start(), end))
                break
    return spans


def _phones(text: str) -> Iterable[Span]:
    spans: list[Span] = []
    for m in _PHONE.finditer(text):
        if _DATE_START.match(text, m.start()):
            continue
        tokens: list[tuple[str, int]] = []
        at = m.start()
        if text[at] == "+":
            code = re.match(r"\+\d{1,3}", text[at:])
            assert code is not None
            tokens.append((code.group(), at + code.end()))
            at += code.end()
        tokens += [(t.group(), t.end()) for t in _PHONE_TOKEN.finditer(text, at, m.end())]
        # The longest prefix that ends a group (not inside a number, a time or a date) and has a real length.
        for count in range(len(tokens), 1, -1):
            end = tokens[count - 1][1]
            if not _cut_ok(text, end) or _single_digits(text[m.start() : end]) > 2:
                continue
            if phone_digits_valid([t for t, _e in tokens[:count]]):
                spans.append((m.start(), end))
                break
    return spans


_DATE_START = re.compile(r"\d{1,2}([-./])\d{1,2}\1\d{2,4}")


def _single_digits(candidate: str) -> int:
    """Groups of one digit: a phone number has one at most ("+31 6 ..."); a row of scores has many."""
    return sum(1 for piece in re.split(r"[ \-.]", candidate) if len(piece) == 1 and piece.isdigit())


def _cut_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    after = text[end]
    if after.isalnum():
        return False
    return not (after in ":.,/-" and end + 1 < len(text) and text[end + 1].isdigit())


def _bsns(text: str) -> Iterable[Span]:
    return [m.span() for m in _BSN.finditer(text) if bsn_valid(re.sub(r"\D", "", m.group(1)))]


def _postcode_letters_ok(letters: str) -> bool:
    return letters.isupper() or letters.lower() not in _NOT_POSTCODE_LETTERS


def _addresses(text: str) -> Iterable[Span]:
    spans = [m.span() for m in _ADDRESS_BEFORE.finditer(text) if _postcode_letters_ok(m.group("letters"))]
    for m in _ADDRESS_AFTER.finditer(text):
        if _postcode_letters_ok(m.group("letters")) and not any(s <= m.start() < e for s, e in spans):
            spans.append(m.span())
    return spans


def all_kinds() -> list[str]:
    """A new survey source's kinds: every one (the model field's default)."""
    return [kind for kind, _label in KIND_CHOICES]


def clean_kinds(value: object, *, field: str = "redact_kinds") -> list[str]:
    """A list of kinds in their canonical order; ValidationError keyed by `field` for anything else. An empty
    list is "off": for a tool that redacts comments itself."""
    if value is None:
        return all_kinds()
    if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(kind, str) for kind in value):
        raise ValidationError({field: _("Give a list of kinds of personal data.")})
    unknown = sorted(set(value) - set(KINDS))
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown kinds: %(names)s (known: %(known)s).")
                % {"names": ", ".join(unknown), "known": ", ".join(all_kinds())}
            }
        )
    return [kind for kind in all_kinds() if kind in value]


def default_redactor() -> Redactor:
    """The redactor of the API and the file imports (settings.PII_REDACT)."""
    return Redactor(settings.PII_REDACT)


def redactor_for(kinds: Iterable[str] | None) -> Redactor:
    """A source's kinds (None: the default of PII_REDACT)."""
    return default_redactor() if kinds is None else Redactor(k for k in kinds if k in KINDS)
