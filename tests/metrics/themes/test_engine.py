"""The matching engine (metrics.themes.engine): stems, phrases, prefix words, negations, exclusions and clause
breaks, in Dutch and English, on the kind of sentences customers write."""

import pytest

from metrics.models import RuleMode, Theme, ThemeRule
from metrics.themes.engine import Codebook, RuleSpec, detect_language, themes_of

WAITING, NOT_CALLED_BACK, FRIENDLY, QUICK, APP, LETTER = 1, 2, 3, 4, 5, 6

RULES = [
    # waiting time: stems, a prefix word, a phrase; exclusions in both languages
    RuleSpec(WAITING, "nl", RuleMode.MENTION, "wachten"),
    RuleSpec(WAITING, "nl", RuleMode.MENTION, "wachttijd"),
    RuleSpec(WAITING, "nl", RuleMode.MENTION, "wachtrij*"),
    RuleSpec(WAITING, "en", RuleMode.MENTION, "wait"),
    RuleSpec(WAITING, "en", RuleMode.MENTION, "on hold"),
    RuleSpec(WAITING, "nl", RuleMode.EXCLUDE, "wachttijd viel mee"),
    RuleSpec(WAITING, "nl", RuleMode.EXCLUDE, "geen wachttijd"),
    RuleSpec(WAITING, "en", RuleMode.EXCLUDE, "no waiting"),
    # not called back: only as negated
    RuleSpec(NOT_CALLED_BACK, "nl", RuleMode.NEGATED, "teruggebeld"),
    RuleSpec(NOT_CALLED_BACK, "nl", RuleMode.NEGATED, "bellen terug"),
    RuleSpec(NOT_CALLED_BACK, "en", RuleMode.NEGATED, "call back"),
    RuleSpec(FRIENDLY, "nl", RuleMode.MENTION, "vriendelijk"),
    RuleSpec(FRIENDLY, "en", RuleMode.MENTION, "friendly"),
    RuleSpec(QUICK, "nl", RuleMode.MENTION, "snel"),
    RuleSpec(QUICK, "en", RuleMode.MENTION, "quick"),
    RuleSpec(APP, "en", RuleMode.MENTION, "app crash*"),
    RuleSpec(APP, "nl", RuleMode.MENTION, "app vastgelopen"),
    RuleSpec(LETTER, "nl", RuleMode.MENTION, "onduidelijke brief"),
    RuleSpec(LETTER, "nl", RuleMode.MENTION, "brief begrijp niet"),  # the phrase's own negation does not negate it
]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.compile(RULES)


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        # Dutch stems: wachten / wachtte / wachttijd; a prefix word; English stems: waited / waiting
        ("Ik moest heel lang wachten.", {WAITING}),
        ("We wachtten drie weken op een reactie", {WAITING}),
        ("De wachttijd aan de telefoon was belachelijk", {WAITING}),
        ("Eindeloos in de wachtrijen gestaan", {WAITING}),
        ("I waited 40 minutes for someone to pick up", {WAITING}),
        ("Waiting, waiting and more waiting", {WAITING}),
        ("45 minutes on hold.", {WAITING}),
        ("Dutch comment with English words: ik stond 20 minuten on hold", {WAITING}),
        # negations make "not called back"
        ("Ik ben niet teruggebeld.", {NOT_CALLED_BACK}),
        ("Ze belden niet terug", {NOT_CALLED_BACK}),
        ("Ze hebben mij nooit teruggebeld", {NOT_CALLED_BACK}),
        ("Nobody called me back.", {NOT_CALLED_BACK}),
        ("They never called back", {NOT_CALLED_BACK}),
        ("They didn't call me back", {NOT_CALLED_BACK}),
        ("They didn’t call me back", {NOT_CALLED_BACK}),
        ("I was promised a call back which never came", set()),
        # without the negation there is no theme
        ("Ik werd netjes binnen een uur teruggebeld", set()),
        ("They called me back within the hour", set()),
        # exclusions veto the theme for the whole comment
        ("Geen wachttijd, meteen iemand aan de lijn", set()),
        ("De wachttijd viel mee", set()),
        ("No waiting at all, great", set()),
        ("Ik hoefde niet te wachten", set()),  # negated mention: not a mention
        # clause breaks stop a negation
        ("Niet snel, maar wel vriendelijk", {FRIENDLY}),
        ("Not quick, but friendly", {FRIENDLY}),
        ("Niet snel maar wel vriendelijk", {FRIENDLY}),
        ("Niet vriendelijk en niet snel", set()),
        # phrases: in order, at most two words between, never across a clause
        ("The app keeps crashing", {APP}),
        ("The app crashed twice", {APP}),
        ("De app is gisteren helemaal vastgelopen", set()),  # three words between
        ("De app is vastgelopen", {APP}),
        ("The app. It crashed", set()),
        ("Een onduidelijke brief", {LETTER}),
        ("De brief begrijp ik niet", {LETTER}),
        ("De brief, ik begrijp hem niet", set()),
        ("", set()),
        ("!!! ...", set()),
    ],
)
def test_match(codebook: Codebook, text: str, themes: set[int]) -> None:
    assert codebook.match(text) == themes
    assert themes_of(codebook.hits(text)) == themes


def test_hits_highlight_the_matched_words(codebook: Codebook) -> None:
    text = "Lang gewacht. Ze belden mij niet terug, maar de medewerker was vriendelijk."
    hits = codebook.hits(text)
    assert [(text[h.start : h.end], h.theme_id, h.negated) for h in hits] == [
        ("gewacht", WAITING, False),
        ("belden mij niet terug", NOT_CALLED_BACK, True),
        ("vriendelijk", FRIENDLY, False),
    ]
    assert hits[1].rule == RuleSpec(NOT_CALLED_BACK, "nl", RuleMode.NEGATED, "bellen terug")


