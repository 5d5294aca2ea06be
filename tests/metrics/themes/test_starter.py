"""The starter codebook (metrics.themes.starter): what its themes find, and do not find, in realistic Dutch and
English comments; loading it into the database."""

import pytest

from cxplatform.audit.models import AuditEvent
from metrics.models import CodebookState, RuleMode, Sentiment, Theme, ThemeRule
from metrics.themes.engine import Codebook, RuleSpec, detect_language, themes_of
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
        ("The app made it really easy.", {"easy-to-use"}),
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
        ("Very user-friendly app.", {"easy-to-use"}),
        ("De app is heel handig, schade gemeld in vijf minuten.", {"easy-to-use"}),
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
        ("I waited for the adjuster all day and he never showed up.", {"appointments", "waiting-time"}),
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
        ("It was fast, easy, and the staff were great.", {"easy-to-use", "friendly-staff", "quick-handling"}),
        ("Ik kreeg geen enkele ontvangstbevestiging van mijn schademelding.", {"no-reply"}),
        ("Dezelfde vragen werden steeds opnieuw gesteld.", {"repeat-story"}),
        ("Nobody told me the status of my claim.", {"no-status"}),
        ("Het kan beter. =>", set()),
        ("De communicatie was slecht. =>", set()),
        ("De uitbetaling liet 6 weken op zich wachten.", {"payment-delay", "slow-handling", "waiting-time"}),
        ("Het formulier in de app liep vast en al mijn gegevens waren weg.", {"app-crashes", "form-problems"}),
        ("Fijn dat ik een vast aanspreekpunt had.", {"personal-contact"}),
        ("Buiten kantoortijden is er niemand bereikbaar.", {"availability"}),
        ("Geen reactie op mijn e-mail, al 5 dagen niet.", {"no-reply"}),
        ("The payout took 6 weeks.", {"payment-delay", "slow-handling"}),
        ("De app werkt makkelijk, schade melden ging snel.", {"easy-to-use"}),
        ("Vriendelijke medewerker die goed meedacht.", {"friendly-staff"}),
        ("Went as expected. =>", set()),
        ("Ik overweeg over te stappen. =>", set()),
        ("Ik heb 40 minuten in de wacht gestaan voordat ik iemand te spreken kreeg.", {"waiting-time"}),
        ("Veel te lange wachttijd aan de telefoon.", {"waiting-time"}),
        ("I was on hold for 40 minutes before anyone picked up.", {"waiting-time"}),
        ("The waiting time on the phone was far too long.", {"waiting-time"}),
        ("Er werd beloofd dat ik teruggebeld zou worden, maar ik ben nooit teruggebeld.", {"not-called-back"}),
        ("Ik ben niet teruggebeld, terwijl dat wel was toegezegd.", {"not-called-back"}),
        ("They promised to call me back, but I was never called back.", {"not-called-back"}),
        ("Still not called back after 5 days.", {"not-called-back"}),
        (
            "Ik werd drie keer doorverbonden en moest elke keer mijn verhaal opnieuw doen.",
            {"passed-around", "repeat-story"},
        ),
        ("Van het kastje naar de muur: steeds doorverbonden naar een andere afdeling.", {"passed-around"}),
        ("I was transferred three times and had to explain everything again.", {"passed-around", "repeat-story"}),
        ("Transferred from one department to the next, nobody could help me.", {"passed-around"}),
        ("De brief was onduidelijk: ik wist niet welke documenten ze nog nodig hadden.", {"unclear-letter"}),
        ("Onduidelijke brief vol vakjargon.", {"jargon", "unclear-letter"}),
        ("The letter was unclear about which documents they still needed.", {"unclear-letter"}),
        ("Confusing letter full of jargon.", {"jargon", "unclear-letter"}),
        ("Ze vroegen om dezelfde documenten die ik al had opgestuurd.", {"extra-documents"}),
        ("Voor de tweede keer om dezelfde documenten gevraagd.", {"extra-documents"}),
        ("They asked for the same documents twice.", {"extra-documents"}),
        ("I had already sent the invoice and they asked for the same document again.", {"extra-documents"}),
        ("De documenten moesten per post worden opgestuurd, kan dat niet gewoon digitaal?", {"extra-documents"}),
        ("Alles per post opsturen, terwijl ik de foto's al in de app had staan.", {"extra-documents"}),
        ("I had to send the documents by post, why can't I upload them?", {"extra-documents"}),
        ("Sending paper copies by post feels so outdated.", {"extra-documents"}),
        ("De app crashte halverwege het schadeformulier.", {"app-crashes"}),
        ("De app liep steeds vast bij het uploaden van de foto's.", {"app-crashes"}),
        ("The app crashed halfway through the claim form.", {"app-crashes"}),
        ("The app kept crashing when I uploaded the pictures.", {"app-crashes"}),
        ("Al mijn foto's waren weg na het versturen.", {"form-problems"}),
        ("Foto's kwijt, ik moest ze allemaal opnieuw maken.", {"form-problems"}),
        ("My photos were lost and I had to take them again.", {"form-problems"}),
        ("The form timed out and my photos were gone.", {"form-problems"}),
        ("Je kunt het formulier niet tussentijds opslaan.", {"form-problems"}),
        ("Geen mogelijkheid om een concept op te slaan, dus alles opnieuw invullen.", {"form-problems"}),
        ("You cannot save a draft of the claim, so I had to start over.", {"form-problems"}),
        ("There is no way to save the form and finish it later.", {"form-problems"}),
        ("Het uploaden van de foto's ging traag.", {"slow-handling"}),
        ("De app was wat traag, maar het lukte uiteindelijk.", {"slow-handling"}),
        ("Uploading the photos was slow.", {"slow-handling"}),
        ("The app was a bit slow, but it worked in the end.", {"slow-handling"}),
        ("De afhandeling van mijn schade duurde 6 weken.", {"slow-handling"}),
        ("Het duurde erg lang voordat er een besluit kwam.", {"slow-handling"}),
        ("It took 6 weeks to handle my claim.", {"slow-handling"}),
        ("The claim took far too long to be handled.", {"slow-handling"}),
        ("Ik hoorde wekenlang niets over de status van mijn claim.", {"no-status"}),
        ("Geen enkele update over de stand van zaken.", {"no-status"}),
        ("Nobody told me where my claim stood.", {"no-status"}),
        ("No update on the status of my claim for weeks.", {"no-status"}),
        ("De premie is flink gestegen zonder uitleg.", {"no-explanation", "premium-price"}),
        ("Premieverhoging van 12% zonder enige toelichting.", {"no-explanation", "premium-price"}),
        ("My premium rose by 12% and nobody explained why.", {"no-explanation", "premium-price"}),
        ("Mijn claim is afgewezen zonder duidelijke reden.", {"claim-rejected", "no-explanation"}),
        ("Afgewezen, en de brief legt niet uit waarom.", {"claim-rejected", "no-explanation"}),
        ("My claim was rejected without a clear reason.", {"claim-rejected", "no-explanation"}),
        ("Het formulier op de website gaf steeds een foutmelding.", {"login-website"}),
        ("De website werkte niet, ik kreeg telkens een foutmelding.", {"login-website"}),
        ("The online form kept giving an error.", {"login-website"}),
        ("The website showed an error message every time.", {"login-website"}),
        ("Veel te veel formulieren om in te vullen.", {"extra-documents"}),
        ("Wat een papierwinkel.", {"extra-documents"}),
        ("Too much paperwork.", {"extra-documents"}),
        ("Far too many forms to fill in.", {"extra-documents"}),
        ("Opzeggen was onnodig ingewikkeld.", {"hard-to-cancel"}),
        ("Ze maken het opzeggen wel heel moeilijk.", {"hard-to-cancel"}),
        ("Cancelling was made far too difficult.", {"hard-to-cancel"}),
        ("De medewerker was kortaf en onbeleefd.", {"rude-staff"}),
        ("Onbeleefd te woord gestaan.", {"rude-staff"}),
        ("The agent was rude and impatient.", {"rude-staff"}),
        ("De expert kwam 2 uur te laat en had mijn dossier niet gelezen.", {"appointments"}),
        ("De afspraak met de expert werd twee keer verzet.", {"appointments"}),
        ("The loss adjuster came 2 hours late.", {"appointments"}),
        ("The appointment with the adjuster was moved twice.", {"appointments"}),
        ("Pas na 5 dagen antwoord op mijn mail.", {"no-reply"}),
        ("Mijn e-mail bleef dagen onbeantwoord.", {"no-reply"}),
        ("It took 5 days to answer my email.", {"no-reply"}),
        ("Kon niet inloggen in de app.", {"login-website"}),
        ("Inloggen lukte pas na drie pogingen.", {"login-website"}),
        ("I could not log in to the app.", {"login-website"}),
        ("De chat gaf alleen standaardantwoorden.", {"personal-contact"}),
        ("The chatbot did not understand my question.", {"personal-contact"}),
        ("Zeer vriendelijke medewerker aan de telefoon.", {"friendly-staff"}),
        ("Vriendelijk en behulpzaam geholpen.", {"friendly-staff"}),
        ("Very friendly and helpful staff.", {"friendly-staff"}),
        ("The agent was friendly and really listened.", {"friendly-staff"}),
        ("Binnen 5 dagen was het geld al uitbetaald!", {"quick-handling"}),
        ("Snelle uitbetaling, top.", {"quick-handling"}),
        ("Quick payout, the money was in my account within 5 days.", {"quick-handling"}),
        ("Paid out quickly, well done.", {"quick-handling"}),
        ("Duidelijke uitleg over de volgende stappen.", {"clear-information"}),
        ("Alles werd helder uitgelegd.", {"clear-information"}),
        ("Clear explanation of what would happen next.", {"clear-information"}),
        ("Everything was explained clearly.", {"clear-information"}),
        ("Het ging heel makkelijk via de app.", {"easy-to-use"}),
        ("Eenvoudig en snel geregeld.", {"easy-to-use", "quick-handling", "sorted-first-time"}),
        ("Simple and quick to arrange.", {"easy-to-use", "quick-handling"}),
        ("Easy to use, done in minutes.", {"easy-to-use"}),
        ("Snel geholpen.", {"quick-handling"}),
        ("Direct geholpen, in één gesprek geregeld.", {"quick-handling", "sorted-first-time"}),
        ("Helped quickly.", {"quick-handling"}),
        ("Sorted in one call.", {"sorted-first-time"}),
        ("Ging wel, niets bijzonders.", set()),
        ("It was fine.", set()),
        ("Slechte ervaring.", set()),
        ("Disappointing.", set()),
        ("Top!", set()),
        ("Great experience.", set()),
        ("Dit moet echt beter.", set()),
        ("This needs to improve.", set()),
        ("Dank jullie wel!", set()),
        ("Thank you!", set()),
        ("Daarom een lage score.", set()),
        ("I am looking for another insurer.", set()),
        ("Een aanrader!", set()),
        ("Would recommend!", set()),
    ],
)
def test_comments(codebook: Codebook, text: str, expected: set[str]) -> None:
    assert themes(codebook, text) == expected
    # the preview's hits tell the same story
    assert {KEYS[i] for i in themes_of(codebook.hits(text))} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # false friends between the languages stay apart
        ("The call was brief but helpful.", {"friendly-staff"}),
        ("Kort en bondig, een duidelijke brief.", {"clear-information"}),
        ("Mijn vriend raadde jullie aan, en terecht.", set()),
        ("I was told to wait for a letter.", {"waiting-time"}),
        ("Ik weet nog niet of ik klant blijf.", set()),
    ],
)
def test_false_friends(codebook: Codebook, text: str, expected: set[str]) -> None:
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
    assert (event.action, event.detail["themes"]) == ("create", len(STARTER_THEMES))
    assert event.detail["rules"] == ThemeRule.objects.count()
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
