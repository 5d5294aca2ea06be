"""The starter codebook (metrics.themes.starter): what its themes find, and do not find, in realistic Dutch and
English comments; loading it into the database."""

import pytest

from cxplatform.audit.models import AuditEvent
from metrics.models import CodebookState, RuleMode, Sentiment, Theme, ThemeRule
from metrics.themes.engine import Codebook, RuleSpec, detect_language
from metrics.themes.starter import STARTER_THEMES, load_starter_codebook

KEYS = [t.key for t in STARTER_THEMES]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.compile(
        RuleSpec(index, language, mode, phrase)
        for index, theme in enumerate(STARTER_THEMES)
        for language, mode, phrase in theme.rules
    )


def themes(codebook: Codebook, text: str) -> set[str]:
    return {KEYS[i] for i in codebook.match(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Snel en vriendelijk geholpen.", {"friendly-staff", "quick-handling"}),
        ("Quick and friendly service.", {"friendly-staff", "quick-handling"}),
        ("Duidelijke uitleg, dank je wel!", {"clear-information"}),
        ("The app made it really easy.", {"easy-app"}),
        ("Prima geregeld, zonder gedoe.", {"sorted-first-time"}),
        ("Helpful agent, sorted in one call.", {"friendly-staff", "sorted-first-time"}),
        ("Ging wel, maar het kan sneller.", {"slow-handling"}),
        ("OK, but the letter was hard to read.", {"unclear-letter"}),
        ("Redelijk, niets bijzonders. =>", set()),
        ("Lang in de wacht gestaan.", {"waiting-time"}),
        ("I had to explain my story three times.", {"repeat-story"}),
        ("Niemand vertelde me hoe het met mijn schade stond.", {"no-status"}),
        ("Te veel papierwerk.", {"extra-documents"}),
        ("The premium went up without any explanation.", {"no-explanation", "premium-price"}),
        ("Nobody called me back.", {"not-called-back"}),
        ("Drie keer doorverbonden voordat iemand mijn schade kon opnemen.", {"passed-around"}),
        ("45 minutes on hold.", {"waiting-time"}),
        ("Weer een brief om nog een document, waarom niet alles in één keer?", {"extra-documents"}),
        ("The app form timed out and my photos were gone.", {"form-problems"}),
        ("Formulier liep vast, opnieuw begonnen.", {"form-problems"}),
        ("Ik ben na drie dagen nog steeds niet teruggebeld.", {"not-called-back"}),
        ("Ze zouden me terugbellen maar dat is nooit gebeurd.", {"not-called-back"}),
        ("Ze belden niet terug en de wachttijd was 40 minuten.", {"not-called-back", "waiting-time"}),
        ("De wachttijd viel mee en de medewerker was erg vriendelijk.", {"friendly-staff"}),
        ("Geen wachttijd, meteen iemand aan de lijn. =>", set()),
        ("No waiting at all, the agent was lovely and sorted it.", {"sorted-first-time"}),
        ("They never called me back, even though they promised.", {"not-called-back"}),
        ("I was called back within the hour, great service.", {"quick-handling"}),
        ("De brief was onduidelijk en vol met vakjargon.", {"jargon", "unclear-letter"}),
        ("I couldn't understand the letter, full of article numbers.", {"jargon", "unclear-letter"}),
        ("De app crashte elke keer als ik foto's wilde uploaden.", {"app-crashes"}),
        ("The app keeps crashing when I upload photos.", {"app-crashes"}),
        ("Ik kon niet inloggen, de activeringscode kwam pas na een week per post.", {"login-website", "slow-handling"}),
        ("I couldn't log in and the password reset didn't work.", {"login-website"}),
        ("De medewerker was kortaf en nam me niet serieus.", {"rude-staff"}),
        ("The agent was rude and hung up on me.", {"rude-staff"}),
        ("Niet snel, maar wel vriendelijk.", {"friendly-staff", "slow-handling"}),
        ("Mijn claim werd afgewezen zonder uitleg.", {"claim-rejected", "no-explanation"}),
        ("My claim was rejected, apparently water damage isn't covered.", {"claim-rejected"}),
        ("Mijn premie is weer omhoog gegaan terwijl nieuwe klanten korting krijgen.", {"premium-price"}),
        ("I've been a customer for twenty years and new customers get a better deal.", {"premium-price"}),
        ("Op mijn e-mail kreeg ik nooit een reactie.", {"no-reply"}),
        ("I sent three emails and never heard back.", {"no-reply"}),
        ("Het geld is na zes weken nog steeds niet uitbetaald.", {"payment-delay", "slow-handling"}),
        ("Telefonisch alleen bereikbaar tijdens kantooruren, dat is lastig als je werkt.", {"availability"}),
        ("Nobody picked up the phone in the evening.", {"availability"}),
        ("Ik wil gewoon een vast contactpersoon in plaats van een chatbot.", {"personal-contact"}),
        ("Ik had geen idee hoe het ervoor stond met mijn claim.", {"no-status"}),
        ("Nobody kept me informed about my claim.", {"no-status"}),
        ("The adjuster explained everything clearly and I knew where I stood.", {"clear-information"}),
        ("De expert legde alles duidelijk uit.", {"clear-information"}),
        ("Het duurde zes weken voordat de schade-expert kwam.", {"slow-handling"}),
        ("It took weeks before anyone looked at my claim.", {"slow-handling"}),
        ("Wat een gedoe, steeds weer nieuwe documenten opsturen.", {"extra-documents"}),
        ("They asked for more documents three times, why not ask everything at once?", {"extra-documents"}),
        ("Van het kastje naar de muur gestuurd.", {"passed-around"}),
        ("I was transferred four times.", {"passed-around"}),
        ("Mijn vriend raadde jullie aan. =>", set()),
        ("My friend recommended you. =>", set()),
        ("Very user-friendly app.", {"easy-app"}),
        ("De app is heel handig, schade gemeld in vijf minuten.", {"easy-app"}),
        ("De app werkt niet meer sinds de update.", {"app-crashes"}),
        ("Ik moest mijn verhaal steeds opnieuw vertellen.", {"repeat-story"}),
        ("Still waiting for my money after six weeks.", {"payment-delay", "waiting-time"}),
        ("I just want to speak to a real person, not an app.", {"personal-contact"}),
        ("Het duurde te lang en het is ook nog te duur.", {"premium-price", "slow-handling"}),
        ("Ik hoefde niet lang te wachten. =>", set()),
        ("De uitbetaling was snel en zonder gedoe.", {"sorted-first-time"}),
        ("De medewerker was niet erg vriendelijk.", {"rude-staff"}),
        ("The lady on the phone was not very helpful.", {"rude-staff"}),
        ("I didn't get any update for weeks.", {"no-status"}),
        ("We got no reply to our complaint.", {"no-reply"}),
        ("Nice weather today. =>", set()),
        ("Ik heb drie keer gebeld voordat iemand mij kon helpen. =>", set()),
        ("Na mijn melding werd ik dezelfde dag nog gebeld door de expert, top!", {"quick-handling"}),
        (
            "De schade-expert kwam pas na drie weken, en toen moest ik alles opnieuw uitleggen.",
            {"repeat-story", "slow-handling"},
        ),
        ("I phoned twice and both times I waited more than half an hour.", {"waiting-time"}),
        (
            "The claims handler was very kind and explained the decision clearly.",
            {"clear-information", "friendly-staff"},
        ),
        ("Ze reageerden niet op mijn mail.", {"no-reply"}),
        ("Ze namen de telefoon niet op.", {"availability"}),
        ("De medewerker luisterde niet naar wat ik zei.", {"rude-staff"}),
        ("Het formulier werkte niet op mijn telefoon.", {"form-problems"}),
        ("Waarom moet ik mijn polisnummer steeds opnieuw invullen?", {"form-problems"}),
        ("I had to fill in the same information I had already given on the phone. =>", set()),
        ("The payment arrived two days after the repair, very quick.", {"quick-handling"}),
        ("Payment took six weeks and nobody could tell me why.", {"no-explanation", "payment-delay", "slow-handling"}),
        ("De brief met het besluit was heel helder. =>", set()),
        ("Heel tevreden, alles ging vlot.", {"quick-handling"}),
        ("Alles prima. =>", set()),
        ("Great service, no complaints. =>", set()),
        ("Not much to say, it was fine. =>", set()),
        ("I waited for the adjuster all day and he never showed up.", {"waiting-time"}),
        ("Er werd niet gevraagd of het tijdstip mij uitkwam, afspraken alleen doordeweeks.", {"availability"}),
        ("Appointments only on weekdays between 9 and 5, I work!", {"availability"}),
        ("Ik snap niet waarom mijn premie omhoog ging.", {"no-explanation", "premium-price"}),
        ("Ik begrijp de brief niet.", {"unclear-letter"}),
        ("Ik kreeg een brief die ik niet begreep.", {"unclear-letter"}),
        ("Ze hebben mijn claim niet vergoed omdat het eigen risico hoger was.", {"claim-rejected", "premium-price"}),
        ("They told me the damage was not covered by my policy.", {"claim-rejected"}),
        ("The chatbot couldn't answer my question, I wanted a real person.", {"no-reply", "personal-contact"}),
        ("De chatbot begreep mijn vraag niet.", {"personal-contact"}),
        ("I can't wait to switch insurer. =>", set()),
        ("Wacht maar tot je een claim hebt.", {"waiting-time"}),
        ("De klantenservice is alleen bereikbaar tijdens kantooruren.", {"availability"}),
        ("My call was transferred to a colleague who solved it immediately.", {"passed-around", "sorted-first-time"}),
        ("Fijn dat ik meteen geholpen werd.", {"quick-handling"}),
        ("The online form kept crashing so I gave up and called.", {"app-crashes"}),
        ("De app is traag en crasht regelmatig.", {"app-crashes", "slow-handling"}),
        ("It was fast, easy, and the staff were great.", {"friendly-staff", "quick-handling"}),
        ("Ik kreeg geen enkele ontvangstbevestiging van mijn schademelding.", {"no-reply"}),
        ("Dezelfde vragen werden steeds opnieuw gesteld.", {"repeat-story"}),
        ("Nobody told me the status of my claim.", {"no-status"}),
        ("Het kan beter. =>", set()),
        ("De communicatie was slecht. =>", set()),
    ],
)
def test_comments(codebook: Codebook, text: str, expected: set[str]) -> None:
    assert themes(codebook, text) == expected