def test_hits_include_exclusions_and_every_place(codebook: Codebook) -> None:
    text = "Wachten? De wachttijd viel mee. I waited, and waited."
    hits = codebook.hits(text)
    assert [(text[h.start : h.end], h.rule.mode) for h in hits] == [
        ("Wachten", RuleMode.MENTION),
        ("wachttijd", RuleMode.MENTION),
        ("wachttijd viel mee", RuleMode.EXCLUDE),
        ("waited", RuleMode.MENTION),
        ("waited", RuleMode.MENTION),
    ]
    assert codebook.match(text) == set()


def test_offsets_survive_case_and_accents(codebook: Codebook) -> None:
    text = "Één ding: VRIENDELIJK geholpen"
    (hit,) = codebook.hits(text)
    assert text[hit.start : hit.end] == "VRIENDELIJK"


def test_a_long_phrase_needs_backtracking() -> None:
    codebook = Codebook.compile([RuleSpec(9, "en", RuleMode.MENTION, "form photos gone")])
    # the first "photos" leaves "gone" out of reach, the second does not
    assert codebook.match("form photos x photos lost gone") == {9}
    assert codebook.match("form x x x photos gone") == set()


def test_rules_that_match_nothing_are_ignored() -> None:
    codebook = Codebook.compile(
        [RuleSpec(1, "nl", RuleMode.MENTION, "***"), RuleSpec(1, "xx", RuleMode.MENTION, "wachten")]
    )
    assert codebook.match("wachten en wachten") == set()


def test_deterministic(codebook: Codebook) -> None:
    text = "Lang gewacht, niet teruggebeld, the app crashed. Wel vriendelijk."
    first = [codebook.hits(text) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    assert Codebook.compile(RULES).hits(text) == first[0]
    assert codebook.match(text) == {WAITING, NOT_CALLED_BACK, APP, FRIENDLY}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ik moest lang wachten en niemand belde terug", "nl"),
        ("De brief was onduidelijk", "nl"),
        ("I had to wait ages and nobody called me back", "en"),
        ("The letter was unclear", "en"),
        ("Top", "nl"),  # undecided: Dutch
        ("", "nl"),
        ("Snel en vriendelijk geholpen.", "nl"),
        ("Quick and friendly service.", "en"),
        ("45 minutes on hold.", "en"),
        ("Formulier liep vast, opnieuw begonnen.", "nl"),
        # short comments: typical spellings decide when no common word does
        ("Too much paperwork.", "en"),
        ("Helped quickly.", "en"),
        ("Sorted in one call.", "en"),
        ("Great experience.", "en"),
        ("Fast service", "en"),
        ("Snelle service", "nl"),
        ("Snelle uitbetaling, top.", "nl"),
        ("Slechte ervaring.", "nl"),
        ("Wat een papierwinkel.", "nl"),
        ("Opzeggen was onnodig ingewikkeld.", "nl"),
        ("Mijn e-mail bleef dagen onbeantwoord.", "nl"),
        ("Ik kreeg een brief die ik niet begreep.", "nl"),
        ("Cancelling was made far too difficult.", "en"),
        ("The loss adjuster came 2 hours late.", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.django_db
def test_from_db_reads_the_active_themes_rules(django_assert_num_queries) -> None:
    waiting = Theme.objects.create(key="waiting-time", name_en="Waiting time", name_nl="Wachttijd")
    old = Theme.objects.create(key="old", name_en="Old", name_nl="Oud", active=False)
    ThemeRule.objects.create(theme=waiting, language="nl", mode=RuleMode.MENTION, phrase="wachttijd")
    ThemeRule.objects.create(theme=waiting, language="nl", mode=RuleMode.EXCLUDE, phrase="geen wachttijd")
    ThemeRule.objects.create(theme=old, language="nl", mode=RuleMode.MENTION, phrase="brief")
    with django_assert_num_queries(1):  # the rules of the active themes
        codebook = Codebook.from_db()
    assert codebook.match("Lange wachttijd, en een brief") == {waiting.pk}
    assert codebook.match("Geen wachttijd") == set()


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        # a negation does not reach past "waarom"/"why"/"because"...: the premium did go up
        ("Ik snap niet waarom de wachttijd zo lang is", {WAITING}),
        ("I don't know why I had to wait so long", {WAITING}),
        ("Niet teruggebeld omdat ze het druk hadden", {NOT_CALLED_BACK}),
        # an ellipsis breaks the clause like a full stop
        ("Niet snel… wel vriendelijk", {FRIENDLY}),
    ],
)
def test_negation_barriers_and_ellipsis(codebook: Codebook, text: str, themes: set[int]) -> None:
    assert codebook.match(text) == themes


def test_accents_do_not_matter_and_offsets_stay_right() -> None:
    codebook = Codebook.compile(
        [
            RuleSpec(1, "nl", RuleMode.MENTION, "in één keer geregeld"),
            RuleSpec(2, "nl", RuleMode.MENTION, "ongeinteresseerd"),
            RuleSpec(3, "en", RuleMode.NEGATED, "call back"),
        ]
    )
    assert codebook.match("Alles in een keer geregeld") == {1}
    assert codebook.match("Alles in één keer geregeld") == {1}
    text = "Ze deed ongeïnteresseerd. They didn’t call back."
    assert [(text[h.start : h.end], h.theme_id) for h in codebook.hits(text)] == [
        ("ongeïnteresseerd", 2),
        ("call back", 3),
    ]
