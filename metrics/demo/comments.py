"""The demo's comments: what its customers write, composed from templates so that the theme pages show something
true to life.

Mostly Dutch (LANGUAGE_NL of the respondents), some English; each comment is an optional opening, one or two
remarks about a problem (or a compliment), and an optional closing, with details (minutes on hold, times
transferred, weeks waited) drawn at random. The weak touchpoints' comments name their real problems: the claim
line's waiting time, the call back that never came and the transfers; the extra-documents letter that nobody
understands, asks for the same papers twice and wants them by post; the app's claim form that crashes, loses the
photos and cannot keep a draft, until its improvement, after which those complaints fade. Promoters praise the
friendly staff, the quick payout and the clear explanation; passives say something neutral or mixed.

The words are chosen so that the starter codebook (metrics.themes.starter) finds the themes they are about.
Deterministic: everything is drawn from the random generator handed in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

LANGUAGE_NL = 0.75  # the share of respondents who write in Dutch

# Chances of a comment: a touchpoint answer by how it went, the NPS answer by its bucket.
TOUCHPOINT_COMMENT = {"bad": 0.6, "mid": 0.3, "good": 0.22}
NPS_COMMENT = {"low": 0.72, "mid": 0.36, "high": 0.33}

Phrasings = dict[str, tuple[str, ...]]  # language -> phrasings

# What goes wrong, and what goes well: phrasings per language, with {slots} filled in by _fill.
REMARKS: dict[str, Phrasings] = {
    # The claim line.
    "phone_wait": {
        "nl": (
            "Ik heb {minutes} minuten in de wacht gestaan voordat ik iemand te spreken kreeg.",
            "Veel te lange wachttijd aan de telefoon.",
            "De wachttijd was ruim {minutes} minuten, en dat terwijl mijn keuken onder water stond.",
            "Eindeloos in de wacht gestaan met steeds hetzelfde muziekje.",
            "Na {minutes} minuten wachten kreeg ik eindelijk een medewerker aan de lijn.",
            "Lang wachten aan de telefoon, de wachtrij schoot niet op.",
        ),
        "en": (
            "I was on hold for {minutes} minutes before anyone picked up.",
            "The waiting time on the phone was ridiculous.",
            "Waited {minutes} minutes in the queue just to report a claim.",
            "Endless waiting on the phone with the same music over and over.",
        ),
    },
    "not_called_back": {
        "nl": (
            "Er werd beloofd dat ik teruggebeld zou worden, maar ik ben nooit teruggebeld.",
            "Ik ben niet teruggebeld, terwijl dat wel was toegezegd.",
            "Na {days} dagen nog steeds niet teruggebeld.",
            "Twee keer om een terugbelverzoek gevraagd en niemand heeft me teruggebeld.",
            "Ze zouden me dezelfde middag terugbellen. Ik ben niet teruggebeld.",
        ),
        "en": (
            "They promised to call me back, but I was never called back.",
            "Still not called back after {days} days.",
            "I asked twice for a call back and nobody called me back.",
            "I was told someone would call me back that afternoon, but I was not called back.",
        ),
    },
    "transferred": {
        "nl": (
            "Ik werd {times} keer doorverbonden en moest elke keer mijn verhaal opnieuw doen.",
            "Van het kastje naar de muur: steeds doorverbonden naar een andere afdeling.",
            "{Times} keer doorverbonden voordat iemand mijn schade kon opnemen.",
            "Telkens doorverbonden, niemand voelde zich verantwoordelijk.",
        ),
        "en": (
            "I was transferred {times} times and had to explain everything again.",
            "Transferred from one department to the next, nobody could help me.",
            "Got transferred {times} times before someone could take down my claim.",
        ),
    },
    # The extra-documents letter.
    "unclear_letter": {
        "nl": (
            "De brief was onduidelijk: ik wist niet welke documenten ze nog nodig hadden.",
            "Onduidelijke brief vol vakjargon.",
            "De brief begreep ik niet: welke bonnen moest ik nu precies opsturen?",
            "Uit de brief werd niet duidelijk wat ik nog moest aanleveren.",
            "Wat een onduidelijke brief, ik heb hem drie keer gelezen.",
        ),
        "en": (
            "The letter was unclear about which documents they still needed.",
            "Confusing letter full of jargon.",
            "I did not understand the letter, which receipts did they want?",
        ),
    },
    "asked_twice": {
        "nl": (
            "Ze vroegen om documenten die ik al had gestuurd, dus alles opnieuw opsturen.",
            "Ik moest dezelfde documenten nogmaals opsturen.",
            "Ik moest de offerte van de schilder opnieuw opsturen, ze waren hem kwijt.",
            "Weer een brief om nog een document, waarom niet alles in één keer?",
        ),
        "en": (
            "They asked for the same documents twice.",
            "I had already sent the invoice and they asked for the same document again.",
            "Asked twice for the same documents, as if nobody reads the file.",
        ),
    },
    "by_post": {
        "nl": (
            "Ik moest alle documenten per post opsturen, kan dat niet gewoon digitaal?",
            "Papieren per post opsturen, terwijl ik de foto's al in de app had staan.",
            "Waarom moet ik in deze tijd nog papieren per post sturen?",
        ),
        "en": (
            "I had to send extra documents by post, why can't I upload them?",
            "Sending paperwork by post feels so outdated.",
        ),
    },
    # The claim form in the app, before its improvement.
    "app_crash": {
        "nl": (
            "De app crashte halverwege het schadeformulier.",
            "De app liep steeds vast bij het uploaden van de foto's.",
            "Formulier liep vast, opnieuw begonnen.",
            "App crasht zodra je op versturen drukt.",
        ),
        "en": (
            "The app crashed halfway through the claim form.",
            "The app kept crashing when I uploaded the pictures.",
            "App froze twice while I was filling in the form.",
        ),
    },
    "photos_lost": {
        "nl": (
            "Na het versturen waren al mijn foto's kwijt.",
            "Foto's kwijt, ik moest ze allemaal opnieuw maken.",
            "De app raakte mijn foto's kwijt.",
        ),
        "en": (
            "My photos were lost and I had to take them again.",
            "The form timed out and my photos were gone.",
            "All my photos were lost after sending.",
        ),
    },
    "no_draft": {
        "nl": (
            "Je kunt het formulier niet tussentijds opslaan, dus opnieuw beginnen.",
            "Geen mogelijkheid om een concept op te slaan, dus alles opnieuw invullen.",
            "Kon mijn melding niet opslaan en moest later opnieuw beginnen.",
        ),
        "en": (
            "You cannot save a draft of the claim, so I had to start over.",
            "There is no way to save the form, so I had to fill in everything again.",
        ),
    },
    # The claim form in the app after its improvement: the odd remark, nothing about crashes.
    "app_slow": {
        "nl": ("Het uploaden van de foto's ging traag.", "De app was wat traag, maar het lukte uiteindelijk."),
        "en": ("Uploading the photos was slow.", "The app was a bit slow, but it worked in the end."),
    },
    # Elsewhere.
    "slow_handling": {
        "nl": (
            "De afhandeling van mijn schade duurde {weeks} weken.",
            "Het duurde erg lang voordat er een besluit kwam.",
            "Trage afhandeling, na {weeks} weken nog steeds geen besluit.",
        ),
        "en": ("It took {weeks} weeks to handle my claim.", "The claim took far too long to be handled."),
    },
    "no_status": {
        "nl": (
            "Niemand vertelde me hoe het met mijn schade stond.",
            "Ik hoorde wekenlang niets over de status van mijn claim.",
            "Geen enkele update over de stand van zaken.",
        ),
        "en": ("I had no idea where my claim stood.", "No update on the status of my claim for weeks."),
    },
    "premium": {
        "nl": (
            "De premie is flink gestegen zonder uitleg.",
            "Premieverhoging van {pct}% zonder enige toelichting.",
            "Mijn premie is weer omhoog gegaan, dat vind ik niet redelijk.",
        ),
        "en": (
            "The premium went up without any explanation.",
            "My premium went up by {pct}% and nobody explained why.",
        ),
    },
    "rejection": {
        "nl": ("Mijn claim is afgewezen zonder duidelijke reden.", "Afgewezen, en de brief legt niet uit waarom."),
        "en": ("My claim was rejected without a clear reason.",),
    },
    "website_error": {
        "nl": (
            "Het formulier op de website gaf steeds een foutmelding.",
            "De website werkte niet, ik kreeg telkens een foutmelding.",
        ),
        "en": ("The online form kept giving an error message.", "The website showed an error message every time."),
    },
    "paperwork": {
        "nl": (
            "Te veel papierwerk.",
            "Veel te veel papieren om in te vullen.",
            "Wat een papierwerk voor een simpele schade.",
        ),
        "en": ("Too much paperwork.", "Far too much paperwork for a simple claim."),
    },
    "hard_to_cancel": {
        "nl": ("Opzeggen was onnodig ingewikkeld.", "Ze maken het opzeggen wel heel moeilijk."),
        "en": ("Cancelling was made far too difficult.",),
    },
    "rude_staff": {
        "nl": ("De medewerker was kortaf en onbeleefd.", "Kortaf en onvriendelijk te woord gestaan."),
        "en": ("The agent was rude and impatient.",),
    },
    "adjuster": {
        "nl": (
            "De expert kwam {hours} uur te laat en had mijn dossier niet gelezen.",
            "De afspraak met de expert werd twee keer verzet.",
        ),
        "en": ("The loss adjuster came {hours} hours late.", "The appointment with the adjuster was moved twice."),
    },
    "email_slow": {
        "nl": ("Op mijn mail kwam {days} dagen geen reactie.", "Mijn e-mail bleef dagen onbeantwoord."),
        "en": ("My email stayed unanswered for {days} days.",),
    },
    "login": {
        "nl": ("Kon niet inloggen in de app.", "Inloggen lukte niet, ik moest mijn wachtwoord opnieuw instellen."),
        "en": ("I could not log in to the app.",),
    },
    "chatbot": {
        "nl": (
            "De chatbot begreep mijn vraag niet.",
            "De chatbot gaf alleen standaardantwoorden, ik wilde een echt mens spreken.",
        ),
        "en": ("The chatbot did not understand my question.",),
    },
    # Praise.
    "friendly_staff": {
        "nl": (
            "Zeer vriendelijke medewerker aan de telefoon.",
            "Vriendelijk en behulpzaam geholpen.",
            "De medewerker was erg vriendelijk en dacht echt met me mee.",
            "Heel vriendelijk personeel.",
        ),
        "en": ("Very friendly and helpful staff.", "The agent was friendly and really listened."),
    },
    "quick_payout": {
        "nl": (
            "Vlot uitbetaald, binnen {days} dagen stond het geld op mijn rekening.",
            "Snel uitbetaald, top.",
            "Het bedrag werd snel uitbetaald.",
        ),
        "en": ("Quick payout, the money was in my account within {days} days.", "Paid out quickly, well done."),
    },
    "clear_explanation": {
        "nl": (
            "Duidelijke uitleg over de volgende stappen.",
            "Alles werd helder uitgelegd.",
            "Goede en duidelijke uitleg, ik wist precies waar ik aan toe was.",
        ),
        "en": ("Clear explanation of what would happen next.", "Everything was explained clearly."),
    },
    "easy": {
        "nl": (
            "Het ging heel makkelijk via de app.",
            "Eenvoudig en snel geregeld.",
            "Makkelijk online geregeld, binnen een paar minuten klaar.",
        ),
        "en": ("The app made it really easy.", "Simple and quick to arrange.", "Easy to use, done in minutes."),
    },
    "quick_help": {
        "nl": ("Snel geholpen.", "Direct geholpen, in één gesprek geregeld.", "Binnen een dag geregeld."),
        "en": ("Helped quickly.", "Sorted in one call.", "Sorted out within a day."),
    },
    # The repair partner's work: a complaint the starter codebook has no theme for, so that the suggested
    # themes find it (a cluster an editor turns into a theme of their own).
    "repair_quality": {
        "nl": (
            "De hersteller heeft slordig werk geleverd, de kras op de deur zit er nog.",
            "Na de reparatie lekt het dak opnieuw, de hersteller moet terugkomen.",
            "De reparatie was slordig, de kleur van de verf klopt niet.",
            "De hersteller liet troep achter en de reparatie is half af.",
        ),
        "en": (
            "The repairer did a sloppy job, the scratch on the door is still there.",
            "After the repair the roof leaks again, the repairer has to come back.",
            "Sloppy repair, the paint colour does not match.",
        ),
    },
    # Neither here nor there.
    "neutral": {
        "nl": (
            "Ging wel, niets bijzonders.",
            "Redelijk geholpen.",
            "Was oké.",
            "Gewoon zoals verwacht.",
            "Prima, verder geen opmerkingen.",
            "Geen bijzonderheden.",
        ),
        "en": ("It was fine.", "OK, nothing special.", "Average, as expected.", "No further remarks."),
    },
}

# Per touchpoint (English demo name): its likely problems and compliments, with weights.
WEAK_PROBLEMS: dict[str, tuple[tuple[str, int], ...]] = {
    "Claim by phone": (("phone_wait", 5), ("not_called_back", 3), ("transferred", 3)),
    "Request for extra documents": (("unclear_letter", 4), ("asked_twice", 3), ("by_post", 3)),
    "Claim form in the app": (("app_crash", 4), ("photos_lost", 3), ("no_draft", 3)),
}
IMPROVED_PROBLEMS = (("app_slow", 5), ("no_status", 1))  # the app's claim form since its improvement
TOUCHPOINT_PROBLEMS: dict[str, tuple[tuple[str, int], ...]] = {
    "Emergency line": (("phone_wait", 3), ("rude_staff", 1)),
    "Call customer service": (("phone_wait", 3), ("transferred", 1), ("rude_staff", 1)),
    "Additional questions by phone": (("phone_wait", 1), ("transferred", 1)),
    "Appointment with the loss adjuster": (("adjuster", 3), ("phone_wait", 1)),
    "Loss adjuster visit": (("adjuster", 3), ("slow_handling", 1)),
    "Status update in the app": (("no_status", 3), ("login", 1)),
    "Decision letter": (("rejection", 3), ("slow_handling", 2)),
    "Objection procedure": (("slow_handling", 2), ("rejection", 1), ("paperwork", 1)),
    "Payment": (("slow_handling", 1),),
    "Premium review after the claim": (("premium", 3),),
    "Renewal letter": (("premium", 3), ("unclear_letter", 1)),
    "Renewal email": (("premium", 2),),
    "Cancellation form": (("hard_to_cancel", 3), ("website_error", 1)),
    "Retention call": (("hard_to_cancel", 2), ("premium", 1)),
    "Online application form": (("website_error", 3), ("paperwork", 2)),
    "Acceptance review": (("slow_handling", 2), ("paperwork", 2)),
    "Repair by partner": (("repair_quality", 4), ("slow_handling", 1)),
    "Emergency repair service": (("repair_quality", 2), ("phone_wait", 1)),
}
CHANNEL_PROBLEMS: dict[str, tuple[tuple[str, int], ...]] = {
    "phone": (("phone_wait", 3), ("rude_staff", 1), ("transferred", 1)),
    "letter": (("paperwork", 2), ("unclear_letter", 1)),
    "email": (("email_slow", 2),),
    "web": (("website_error", 2), ("paperwork", 1)),
    "app": (("login", 2), ("app_slow", 1)),
    "chat": (("chatbot", 2),),
    "store": (("adjuster", 1), ("slow_handling", 1)),
}
TOUCHPOINT_PRAISE: dict[str, tuple[tuple[str, int], ...]] = {
    "Payment": (("quick_payout", 4), ("quick_help", 1)),
    "Call from the claims handler": (("clear_explanation", 2), ("friendly_staff", 2)),
    "Decision letter": (("clear_explanation", 2),),
}
CHANNEL_PRAISE: dict[str, tuple[tuple[str, int], ...]] = {
    "phone": (("friendly_staff", 3), ("quick_help", 2), ("clear_explanation", 1)),
    "store": (("friendly_staff", 2), ("quick_help", 1)),
    "letter": (("clear_explanation", 1),),
    "email": (("clear_explanation", 1), ("quick_help", 1)),
    "web": (("easy", 1),),
    "app": (("easy", 2),),
    "chat": (("quick_help", 1), ("friendly_staff", 1)),
}
# The NPS answer: about the journey as a whole when no touchpoint gave cause for complaint.
JOURNEY_PROBLEMS: dict[str, tuple[tuple[str, int], ...]] = {
    "Report a claim": (("slow_handling", 2), ("no_status", 2), ("phone_wait", 2), ("paperwork", 1), ("rejection", 1)),
    "Open an account": (("website_error", 2), ("paperwork", 1), ("phone_wait", 1), ("slow_handling", 1)),
    "Renew or cancel the contract": (("premium", 4), ("phone_wait", 2), ("hard_to_cancel", 1)),
}
JOURNEY_PRAISE: dict[str, tuple[tuple[str, int], ...]] = {
    "Report a claim": (("quick_payout", 3), ("friendly_staff", 2), ("clear_explanation", 2), ("quick_help", 1)),
    "Open an account": (("easy", 3), ("quick_help", 1), ("clear_explanation", 1)),
    "Renew or cancel the contract": (("friendly_staff", 2), ("clear_explanation", 2), ("easy", 1)),
}

OPENINGS = {
    "bad": {
        "nl": ("Slechte ervaring.", "Erg teleurgesteld.", "Jammer.", "Wat een gedoe.", "Helaas."),
        "en": ("Disappointing.", "Not a good experience.", "Very frustrating."),
    },
    "good": {
        "nl": ("Top!", "Prima ervaring.", "Heel tevreden.", "Keurig."),
        "en": ("Great experience.", "Very pleased.", "Excellent."),
    },
}
CLOSINGS = {
    "bad": {
        "nl": ("Dit moet echt beter.", "Niet klantvriendelijk.", "Hier mag wel wat aan gebeuren."),
        "en": ("This needs to improve.", "Not what I expect from an insurer."),
    },
    "good": {
        "nl": ("Dank jullie wel!", "Zo hoort het.", "Ga zo door."),
        "en": ("Thank you!", "Keep it up."),
    },
    "nps_low": {
        "nl": (
            "Daarom een lage score.",
            "Ik ga op zoek naar een andere verzekeraar.",
            "Zo raad ik jullie niemand aan.",
        ),
        "en": ("I am looking for another insurer.", "Would not recommend it like this."),
    },
    "nps_high": {
        "nl": ("Een aanrader!", "Ik raad jullie zeker aan.", "Ik blijf zeker klant."),
        "en": ("Would recommend!", "I will certainly stay a customer."),
    },
}
# What the NPS comment sometimes starts with: what happened.
CONTEXTS = {
    "Report a claim": {
        "nl": (
            "Schade gemeld na een lekkage.",
            "Ik had stormschade aan mijn dak.",
            "Na een aanrijding mijn schade gemeld.",
            "Inbraak in onze schuur gemeld.",
            "Waterschade in de badkamer.",
        ),
        "en": ("Reported water damage in the kitchen.", "I had storm damage to my roof.", "Claimed after a burglary."),
    },
    "Open an account": {
        "nl": ("Nieuwe inboedelverzekering afgesloten.", "Overgestapt met mijn autoverzekering."),
        "en": ("Took out a new home insurance.", "Switched my car insurance to you."),
    },
    "Renew or cancel the contract": {
        "nl": ("Mijn polis liep af.", "Ik wilde mijn contract verlengen."),
        "en": ("My policy was up for renewal.",),
    },
}
MIXED = {  # a passive's mixed verdict
    "nl": ("Prima geholpen, alleen {bad}", "Op zich goed, maar {bad}", "Redelijk. Wel dit: {bad}"),
    "en": ("Fine overall, but {bad}", "Helpful, but {bad}", "Decent. One thing: {bad}"),
}

SLOTS = {
    "nl": {"times": ("twee", "drie", "vier")},
    "en": {"times": ("two", "three", "four")},
}
MINUTES = (20, 25, 30, 35, 40, 45, 50, 60)
DAYS = (2, 3, 4, 5, 7, 10)
WEEKS = (3, 4, 5, 6, 8)
PERCENT = (8, 10, 12, 15, 18)
HOURS = (1, 2, 3)


def language(rng: random.Random) -> str:
    return "nl" if rng.random() < LANGUAGE_NL else "en"


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([key for key, _ in weighted], [weight for _, weight in weighted])[0]


def problems_of(name: str, channel: str, *, improved: bool = False) -> tuple[tuple[str, int], ...]:
    """The problems a touchpoint's unhappy customers write about."""
    if improved:
        return IMPROVED_PROBLEMS
    return WEAK_PROBLEMS.get(name) or TOUCHPOINT_PROBLEMS.get(name) or CHANNEL_PROBLEMS.get(channel, ())