def test_every_theme_is_found_in_both_languages(codebook: Codebook) -> None:
    """Each theme of the starter codebook has rules in both languages, and every rule compiles to something."""
    for theme in STARTER_THEMES:
        assert {language for language, _mode, _phrase in theme.rules} == {"nl", "en"}, theme.key
    assert len(codebook.rules) == sum(len(t.rules) for t in STARTER_THEMES)


def test_the_themes_are_well_formed() -> None:
    assert 22 <= len(STARTER_THEMES) <= 30
    assert len(set(KEYS)) == len(KEYS)
    assert len({t.colour.lower() for t in STARTER_THEMES}) == len(STARTER_THEMES)
    assert len({t.name_en for t in STARTER_THEMES}) == len({t.name_nl for t in STARTER_THEMES}) == len(KEYS)
    sentiments = [t.sentiment for t in STARTER_THEMES]
    assert sentiments.count(Sentiment.POSITIVE) >= 4
    assert sentiments.count(Sentiment.NEGATIVE) > len(STARTER_THEMES) / 2
    for theme in STARTER_THEMES:
        Theme(key=theme.key, name_en=theme.name_en, name_nl=theme.name_nl, colour=theme.colour).full_clean(
            validate_unique=False
        )
        assert theme.description
        for language, mode, phrase in theme.rules:
            assert language in {"nl", "en"} and mode in RuleMode.values
            assert 0 < len(phrase) <= ThemeRule._meta.get_field("phrase").max_length


