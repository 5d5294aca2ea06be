"""The starter codebook for service journeys: 27 themes in English and Dutch (insurance and claims, accounts,
contracts, the service desk, app and website, letters and e-mail, billing), which the demo uses.

How the rules are written (metrics.themes.engine matches them):
- words are matched on their Snowball stems ("wachten" finds wachtte, gewacht; "wait" finds waited, waiting); a
  word ending in * matches by its beginning ("crash*": crashed, crashing, crasht) on the word as written;
- a phrase matches its words in order within one clause, up to two other words between ("brief onduidelijk":
  "de brief was erg onduidelijk"; "bellen terug": "ze belden mij niet terug");
- a theme about something missing uses NEGATED rules ("teruggebeld" negated: "ik ben niet teruggebeld"); its
  positive twin uses the same words as MENTION ("vriendelijk" for friendly staff, negated for unfriendly staff);
- a theme that is there whether or not the words are negated carries the rule in both modes ("inloggen": "ik kon
  niet inloggen" is a login problem too);
- a phrase may contain a negation word itself ("geen reactie", "zonder gedoe"): that word does not negate it;
- EXCLUDE rules keep the theme off a comment ("geen wachttijd", "de wachttijd viel mee", "no waiting");
- false friends between the languages are written as phrases (Dutch "brief" is a letter, English "brief" short;
  English "friend" is the stem of "friendly", so friendly staff uses "friendly*").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from metrics.models import RuleMode, Sentiment, Theme, ThemeRule

Rule = tuple[str, str, str]  # (language, mode, phrase)


@dataclass(frozen=True)
class StarterTheme:
    key: str
    name_en: str
    name_nl: str
    colour: str
    sentiment: str
    description: str
    rules: tuple[Rule, ...]


def _rules(
    *,
    nl: str = "",
    nl_negated: str = "",
    nl_exclude: str = "",
    en: str = "",
    en_negated: str = "",
    en_exclude: str = "",
) -> tuple[Rule, ...]:
    """Rules from phrases separated by "|" per language and mode, in this order (the rules' positions)."""
    out: list[Rule] = []
    for language, mode, phrases in (
        ("nl", RuleMode.MENTION, nl),
        ("nl", RuleMode.NEGATED, nl_negated),
        ("nl", RuleMode.EXCLUDE, nl_exclude),
        ("en", RuleMode.MENTION, en),
        ("en", RuleMode.NEGATED, en_negated),
        ("en", RuleMode.EXCLUDE, en_exclude),
    ):
        out.extend((language, str(mode), p.strip()) for p in phrases.split("|") if p.strip())
    return tuple(out)


NEGATIVE, NEUTRAL, POSITIVE = str(Sentiment.NEGATIVE), str(Sentiment.NEUTRAL), str(Sentiment.POSITIVE)

STARTER_THEMES: tuple[StarterTheme, ...] = (
    StarterTheme(
        "waiting-time",
        "Waiting time",
        "Wachttijd",
        "#dc2626",
        NEGATIVE,
        "Waiting on the phone, in a queue or for an answer.",
        _rules(
            nl="wachten | wachttijd | wachtrij | wachtmuziek | minuten telefoon | minuten lijn | on hold | in de wacht",
            nl_exclude="wachttijd viel mee | wachttijd valt mee | geen wachttijd | korte wachttijd | kort gewacht"
            " | wachten viel mee | nauwelijks wachttijd",
            en="wait | waiting time | on hold | hold music | queue | minutes phone | minutes line",
            en_exclude="no waiting | no wait | short wait | wait short | wait was fine | barely any wait",
        ),
    ),
    StarterTheme(
        "not-called-back",
        "Not called back",
        "Niet teruggebeld",
        "#b91c1c",
        NEGATIVE,
        "A call back was promised or expected and did not come.",
        _rules(
            nl="beloofd terug te bellen | zouden terugbellen | zou terugbellen | terugbelverzoek genegeerd"
            " | belden niet | belde niet | bellen niet",
            nl_negated="teruggebeld | bellen terug | gebeld | terugbelverzoek",
            en="promised to call back | promised a call back | still waiting for a call | said they would call",
            en_negated="call back | callback | phoned back | phone back | rang back | ring back | got back to me"
            " | get back to me | heard back from anyone",
        ),
    ),
    StarterTheme(
        "passed-around",
        "Passed between departments",
        "Van het kastje naar de muur",
        "#7c3aed",
        NEGATIVE,
        "Transferred, put through or sent from one department to the next.",
        _rules(
            nl="doorverbonden | doorgeschakeld | doorgestuurd | kastje naar de muur | afdeling naar afdeling"
            " | andere afdeling | ander nummer bellen",
            en="transferred* | transfered* | passed around | passed from | pillar to post | another department"
            " | different department | department to department | bounced between | put through",
        ),
    ),
    StarterTheme(
        "repeat-story",
        "Telling the story again",
        "Verhaal opnieuw vertellen",
        "#9333ea",
        NEGATIVE,
        "Having to explain the same thing more than once.",
        _rules(
            nl="opnieuw vertellen | opnieuw uitleggen | verhaal opnieuw | verhaal herhalen | keer vertellen"
            " | keer uitleggen | keer mijn verhaal | hetzelfde verhaal | zelfde verhaal | mezelf herhalen"
            " | steeds opnieuw uitleggen | opnieuw gesteld | dezelfde vragen* | zelfde vragen*",
            en="explain again | explain everything again | tell again | story again | story times | same story"
            " | repeat myself | repeat my story | repeating myself | start from scratch | same questions again",
        ),
    ),
    StarterTheme(
        "unclear-letter",
        "Unclear letter or e-mail",
        "Onduidelijke brief of e-mail",
        "#ea580c",
        NEGATIVE,
        "A letter, e-mail or policy document that is hard to read or understand.",
        _rules(
            nl="onduidelijke brief | brief onduidelijk | onbegrijpelijke brief | brief onbegrijpelijk | vage brief"
            " | brief vaag | brief begrijp niet | brief snap niet | brief snapte niet | brief begreep niet"
            " | onduidelijke mail | mail onduidelijk | brief lezen | polis onduidelijk | onduidelijke polis"
            " | begrijp brief niet | begreep brief niet | snap brief niet | brief niet begrijp | brief niet begreep | brief niet snap",
            nl_negated="brief duidelijk | mail duidelijk | brief begrijpelijk",
            en="unclear letter | letter unclear | confusing letter | letter confusing | letter hard to read"
            " | letter hard to understand | email confusing | confusing email | letter vague"
            " | policy document confusing | letter made no sense",
            en_negated="letter clear | understand letter | letter understand | letter make sense",
        ),
    ),
    StarterTheme(
        "jargon",
        "Jargon and small print",
        "Vakjargon en kleine lettertjes",
        "#c2410c",
        NEGATIVE,
        "Legal or insurance language, article numbers, the small print.",
        _rules(
            nl="jargon | vakjargon | kleine lettertjes | kleine letters | juridische taal | ambtelijke taal"
            " | moeilijke woorden | moeilijke taal | artikel | artikelnummer* | wetsartikel*",
            en="jargon | small print | fine print | legal terms | legalese | legal language | article number*"
            " | insurance speak",
        ),
    ),
    StarterTheme(
        "extra-documents",
        "Extra documents and paperwork",
        "Extra documenten en papierwerk",
        "#a16207",
        NEGATIVE,
        "Asked again for documents, forms and proof; paperwork that could have been asked at once.",
        _rules(
            nl="extra documenten | nog een document | meer documenten | documenten opsturen | document opsturen"
            " | papierwerk | papierwinkel | papieren | nogmaals opsturen | opnieuw opsturen | weer opsturen | keer opsturen"
            " | bewijsstukken | dezelfde documenten | zelfde documenten | per post opsturen | per post sturen | per post versturen | post opgestuurd | te veel formulieren | veel formulieren"
            " | nog meer bewijs",
            nl_negated="alles in één keer",
            en="extra documents | more documents | another document | documents again | asked for documents"
            " | paperwork | send again | send everything again | more proof | another form | same documents | send by post | documents by post"
            " | paper copies | too many forms | many forms",
            en_negated="everything at once | all at once",
        ),
    ),
    StarterTheme(
        "no-status",
        "No idea of the status",
        "Geen zicht op de status",
        "#0e7490",
        NEGATIVE,
        "Not knowing where a claim or request stands; not kept informed.",
        _rules(
            nl="stand van zaken | hoe het ervoor staat | hoe het ervoor stond | in het ongewisse | geen idee waar | geen idee van de status"
            " | geen update | geen updates",
            nl_negated="op de hoogte | vertellen hoe | status | stand van zaken | hoe het ervoor staat | hoe het ervoor stond | waar ik aan toe | statusupdate*",
            en="no idea where | no idea what | in the dark | no update | no updates | no status | where my claim",
            en_negated="update | kept informed | keep informed | kept up to date | kept in the loop | status"
            " | where i stood | told status | tell status | told me where | where my claim",
        ),
    ),
    StarterTheme(
        "slow-handling",
        "Slow handling",
        "Trage afhandeling",
        "#b45309",
        NEGATIVE,
        "It took days, weeks or months; decisions and repairs that drag on.",
        _rules(
            nl="traag | trage | duurde lang | duurde weken | duurde maanden | weken geduurd | maanden geduurd"
            " | lang geduurd | lang duren | duurt lang | sneller | weken later | maanden later | lang op zich | na weken | weken op zich"
            " | na maanden | maanden op zich | liet op zich wachten",
            nl_negated="snel",
            en="slow | took ages | took weeks | took months | took forever | takes forever | takes ages | took too long"
            " | takes too long | taking too long"
            " | weeks later | months later | dragged on | only after",
            en_negated="quick | fast",
        ),
    ),
    StarterTheme(
        "app-crashes",
        "App crashes",
        "App crasht",
        "#be123c",
        NEGATIVE,
        "The app crashes, freezes, shows errors or does not work.",
        _rules(
            nl="crash* | gecrasht | app vast | app vastgelopen | app werkt niet | app werkte niet | app doet het niet"
            " | app hangt | app sluit af | app storing | app foutmelding | app bug",
            en="crash* | app froze | app frozen | app freezes | app error | app bug | app glitch | app stopped"
            " | app kept closing | app not working",
            en_negated="app work",
        ),
    ),
    StarterTheme(
        "form-problems",
        "Form lost or timed out",
        "Formulier vastgelopen of kwijt",
        "#e11d48",
        NEGATIVE,
        "An online form that times out, loses the photos or has to be filled in again.",
        _rules(
            nl="formulier vast | formulier vastgelopen | formulier kwijt | foto's kwijt | fotos kwijt | foto kwijt | foto's weg"
            " | kwijtgeraakt | gegevens weg | alles weg"
            " | alles kwijt | gegevens kwijt | opnieuw beginnen | opnieuw begonnen | opnieuw invullen"
            " | sessie verlopen | time out | timeout | formulier werkte niet | formulier werkt niet"
            " | steeds opnieuw invullen | weer opnieuw invullen | concept opslaan",
            nl_negated="opslaan | tussentijds opslaan",
            en="timed out | time out | timeout | photos gone | photos lost | lost photos | lost my photos"
            " | start again | start over | started over | form froze | form lost | fill in again | re enter"
            " | session expired | were lost",
            en_negated="save draft | save form | save claim | save progress",
        ),
    ),
    StarterTheme(
        "login-website",
        "Login and website problems",
        "Inloggen en website",
        "#db2777",
        NEGATIVE,
        "Logging in, passwords, activation codes, a website that is down or shows errors.",
        _rules(
            nl="inlogproblemen | inlogcode | activeringscode | activatiecode | wachtwoord | digid | foutmelding"
            " | website werkt niet | site werkt niet | website storing | storing website | website lag eruit"
            " | inloggen lukt niet | inloggen lukte niet | inloggen lukte pas",
            nl_negated="inloggen | ingelogd",
            en="login | log in problem | password | activation code | website down | site down | website error"
            " | error message | giving an error | gave an error | form error | locked out | unable to log",
            en_negated="log in | logged in | website work | site work",
        ),
    ),
    StarterTheme(
        "rude-staff",
        "Rude or unhelpful staff",
        "Onvriendelijke medewerker",
        "#991b1b",
        NEGATIVE,
        "Unfriendly, rude or unhelpful staff; not taken seriously.",
        _rules(
            nl="onvriendelijk | onbeschoft | kortaf | arrogant | ongeïnteresseerd | afgesnauwd | snauw*"
            " | neerbuigend | opgehangen | onbehulpzaam | onbeleefd | ongeduldig | luisterde niet | luisterden niet | luistert niet",
            nl_negated="vriendelijk | behulpzaam | serieus genomen | geluisterd",
            en="rude | unfriendly | impolite | arrogant | unhelpful | condescending | snapped at | hung up"
            " | dismissive | impatient",
            en_negated="friendly* | helpful* | polite | take seriously | taken seriously | listen",
        ),
    ),
    StarterTheme(
        "claim-rejected",
        "Claim rejected",
        "Claim afgewezen",
        "#7f1d1d",
        NEGATIVE,
        "A claim refused or not covered.",
        _rules(
            nl="afgewezen | afwijzing | geweigerd | uitgesloten",
            nl_negated="vergoed | gedekt | verzekerd | onder de dekking",
            en="rejected | rejection | declined | refused | denied",
            en_negated="covered | reimbursed",
        ),
    ),
    StarterTheme(
        "premium-price",
        "Price and premium",
        "Prijs en premie",
        "#f59e0b",
        NEGATIVE,
        "Too expensive, a premium that went up, fees nobody mentioned; better deals for new customers.",
        _rules(
            nl="te duur | duurder* | prijzig | premie omhoog | premie verhoogd | premie gestegen | premieverhoging"
            " | prijsverhoging | eigen risico | nieuwe klanten | eenmalige kosten | extra kosten | verborgen kosten"
            " | kosten omhoog",
            en="expensive | overpriced | premium went up | premium up | premium increase | premium rose | price increase"
            " | price rose"
            " | price went up | new customers | one off fee | hidden costs | extra costs | extra fee | rip off",
        ),
    ),
    StarterTheme(
        "no-explanation",
        "No explanation",
        "Geen uitleg",
        "#92400e",
        NEGATIVE,
        "A decision, change or letter without an explanation or reason.",
        _rules(
            nl="zonder reden | geen reden opgegeven | onduidelijk waarom",
            nl_negated="uitleg | uitgelegd | toelichting | onderbouwing | waarom",
            en="no reason | without reason | unexplained | no idea why",
            en_negated="explanation | explain | explained why | reason given | tell me why | told me why",
        ),
    ),
    StarterTheme(
        "availability",
        "Hard to reach",
        "Slecht bereikbaar",
        "#6d28d9",
        NEGATIVE,
        "Opening hours, office hours only, nobody picking up the phone.",
        _rules(
            nl="slecht bereikbaar | onbereikbaar | kantooruren | openingstijden | alleen doordeweeks"
            " | alleen op werkdagen | alleen overdag | telefoon niet op | nam niet op | namen niet op | neemt niet op",
            nl_negated="bereikbaar | nam op | namen op | opgenomen | neemt op",
            en="office hours | opening hours | only on weekdays | only weekdays | hard to reach | unreachable"
            " | impossible to reach",
            en_negated="get through | got through | picked up | pick up | answer the phone | answered the phone",
        ),
    ),
    StarterTheme(
        "no-reply",
        "No or late reply",
        "Geen of late reactie",
        "#475569",
        NEGATIVE,
        "An e-mail, message or complaint that got no answer, or one only after days.",
        _rules(
            nl="onbeantwoord | wachten op reactie | wachten op antwoord | nooit meer iets gehoord | reageerden niet"
            " | reageerde niet | reageert niet | reageren niet | dagen antwoord | weken antwoord | dagen reactie",
            nl_negated="reactie | antwoord | gehoord | gereageerd | ontvangstbevestiging",
            en="unanswered | waiting for a reply | waiting for an answer | waiting for a response | days to answer"
            " | days to reply | weeks to answer | days to respond",
            en_negated="reply | replied | response | respond | answer | heard back | acknowledgement",
        ),
    ),
    StarterTheme(
        "payment-delay",
        "Payment delayed",
        "Uitbetaling laat op zich wachten",
        "#854d0e",
        NEGATIVE,
        "The money of a claim or a refund that does not arrive.",
        _rules(
            nl="uitbetaling duurde | uitbetaling laat | wachten op uitbetaling | wachten op mijn geld | wachten op geld"
            " | geld nog steeds niet | uitbetaling liet | uitbetaling op zich",
            nl_negated="uitbetaald | geld ontvangen | geld binnen | terugbetaald",
            en="payment delayed | delayed payment | late payment | payment late | waiting for payment"
            " | waiting for my money | payout took | payment took",
            en_negated="paid out | been paid | received payment | received the money | receive money | refunded",
        ),
    ),
    StarterTheme(
        "appointments",
        "Appointments and the loss adjuster",
        "Afspraken en de expert",
        "#9d174d",
        NEGATIVE,
        "Appointments moved or missed, an expert who comes late or has not read the file.",
        _rules(
            nl="kwam te laat | expert te laat | afspraak verzet | afspraak afgezegd | afspraak geannuleerd"
            " | afspraak verplaatst | keer verzet | niet opdagen | niet komen opdagen | dossier niet gelezen",
            nl_negated="kwam opdagen | dossier gelezen",
            en="came late | arrived late | adjuster late | appointment moved | appointment cancelled"
            " | appointment rescheduled | rescheduled | moved twice | no show | kept me waiting all day",
            en_negated="showed up | turned up | read my file",
        ),
    ),
    StarterTheme(
        "hard-to-cancel",
        "Hard to cancel",
        "Moeilijk opzeggen",
        "#4c1d95",
        NEGATIVE,
        "Cancelling a policy or contract made difficult.",
        _rules(
            nl="opzeggen ingewikkeld | opzeggen moeilijk | moeilijk opzeggen | opzeggen lastig | lastig opzeggen"
            " | opzeggen omslachtig | opzeggen kon alleen | opzeggen kan alleen | opzegging ingewikkeld",
            nl_negated="opzeggen | opgezegd",
            en="difficult to cancel | hard to cancel | cancelling difficult | cancelling made difficult"
            " | cancelling hard | cancel only by | cancelling was a nightmare",
            en_negated="cancel online | cancel my policy | cancel the policy | cancel my contract | cancel contract"
            " | cancel my insurance",
        ),
    ),
    StarterTheme(
        "personal-contact",
        "Personal contact",
        "Persoonlijk contact",
        "#64748b",
        NEUTRAL,
        "Wanting or having a person to talk to: a fixed contact, a human instead of an app or a bot.",
        _rules(
            nl="persoonlijk contact | vaste contactpersoon | contactpersoon | echt mens | echte mens"
            " | met een mens | chatbot | persoonlijke aandacht | standaardantwoord* | aanspreekpunt",
            en="personal contact | real person | human being | speak to a human | talk to a human | contact person"
            " | one contact | chatbot | personal touch | standard answers",
        ),
    ),
    StarterTheme(
        "friendly-staff",
        "Friendly staff",
        "Vriendelijke medewerker",
        "#16a34a",
        POSITIVE,
        "Friendly, helpful, patient people.",
        _rules(
            nl="vriendelijk | behulpzaam | aardige* | aardig geholpen | geduldig | meelevend | empathisch"
            " | begripvol | prettig contact | fijne medewerker | dacht mee | denkt mee | meegedacht"
            " | top medewerker",
            en="friendly* | helpful* | polite | patient | empath* | courteous | lovely agent | lovely lady"
            " | listened | staff great | agent great | staff were great | agent was great | kind agent | very kind",
            en_exclude="user friendly",
        ),
    ),
    StarterTheme(
        "quick-handling",
        "Quick handling",
        "Snelle afhandeling",
        "#059669",
        POSITIVE,
        "Quickly helped, paid or sorted.",
        _rules(
            nl="snel geholpen | snel geregeld | snel afgehandeld | snelle afhandeling | snel uitbetaald"
            " | snel opgelost | snelle reactie | snel antwoord | snel gereageerd | binnen een dag | dezelfde dag nog"
            " | dezelfde dag geregeld | dezelfde dag geholpen | dezelfde dag uitbetaald | snelle uitbetaling | al uitbetaald"
            " | vlot | razendsnel | supersnel | meteen geholpen | direct geholpen",
            en="quick | fast | speedy | prompt | sorted same day | paid same day | same day payment | within a day"
            " | within hours | in no time"
            " | straight away | right away",
        ),
    ),
    StarterTheme(
        "clear-information",
        "Clear information",
        "Duidelijke informatie",
        "#0d9488",
        POSITIVE,
        "Clear explanations, letters and information; knowing where one stands.",
        _rules(
            nl="duidelijke uitleg | duidelijk uitgelegd | duidelijke informatie | duidelijke info | duidelijke brief"
            " | brief duidelijk | legde duidelijk uit | legt duidelijk uit | duidelijk verteld | heldere uitleg | helder uitgelegd | goed uitgelegd | goede uitleg"
            " | waar ik aan toe | duidelijke mail | begrijpelijke taal",
            en="clear explanation | clearly explained | explained clearly | explained well | well explained"
            " | clear information | clear letter | letter clear | information clear | explanation clear"
            " | easy to understand | knew where i stood | plain language",
        ),
    ),
    StarterTheme(
        "easy-to-use",
        "Easy to use",
        "Makkelijk in gebruik",
        "#2563eb",
        POSITIVE,
        "Self-service that works: an easy app or website, simple to arrange.",
        _rules(
            nl="makkelijk | gemakkelijk | eenvoudig | gebruiksvriendelijk* | handige app | app handig | app werkt goed"
            " | app werkt prima | app werkte prima | app werkte goed | online geregeld | app geregeld",
            en="easy | easily | simple to | simple and quick | very simple | so simple | really simple"
            " | user friendly | straightforward | app great | app work well | app works great | handy app"
            " | app handy",
        ),
    ),
    StarterTheme(
        "sorted-first-time",
        "Sorted in one go",
        "In één keer geregeld",
        "#65a30d",
        POSITIVE,
        "Resolved at the first contact, without hassle.",
        _rules(
            nl="in één keer geregeld | in één gesprek | in één keer goed | meteen geregeld"
            " | direct geregeld | meteen opgelost | direct opgelost | zonder gedoe | prima geregeld | goed geregeld"
            " | netjes geregeld | perfect geregeld | snel geregeld",
            en="in one call | in one go | first time right | right first time | sorted* | no hassle | hassle free"
            " | without hassle | without any hassle | resolved | solved",
        ),
    ),
)


@transaction.atomic
def load_starter_codebook() -> int:
    """Create the starter themes that are missing (by key), with their rules; returns how many were created.
    Idempotent. Does not raise the codebook's version: the caller does (metrics.themes.services)."""
    existing = set(Theme.objects.filter(key__in=[t.key for t in STARTER_THEMES]).values_list("key", flat=True))
    missing = [t for t in STARTER_THEMES if t.key not in existing]
    if not missing:
        return 0
    themes = Theme.objects.bulk_create(
        Theme(
            key=t.key,
            name_en=t.name_en,
            name_nl=t.name_nl,
            colour=t.colour,
            sentiment=t.sentiment,
            description=t.description,
        )
        for t in missing
    )
    if any(theme.pk is None for theme in themes):  # a database that does not return the new ids
        by_key = dict(Theme.objects.filter(key__in=[t.key for t in missing]).values_list("key", "pk"))
        for theme in themes:
            theme.pk = by_key[theme.key]
    rules = ThemeRule.objects.bulk_create(
        ThemeRule(theme_id=theme.pk, language=language, mode=mode, phrase=phrase, position=position)
        for theme, starter in zip(themes, missing, strict=True)
        for position, (language, mode, phrase) in enumerate(starter.rules)
    )
    # bulk_create is past the model signals: one summary row in the audit trail, the themes created.
    record(
        audit_actions.CREATE,
        object_type="metrics.theme",
        object_repr=f"starter codebook: {len(themes)} themes",
        detail={"themes": len(themes), "rules": len(rules), "keys": [t.key for t in missing]},
    )
    return len(themes)
