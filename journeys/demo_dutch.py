"""The demo organisation in Dutch: with settings.LANGUAGE_CODE "nl", `seed_demo` writes these texts instead of the
English ones (journeys, stages, touchpoints, personas, findings, teams, departments, actions, KPIs).

The demo's modules keep English keys (journeys.demo_content, teams.demo, metrics.demo): what is written goes
through `demo_text`, and what is looked up by name is read back through `english_of`, so the Dutch demo tells
the same story (the same weak touchpoints, the same improved one, the same targets and business cases).
"""

from django.conf import settings


def seeds_in_dutch() -> bool:
    return settings.LANGUAGE_CODE.split("-")[0] == "nl"


def demo_text(english: str) -> str:
    """The text to seed for `english` in the language of the installation (KeyError: a text without Dutch)."""
    return NL[english] if seeds_in_dutch() and english else english


def english_of(text: str) -> str:
    """The English key of a seeded text (itself when it is English, or not a demo text)."""
    return ENGLISH.get(text, text)


NL = {
    # Personas
    "Starter Sam": "Starter Sanne",
    "Starters, 20-30, first own home": "Starters, 20-30 jaar, eerste eigen huis",
    "I just want to know what I'm covered for, without the small print.": (
        "Ik wil gewoon weten waarvoor ik verzekerd ben, zonder kleine lettertjes."
    ),
    "Get insured quickly and online.\nUnderstand the cover in plain words.\nPay a fair monthly price.": (
        "Snel en online verzekerd zijn.\nDe dekking in gewone woorden begrijpen.\nEen eerlijke maandpremie betalen."
    ),
    "Jargon and long forms.\nWaiting for a letter by post.\nHaving to call during office hours.": (
        "Vakjargon en lange formulieren.\nWachten op een brief per post.\nMoeten bellen tijdens kantooruren."
    ),
    "Family Fatima": "Gezin Fatima",
    "Families with home, car and travel insurance": "Gezinnen met woon-, auto- en reisverzekering",
    "When something goes wrong I need one person who sorts it out.": (
        "Als er iets misgaat, wil ik één persoon die het regelt."
    ),
    "Everything arranged in one place.\nFast help when the children or the car need it.\nNo surprises on the bill.": (
        "Alles op één plek geregeld.\nSnelle hulp als de kinderen of de auto het nodig hebben.\n"
        "Geen verrassingen op de rekening."
    ),
    "Telling the same story twice.\nNot knowing the status of a claim.\nBeing passed between departments.": (
        "Twee keer hetzelfde verhaal vertellen.\nNiet weten hoe het met een schade staat.\n"
        "Van afdeling naar afdeling worden doorverbonden."
    ),
    "Loyal Lisa": "Trouwe Truus",
    "Customers for 15+ years, 60+": "Klanten van 15+ jaar, 60-plussers",
    "I've been with you for twenty years; I expect you to know me.": (
        "Ik ben al twintig jaar klant; ik verwacht dat jullie me kennen."
    ),
    "Keep good cover at a reasonable price.\nPersonal contact by phone.\nBe rewarded for loyalty.": (
        "Goede dekking houden voor een redelijke prijs.\nPersoonlijk contact per telefoon.\nBeloond worden voor trouw."
    ),
    "New customers get better deals.\nApps instead of people.\nLetters she does not understand.": (
        "Nieuwe klanten krijgen betere aanbiedingen.\nApps in plaats van mensen.\nBrieven die ze niet begrijpt."
    ),
    "Entrepreneur Erik": "Ondernemer Erik",
    "Self-employed and small businesses": "Zzp'ers en kleine bedrijven",
    "Time is money: settle it today, not next week.": "Tijd is geld: regel het vandaag, niet volgende week.",
    "Cover that fits the business.\nQuick decisions.\nOne contact who understands business risk.": (
        "Dekking die bij het bedrijf past.\nSnelle beslissingen.\nEén contactpersoon die bedrijfsrisico's begrijpt."
    ),
    "Generic products.\nSlow acceptance.\nForms that ask what you already know.": (
        "Standaardproducten.\nTrage acceptatie.\nFormulieren die vragen wat jullie al weten."
    ),
    # Open an account
    "Open an account": "Verzekering afsluiten",
    "From the first search for home insurance to a customer who feels welcome and knows the way.": (
        "Van de eerste zoektocht naar een woonverzekering tot een klant die zich welkom voelt en de weg weet."
    ),
    "Orientation": "Oriëntatie",
    "Find out which insurance I need": "Uitzoeken welke verzekering ik nodig heb",
    "Clear, honest information without a sales pitch": "Duidelijke, eerlijke informatie zonder verkooppraatje",
    "Search engine result": "Zoekresultaat in Google",
    "Relevant, recognisable result": "Relevant, herkenbaar resultaat",
    "Social media advertisement": "Advertentie op sociale media",
    "Not pushy": "Niet opdringerig",
    "Most young starters first hear about us through friends, not ads.": (
        "De meeste jonge starters horen via vrienden van ons, niet via advertenties."
    ),
    "Product pages on the website": "Productpagina's op de website",
    "Plain language, prices visible": "Begrijpelijke taal, prijzen zichtbaar",
    "Cover explained in legal terms; visitors leave the page within 20 seconds.": (
        "Dekking uitgelegd in juridische termen; bezoekers verlaten de pagina binnen 20 seconden."
    ),
    "Reviews and comparison sites": "Reviews en vergelijkingssites",
    "Honest scores": "Eerlijke beoordelingen",
    "Comparison": "Vergelijken",
    "Choose the best cover for a fair price": "De beste dekking kiezen voor een eerlijke prijs",
    "Compare options side by side": "Opties naast elkaar vergelijken",
    "Premium calculator": "Premiecalculator",
    "A price in under two minutes": "Binnen twee minuten een prijs",
    "The calculator asks for the construction year before showing any price.": (
        "De calculator vraagt naar het bouwjaar voordat er een prijs verschijnt."
    ),
    "Show an indicative price after three questions.": "Toon na drie vragen een indicatieprijs.",
    "Chat with an adviser": "Chatten met een adviseur",
    "An answer within a minute": "Binnen een minuut antwoord",
    "Call the sales line": "Bellen met de verkooplijn",
    "Short waiting time": "Korte wachttijd",
    "Average waiting time 9 minutes on Monday mornings.": "Gemiddelde wachttijd 9 minuten op maandagochtend.",
    "Brochure by email": "Brochure per e-mail",
    "Only what I asked for": "Alleen waar ik om vroeg",
    "Application": "Aanvraag",
    "Take out the insurance": "De verzekering afsluiten",
    "Quick, online, no paperwork": "Snel, online, zonder papierwerk",
    "Online application form": "Online aanvraagformulier",
    "Fill in once, finished in 10 minutes": "Eén keer invullen, in 10 minuten klaar",
    "38% drop out at the step that asks for previous claims.": (
        "38% haakt af bij de stap die naar eerdere schades vraagt."
    ),
    "Prefill known data from the address register.": "Vul bekende gegevens vooraf in uit de BAG.",
    "Identity check": "Identiteitscontrole",
    "Not having to send a copy of my passport": "Geen kopie van mijn paspoort hoeven sturen",
    "Customers don't trust uploading their passport.": "Klanten vertrouwen het uploaden van hun paspoort niet.",
    "Direct debit mandate": "Machtiging automatische incasso",
    "Simple and safe": "Eenvoudig en veilig",
    "Confirmation email": "Bevestigingsmail",
    "Immediate confirmation with next steps": "Direct een bevestiging met de volgende stappen",
    "Acceptance": "Acceptatie",
    "Know that I'm insured": "Weten dat ik verzekerd ben",
    "A decision the same day": "Dezelfde dag een besluit",
    "Acceptance review": "Acceptatiebeoordeling",
    "Decision within a day": "Binnen een dag een besluit",
    "Manual review takes 6 working days for 1 in 5 applications.": (
        "Handmatige beoordeling duurt bij 1 op de 5 aanvragen 6 werkdagen."
    ),
    "Automated acceptance for standard risks.": "Automatische acceptatie voor standaardrisico's.",
    "Additional questions by phone": "Aanvullende vragen per telefoon",
    "Only questions that matter": "Alleen vragen die ertoe doen",
    "Policy documents": "Polisdocumenten",
    "Readable policy, digital": "Leesbare polis, digitaal",
    "Policy arrives as a 40-page PDF.": "De polis komt als pdf van 40 pagina's.",
    "Welcome & onboarding": "Welkom & wegwijs",
    "Feel welcome and know how things work": "Me welkom voelen en weten hoe het werkt",
    "Personal welcome, app ready to use": "Persoonlijk welkom, app klaar voor gebruik",
    "Welcome email": "Welkomstmail",
    "Warm, useful, short": "Hartelijk, nuttig, kort",
    "Install the app and log in": "App installeren en inloggen",
    "Log in once, stay logged in": "Eén keer inloggen, ingelogd blijven",
    "Activation code arrives by letter, days later.": "De activatiecode komt dagen later per brief.",
    "Welcome call for business customers": "Welkomstgesprek voor zakelijke klanten",
    "A contact person who knows my business": "Een contactpersoon die mijn bedrijf kent",
    "Business customers with a welcome call renew 12% more often.": (
        "Zakelijke klanten met een welkomstgesprek verlengen 12% vaker."
    ),
    "First invoice": "Eerste premienota",
    "The price I was quoted": "De prijs die me is genoemd",
    "First invoice includes a one-off fee nobody mentioned.": (
        "De eerste nota bevat eenmalige poliskosten die niemand had genoemd."
    ),
    # Report a claim
    "Report a claim": "Schade melden",
    "From the moment damage happens until the repair is done and the customer is paid.": (
        "Van het moment dat de schade ontstaat tot het herstel klaar is en de klant is uitbetaald."
    ),
    "Damage occurs": "Schade ontstaat",
    "Limit the damage and get help": "De schade beperken en hulp krijgen",
    "Immediate, reassuring help": "Directe, geruststellende hulp",
    "Emergency line": "Alarmnummer",
    "Answered at once, day and night": "Direct opgenomen, dag en nacht",
    "Evening calls go to a third party that can't see the policy.": (
        "'s Avonds gaan gesprekken naar een externe partij die de polis niet kan inzien."
    ),
    "What-to-do pages": "Wat-te-doen-pagina's",
    "Clear steps for my situation": "Duidelijke stappen voor mijn situatie",
    "Emergency repair service": "Noodherstelservice",
    "A repairer within hours": "Binnen enkele uren een hersteller",
    "Report the claim": "De schade melden",
    "Report quickly and completely": "Snel en volledig melden",
    "Report in minutes, once": "In een paar minuten melden, één keer",
    "Claim form in the app": "Schadeformulier in de app",
    "Photos and details in one go": "Foto's en gegevens in één keer",
    "The app form times out after 15 minutes and loses the photos.": (
        "Het formulier in de app verloopt na 15 minuten en raakt de foto's kwijt."
    ),
    "Save drafts and allow adding photos later.": "Concepten bewaren en foto's later laten toevoegen.",
    "Claim by phone": "Schade melden per telefoon",
    "One call, no repeating": "Eén gesprek, niets herhalen",
    "Customers tell their story 2.3 times on average.": "Klanten vertellen hun verhaal gemiddeld 2,3 keer.",
    "Claim by email": "Schade melden per e-mail",
    "Confirmation that it arrived": "Bevestiging dat het is aangekomen",
    "Acknowledgement with claim number": "Ontvangstbevestiging met schadenummer",
    "A number and the next steps": "Een nummer en de volgende stappen",
    "Assessment": "Beoordeling",
    "Get the damage assessed fairly": "De schade eerlijk laten beoordelen",
    "An expert who listens": "Een expert die luistert",
    "Appointment with the loss adjuster": "Afspraak met de schade-expert",
    "A time that suits me": "Een tijd die mij uitkomt",
    "Appointments are only offered on weekdays 9-17.": "Afspraken kunnen alleen op werkdagen van 9 tot 17 uur.",
    "Loss adjuster visit": "Bezoek van de schade-expert",
    "Respectful, thorough, on time": "Respectvol, grondig, op tijd",
    "Request for extra documents": "Verzoek om extra documenten",
    "Ask everything at once": "Alles in één keer vragen",
    "One in three claims gets a second request for documents.": (
        "Bij een op de drie schades volgt een tweede verzoek om documenten."
    ),
    "Checklist per claim type in the app.": "Checklist per schadesoort in de app.",
    "Status update in the app": "Statusupdate in de app",
    "Always know where my claim is": "Altijd weten hoe mijn schade ervoor staat",
    "Push notifications at each status change.": "Pushberichten bij elke statuswijziging.",
    "Decision": "Besluit",
    "Know what will be paid": "Weten wat er wordt uitgekeerd",
    "A clear, explained decision": "Een duidelijk, onderbouwd besluit",
    "Decision letter": "Besluitbrief",
    "Understandable, with reasons": "Begrijpelijk, met redenen",
    "Rejections cite article numbers without explanation.": "Afwijzingen noemen artikelnummers zonder uitleg.",
    "Call from the claims handler": "Telefoontje van de schadebehandelaar",
    "Someone who explains": "Iemand die het uitlegt",
    "Objection procedure": "Bezwaarprocedure",
    "Fair and quick": "Eerlijk en snel",
    "Objections take 6 weeks on average.": "Een bezwaar duurt gemiddeld 6 weken.",
    "Repair & payment": "Herstel & uitkering",
    "Have it fixed and be paid": "Het laten herstellen en uitbetaald krijgen",
    "Quick repair, payment within days": "Snel herstel, binnen enkele dagen uitbetaald",
    "Choose a repairer": "Een hersteller kiezen",
    "Choice, or a recommended repairer": "Keuze, of een aanbevolen hersteller",
    "Repair by partner": "Herstel door partner",
    "Good work, no hassle": "Goed werk, geen gedoe",
    "Payment": "Uitkering",
    "Money within 5 days": "Binnen 5 dagen geld",
    "Paying within 48 hours lifts NPS by 20 points.": "Uitkeren binnen 48 uur verhoogt de NPS met 20 punten.",
    "Deductible invoice": "Nota eigen risico",
    "No surprise about the deductible": "Geen verrassing over het eigen risico",
    "Evaluation": "Evaluatie",
    "Close the claim and move on": "De schade afsluiten en verder gaan",
    "Being asked how it went": "Gevraagd worden hoe het ging",
    "Satisfaction survey": "Tevredenheidsonderzoek",
    "Short, and something is done with it": "Kort, en er wordt iets mee gedaan",
    "Call back every detractor within 2 working days.": "Bel elke criticaster binnen 2 werkdagen terug.",
    "Premium review after the claim": "Premieherziening na de schade",
    "No punishment for one claim": "Geen straf voor één schade",
    "Follow-up call by claims handler": "Nabelgesprek door de schadebehandelaar",
    "Personal closure of the claim": "Persoonlijke afronding van de schade",
    # Renew or cancel the contract
    "Renew or cancel the contract": "Verlengen of opzeggen",
    "The yearly renewal: the moment customers compare, decide to stay or leave.": (
        "De jaarlijkse verlenging: het moment waarop klanten vergelijken en besluiten te blijven of te vertrekken."
    ),
    "Renewal notice": "Verlengingsbericht",
    "Know what changes next year": "Weten wat er volgend jaar verandert",
    "An honest, personal renewal": "Een eerlijke, persoonlijke verlenging",
    "Renewal letter": "Verlengingsbrief",
    "New price explained": "Nieuwe prijs uitgelegd",
    "Premium increase is not explained; calls peak a week after the letters.": (
        "De premieverhoging wordt niet uitgelegd; een week na de brieven pieken de telefoontjes."
    ),
    "Renewal email": "Verlengingsmail",
    "Short, with a link to details": "Kort, met een link naar de details",
    "Overview in the app": "Overzicht in de app",
    "All my policies and prices at a glance": "Al mijn polissen en premies in één oogopslag",
    "Consider options": "Opties afwegen",
    "Check whether I'm still well insured for a fair price": "Nagaan of ik nog goed verzekerd ben voor een eerlijke prijs",
    "Help to compare, no pressure": "Hulp bij vergelijken, geen druk",
    "Comparison sites": "Vergelijkingssites",
    "Fair comparison": "Eerlijke vergelijking",
    "40% of leavers compared prices in the two weeks after the renewal letter.": (
        "40% van de vertrekkers vergeleek prijzen in de twee weken na de verlengingsbrief."
    ),
    "Policy check online": "Online polischeck",
    "Advice on over- or under-insurance": "Advies over over- of onderverzekering",
    "Proactive policy check for customers of 10+ years.": "Proactieve polischeck voor klanten van 10+ jaar.",
    "Loyalty offer": "Loyaliteitsaanbod",
    "Loyalty is rewarded": "Trouw wordt beloond",
    "New customers get a 10% discount loyal customers don't.": (
        "Nieuwe klanten krijgen 10% korting die trouwe klanten niet krijgen."
    ),
    "Contact": "Contact",
    "Ask my questions or announce that I'm leaving": "Mijn vragen stellen of laten weten dat ik vertrek",
    "Easy to reach, listened to": "Goed bereikbaar, er wordt geluisterd",
    "Call customer service": "Klantenservice bellen",
    "Someone who can decide": "Iemand die kan beslissen",
    "Agents can't offer any discount; customers are transferred to retention.": (
        "Medewerkers mogen geen korting geven; klanten worden doorverbonden met klantbehoud."
    ),
    "Chat": "Chat",
    "Quick answers": "Snelle antwoorden",
    "Cancellation form": "Opzegformulier",
    "Simple, no obstacles": "Eenvoudig, zonder drempels",
    "The cancellation form is hidden three levels deep.": "Het opzegformulier zit drie niveaus diep verstopt.",
    "Visit the local office": "Langs bij het kantoor in de buurt",
    "Personal advice": "Persoonlijk advies",
    "Renew or leave": "Verlengen of vertrekken",
    "Respect for my decision": "Respect voor mijn besluit",
    "Retention call": "Behoudgesprek",
    "A real offer, not a script": "Een echt aanbod, geen belscript",
    "Give agents a mandate for a loyalty discount up to 10%.": (
        "Geef medewerkers mandaat voor een loyaliteitskorting tot 10%."
    ),
    "Confirmation of renewal": "Bevestiging van de verlenging",
    "Clear confirmation": "Duidelijke bevestiging",
    "Cancellation confirmation": "Bevestiging van de opzegging",
    "Quick confirmation, no hassle": "Snelle bevestiging, geen gedoe",
    "Aftercare": "Nazorg",
    "Feel good about my choice": "Een goed gevoel over mijn keuze",
    "A warm goodbye or a thank you": "Een warm afscheid of een bedankje",
    "Thank-you message for renewing": "Bedankbericht voor het verlengen",
    "Appreciation": "Waardering",
    "Exit survey": "Vertrekenquête",
    "Short and useful": "Kort en nuttig",
    "Price is the main reason for leaving in 62% of exit surveys.": (
        "In 62% van de vertrekenquêtes is de prijs de belangrijkste reden om te vertrekken."
    ),
    "Win-back offer after 6 months": "Terugwinaanbod na 6 maanden",
    "Not spammy": "Niet opdringerig of spamachtig",
    # The redesign of "Report a claim" (journeys.demo._seed_future_state)
    "Claim form in the app, saved as you go": "Schadeformulier in de app, dat tussentijds bewaart",
    "Start now, add photos later, never lose what I typed": (
        "Nu beginnen, foto's later toevoegen, nooit kwijtraken wat ik typte"
    ),
    "Checklist of documents per claim type": "Checklist van documenten per schadesoort",
    "Know at once everything that is needed": "In één keer weten wat er nodig is",
    # Teams and departments
    "Team Becoming a customer": "Team Klant worden",
    "Marketing, sales and IT together on orientation, application and onboarding.": (
        "Marketing, verkoop en IT samen aan oriëntatie, aanvraag en welkom."
    ),
    "Team Being a customer": "Team Klant zijn",
    "Service, claims and operations on the everyday experience and on claims.": (
        "Service, schade en operations aan de dagelijkse klantbeleving en aan schades."
    ),
    "Team Staying a customer": "Team Klant blijven",
    "Retention, complaints and renewal, coached by an external CX coach.": (
        "Klantbehoud, klachten en verlenging, begeleid door een externe CX-coach."
    ),
    "Marketing": "Marketing",
    "Sales": "Verkoop",
    "Customer Service": "Klantenservice",
    "Claims": "Schadebehandeling",
    "Operations": "Bedrijfsvoering",
    "Finance": "Financiën",
    "IT": "IT",
    "Customer Experience": "Klantbeleving",
    "Start with the quick wins in the application form.": "Begin met de quick wins in het aanvraagformulier.",
    "Claims first: status updates and the documents checklist.": (
        "Eerst schade: statusupdates en de documentenchecklist."
    ),
    "Too broad. Come back with a business case for the loyalty discount.": (
        "Te breed. Kom terug met een business case voor de loyaliteitskorting."
    ),
    "Approved with the business case.": "Goedgekeurd met de business case.",
    # Improvement actions
    "Rewrite the cover pages in plain language": "Dekkingspagina's herschrijven in begrijpelijke taal",
    "Show an indicative price after three questions": "Na drie vragen een indicatieprijs tonen",
    "Extra sales staff on Monday mornings": "Extra verkoopmedewerkers op maandagochtend",
    "Ask about previous claims after the quote, not before": "Eerdere schades na de offerte vragen, niet ervoor",
    "Prefill the address from the address register": "Het adres vooraf invullen uit de BAG",
    "Identity check by bank login instead of a passport copy": "Identiteitscontrole via iDIN in plaats van een paspoortkopie",
    "Automated acceptance for standard risks": "Automatische acceptatie voor standaardrisico's",
    "Review the acceptance queue every morning": "Elke ochtend de acceptatiewachtrij beoordelen",
    "One-page policy summary on top of the documents": "Polissamenvatting van één pagina bovenop de documenten",
    "Activation code by text message instead of by letter": "Activatiecode per sms in plaats van per brief",
    "Mention the one-off fee in the quote": "De eenmalige poliskosten in de offerte noemen",
    "A welcome call for every business customer": "Een welkomstgesprek voor elke zakelijke klant",
    "Open the adviser chat until 21:00": "De adviseurschat open tot 21:00 uur",
    "Stop sending the brochure unasked": "Stoppen met ongevraagd de brochure sturen",
    "Ask the extra acceptance questions in the online form": "De extra acceptatievragen in het online formulier stellen",
    "Give the evening partner read access to policies": "De avondpartner leesrechten op polissen geven",
    "Save claim drafts and keep the photos": "Schadeconcepten bewaren en de foto's behouden",
    "Add photos to a claim after sending it": "Foto's toevoegen aan een schade na het versturen",
    "One claim file that every agent can see": "Eén schadedossier dat elke medewerker kan inzien",
    "Saturday appointments with the loss adjuster": "Zaterdagafspraken met de schade-expert",
    "A checklist of documents per claim type": "Een checklist van documenten per schadesoort",
    "A push notification at every status change": "Een pushbericht bij elke statuswijziging",
    "Explain a rejection in plain words, and call": "Een afwijzing in gewone woorden uitleggen, en bellen",
    "Decide on objections within two weeks": "Binnen twee weken over bezwaren beslissen",
    "Pay approved claims within 48 hours": "Goedgekeurde schades binnen 48 uur uitkeren",
    "Call back every detractor within two working days": "Elke criticaster binnen twee werkdagen terugbellen",
    "Show the deductible in the claim decision": "Het eigen risico in het schadebesluit tonen",
    "A follow-up call for large claims only": "Alleen een nabelgesprek bij grote schades",
    "What-to-do pages per type of damage": "Wat-te-doen-pagina's per soort schade",
    "Explain the premium increase in the renewal letter": "De premieverhoging uitleggen in de verlengingsbrief",
    "Renewal letter by email only for digital customers": "Verlengingsbrief alleen per e-mail voor digitale klanten",
    "A proactive policy check for customers of 10+ years": "Een proactieve polischeck voor klanten van 10+ jaar",
    "The new-customer discount for loyal customers too": "De nieuweklantenkorting ook voor trouwe klanten",
    "Let service agents offer a retention discount": "Servicemedewerkers een behoudkorting laten aanbieden",
    "Cancellation one click away from My policies": "Opzeggen op één klik vanaf Mijn polissen",
    "A retention mandate of up to 10% for agents": "Een behoudmandaat tot 10% voor medewerkers",
    "A price check before a cancellation is final": "Een prijscheck voordat een opzegging definitief is",
    "Renew a policy in the chat": "Een polis verlengen in de chat",
    "Confirm a cancellation by email the same day": "Een opzegging dezelfde dag per e-mail bevestigen",
    "No win-back mail to customers who left after a claim": "Geen terugwinmail aan klanten die na een schade vertrokken",
    # Follow-up outcomes (metrics.demo.OUTCOMES; the Dutch ones there are seeded as they are)
    "Called back, explained the next steps; the customer is satisfied.": (
        "Teruggebeld en de volgende stappen uitgelegd; de klant is tevreden."
    ),
    "Called back; the waiting time was the issue. Passed on to the action on the claim line.": (
        "Teruggebeld; de wachttijd was het probleem. Doorgegeven aan de actie op de schadelijn."
    ),
    "No answer twice; sent an email with a direct number.": (
        "Twee keer geen gehoor; een e-mail gestuurd met een direct nummer."
    ),
    # Custom KPIs
    "Customer retention": "Klantbehoud",
    "Customer lifetime value": "Klantwaarde (CLV)",
    "Number of customers": "Aantal klanten",
    "customers": "klanten",
    "Online claim conversion": "Conversie online schademelding",
    "Online application conversion": "Conversie online aanvraag",
    "Average handling time claims": "Gemiddelde afhandeltijd schades",
    "minutes": "minuten",
    "%": "%",
    "€": "€",
}

ENGLISH = {dutch: english for english, dutch in NL.items()}