def test_the_issue_examples(codebook: Codebook) -> None:
    assert themes(codebook, "Ik ben niet teruggebeld") == {"not-called-back"}
    assert themes(codebook, "Ik ben teruggebeld") == set()
    assert themes(codebook, "Lange wachttijd") == {"waiting-time"}
    assert themes(codebook, "Geen wachttijd") == set()
    assert themes(codebook, "Onduidelijke brief") == {"unclear-letter"}
    assert themes(codebook, "Vriendelijke medewerker") == {"friendly-staff"}
    assert themes(codebook, "De app crasht") == {"app-crashes"}


def test_the_weak_touchpoints_comments_are_detected_in_their_language(codebook: Codebook) -> None:
    assert detect_language("Drie keer doorverbonden voordat iemand mijn schade kon opnemen.") == "nl"
    assert detect_language("The app form timed out and my photos were gone.") == "en"


@pytest.mark.django_db
def test_load_creates_the_themes_and_rules_once() -> None:
    version = CodebookState.current().version
    assert load_starter_codebook() == len(STARTER_THEMES)
    assert Theme.objects.count() == len(STARTER_THEMES)
    assert ThemeRule.objects.count() == sum(len(t.rules) for t in STARTER_THEMES)
    waiting = Theme.objects.get(key="waiting-time")
    assert (waiting.name_en, waiting.name_nl, waiting.sentiment) == ("Waiting time", "Wachttijd", "negative")
    assert list(waiting.rules.values_list("language", "mode", "phrase")[:2]) == [
        ("nl", "mention", "wachten"),
        ("nl", "mention", "wachttijd"),
    ]
    assert list(waiting.rules.values_list("position", flat=True)) == list(range(waiting.rules.count()))
    event = AuditEvent.objects.get(object_type="metrics.theme")
    assert event.detail["themes"] == len(STARTER_THEMES)
    # idempotent, and the version is the caller's business
    assert load_starter_codebook() == 0
    assert Theme.objects.count() == len(STARTER_THEMES)
    assert AuditEvent.objects.filter(object_type="metrics.theme").count() == 1
    assert CodebookState.current().version == version


@pytest.mark.django_db
def test_load_adds_only_the_missing_themes_and_keeps_edits() -> None:
    mine = Theme.objects.create(key="waiting-time", name_en="Queues", name_nl="Rijen", colour="#000000")
    ThemeRule.objects.create(theme=mine, language="nl", mode=RuleMode.MENTION, phrase="rij")
    assert load_starter_codebook() == len(STARTER_THEMES) - 1
    mine.refresh_from_db()
    assert mine.name_en == "Queues"
    assert list(mine.rules.values_list("phrase", flat=True)) == ["rij"]
    codebook = Codebook.from_db()
    found = {Theme.objects.get(pk=pk).key for pk in codebook.match("Ik ben niet teruggebeld en stond lang in de rij")}
    assert found == {"not-called-back", "waiting-time"}