def praise_of(name: str, channel: str) -> tuple[tuple[str, int], ...]:
    return TOUCHPOINT_PRAISE.get(name) or CHANNEL_PRAISE.get(channel) or (("quick_help", 1),)


def _fill(rng: random.Random, text: str, lang: str) -> str:
    if "{" not in text:
        return text
    times = rng.choice(SLOTS[lang]["times"])
    return text.format(
        minutes=rng.choice(MINUTES),
        days=rng.choice(DAYS),
        weeks=rng.choice(WEEKS),
        pct=rng.choice(PERCENT),
        hours=rng.choice(HOURS),
        times=times,
        Times=times.capitalize(),
    )


def remark(rng: random.Random, key: str, lang: str) -> str:
    return _fill(rng, rng.choice(REMARKS[key][lang]), lang)


def compose(
    rng: random.Random,
    lang: str,
    keys: Sequence[str],
    tone: str,
    *,
    closing: str | None = None,
) -> str:
    """One or more remarks, with an opening (sometimes) and a closing (sometimes) of the tone ("bad"/"good")."""
    parts = [remark(rng, key, lang) for key in dict.fromkeys(keys)]
    draw = rng.random()
    if draw < 0.25:
        parts.insert(0, rng.choice(OPENINGS[tone][lang]))
    if draw > 0.6:
        parts.append(rng.choice(CLOSINGS[closing or tone][lang]))
    return " ".join(parts)


