"""The redactor on realistic verbatims: personal data replaced by its marker, the numbers around it kept."""

from __future__ import annotations

import pytest

from metrics.privacy.redaction import KINDS, Redactor, bsn_valid, iban_valid

from .verbatims import LOOK_ALIKES, POSITIVES

EVERYTHING = Redactor(KINDS)


def test_the_test_set_is_large_enough_in_both_languages():
    assert len(POSITIVES) + len(LOOK_ALIKES) >= 40


@pytest.mark.parametrize(("text", "stored"), POSITIVES, ids=[text[:40] for text, _stored in POSITIVES])
def test_personal_data_is_replaced_by_its_marker(text, stored):
    assert EVERYTHING(text) == stored


@pytest.mark.parametrize("text", LOOK_ALIKES, ids=[text[:40] for text in LOOK_ALIKES])
def test_numbers_that_are_not_personal_data_are_kept(text):
    assert EVERYTHING(text) == text


def test_only_the_chosen_kinds_are_redacted():
    text = "Mail jan@voorbeeld.nl of bel 06-12345678, IBAN NL91ABNA0417164300"
    assert Redactor(["email"])(text) == "Mail [e-mail] of bel 06-12345678, IBAN NL91ABNA0417164300"
    assert Redactor(["phone", "iban"])(text) == "Mail jan@voorbeeld.nl of bel [phone], IBAN [IBAN]"
    assert Redactor([])(text) == text
    assert not Redactor([])


def test_kept_values_are_not_redacted_where_they_occur():
    text = "https://example.org/s?email=jan@voorbeeld.nl&r=1 en mail piet@voorbeeld.nl"
    assert EVERYTHING(text, keep={"jan@voorbeeld.nl"}) == (
        "https://example.org/s?email=jan@voorbeeld.nl&r=1 en mail [e-mail]"
    )


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="names"):
        Redactor(["names"])


@pytest.mark.parametrize(
    ("iban", "valid"),
    [("NL91ABNA0417164300", True), ("NL91ABNA0417164301", False), ("GB82WEST12345698765432", True), ("NL91", False)],
)
def test_iban_check(iban, valid):
    assert iban_valid(iban) is valid


@pytest.mark.parametrize(
    ("number", "valid"), [("111222333", True), ("123456782", True), ("123456789", False), ("000000000", False)]
)
def test_bsn_eleven_test(number, valid):
    assert bsn_valid(number) is valid