def touchpoint_comment(
    rng: random.Random, lang: str, *, name: str, channel: str, outcome: str, problem: str | None
) -> str:
    """A comment on a touchpoint answer: `outcome` bad (low score), mid or good; `problem` the bad one's."""
    if outcome == "bad" and problem:
        keys = [problem]
        if rng.random() < 0.25:  # a second complaint about the same touchpoint
            keys.append(pick(rng, problems_of(name, channel)))
        return compose(rng, lang, keys, "bad")
    if outcome == "good":
        return compose(rng, lang, [pick(rng, praise_of(name, channel))], "good")
    if not problem:
        return remark(rng, "neutral", lang)
    # In between: neutral, or a mild complaint.
    if rng.random() < 0.5:
        return remark(rng, "neutral", lang)
    return remark(rng, problem, lang)


def nps_comment(rng: random.Random, lang: str, *, journey: str, bucket: str, complaint: str | None) -> str:
    """A comment on the NPS answer: a detractor writes about the visit's complaint when there was one (the
    problem of a touchpoint that went badly), else about the journey; a promoter praises; a passive is neutral
    or mixed."""
    context = rng.choice(CONTEXTS[journey][lang]) + " " if rng.random() < 0.3 else ""
    if bucket == "low":
        key = complaint if complaint and rng.random() < 0.85 else pick(rng, JOURNEY_PROBLEMS[journey])
        return context + compose(rng, lang, [key], "bad", closing="nps_low")
    praise = pick(rng, JOURNEY_PRAISE[journey])
    draw = rng.random()
    if bucket == "high":
        if draw < 0.18:  # happy all the same
            return _mixed(rng, lang, complaint or pick(rng, JOURNEY_PROBLEMS[journey]))
        return context + compose(rng, lang, [praise], "good", closing="nps_high")
    if draw < 0.4:
        return remark(rng, "neutral", lang)
    if draw < 0.75:
        return _mixed(rng, lang, complaint or pick(rng, JOURNEY_PROBLEMS[journey]))
    return remark(rng, praise, lang)


def _mixed(rng: random.Random, lang: str, problem: str) -> str:
    bad = remark(rng, problem, lang)
    if not bad.startswith("I "):
        bad = bad[0].lower() + bad[1:]
    return rng.choice(MIXED[lang]).format(bad=bad)
