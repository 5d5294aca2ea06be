"""Realistic verbatim comments, Dutch and English, as respondents write them: (text, text as stored).

Positives carry personal data of each kind in the spellings seen in practice; look-alikes carry the numbers a
comment is full of (amounts, dates, times, years, percentages, scores, order, policy, claim and ticket numbers)
which must stay as they are. The IBANs are the published example numbers, the BSNs pass the 11-test."""

from __future__ import annotations

POSITIVES: list[tuple[str, str]] = [
    # E-mail
    (
        "Graag terugbellen of mailen naar j.de.vries@gmail.com, ik wacht al drie weken.",
        "Graag terugbellen of mailen naar [e-mail], ik wacht al drie weken.",
    ),
    (
        "Please reply to sarah.o'neill+claims@company.co.uk instead of my old address.",
        "Please reply to [e-mail] instead of my old address.",
    ),
    (
        "Mijn mail is PIETJE.PUK@Hotmail.NL (hoofdletters maakt niet uit)",
        "Mijn mail is [e-mail] (hoofdletters maakt niet uit)",
    ),
    # Phone, Dutch mobile and landline
    ("Bel me op 06-12345678 na 17:00 uur.", "Bel me op [phone] na 17:00 uur."),
    (
        "Mijn nummer: 06 1234 5678. Gaf een 3 want niemand belde terug.",
        "Mijn nummer: [phone]. Gaf een 3 want niemand belde terug.",
    ),
    ("bereikbaar op +31 6 12345678 of +31(0)6-87654321", "bereikbaar op [phone] of [phone]"),
    ("Vast nummer 0031 20 123 4567, mobiel 0612345678", "Vast nummer [phone], mobiel [phone]"),
    ("Kantoor: 020-1234567 (vragen naar Anja)", "Kantoor: [phone] (vragen naar Anja)"),
    ("Bel (020) 123 45 67 tussen 9 en 12", "Bel [phone] tussen 9 en 12"),
    ("Call me on +44 20 7946 0958, I am in London until 12 May.", "Call me on [phone], I am in London until 12 May."),
    ("Reach me at +1 (555) 123-4567 any time after 3pm", "Reach me at [phone] any time after 3pm"),
    ("Telefoon 010-4567890. Of 0800-0123 (gratis)", "Telefoon [phone]. Of [phone] (gratis)"),
    # IBAN
    ("Stort het maar terug op NL91 ABNA 0417 1643 00 alstublieft", "Stort het maar terug op [IBAN] alstublieft"),
    (
        "Refund to my account NL20INGB0001234567 please, the € 49,95 was charged twice.",
        "Refund to my account [IBAN] please, the € 49,95 was charged twice.",
    ),
    ("Mein Konto: DE89 3704 0044 0532 0130 00.", "Mein Konto: [IBAN]."),
    ("UK account GB82WEST12345698765432 was debited on 03/04/2024", "UK account [IBAN] was debited on 03/04/2024"),
    ("rekening be68539007547034 (Belgisch)", "rekening [IBAN] (Belgisch)"),
    # BSN
    ("Mijn BSN is 111222333, dat staat ook op het formulier.", "Mijn BSN is [BSN], dat staat ook op het formulier."),
    (
        "burgerservicenummer 1234.56.782 klopt niet in jullie systeem",
        "burgerservicenummer [BSN] klopt niet in jullie systeem",
    ),
    ("BSN: 123 456 782 - graag corrigeren", "BSN: [BSN] - graag corrigeren"),
    # Address
    ("Pakket kwam niet aan op 1234 AB 12, wel bij de buren.", "Pakket kwam niet aan op [address], wel bij de buren."),
    ("Adres 1234AB 12-a, tweede verdieping", "Adres [address], tweede verdieping"),
    ("postcode 1234 ab, nr 5 graag noteren", "postcode [address] graag noteren"),
    (
        "Ik woon op Dorpsstraat 12, 1234 AB Ons Dorp en de monteur kwam niet.",
        "Ik woon op [address] Ons Dorp en de monteur kwam niet.",
    ),
    (
        "De brief ging naar Van Goghlaan 7b 3521 KL in plaats van mijn nieuwe adres",
        "De brief ging naar [address] in plaats van mijn nieuwe adres",
    ),
    # Several at once
    (
        "Naam: Jan. Tel 06-98765432, mail jan@voorbeeld.nl, IBAN NL91ABNA0417164300, BSN 111222333.",
        "Naam: Jan. Tel [phone], mail [e-mail], IBAN [IBAN], BSN [BSN].",
    ),
]

LOOK_ALIKES: list[str] = [
    "Mijn polisnummer 123456789 werd niet herkend.",  # fails the 11-test
    "Claimnummer 2024-118734, schadedatum 12-03-2024.",
    "Order 987654321 was late by 3 days.",  # fails the 11-test
    "Ik betaal al € 1.234,56 per jaar en nu weer € 89,- extra!",
    "Paid £1,250.00 and another $ 99.99 for nothing",
    "Afspraak op 12-03-2024 om 10:30 werd verzet naar 14-03-2024 15:45.",
    "Appointment on 01-03-2024 10:30 was cancelled",
    "Sinds 2019 klant, in 2023 en 2024 steeds slechter.",
    "Rente ging van 3,5% naar 4.25% zonder uitleg",
    "Ik gaf een 9 want de monteur was top, vorig jaar een 6.",
    "I gave 10/10, would give 11 if I could.",
    "Ticket #48213 staat al 14 dagen open.",
    "Ticketnummer INC-2024-00123, referentie REF0612345678.",
    "Case 00042137 still not solved after 2 calls",
    "Wachttijd was 45 minuten, 3 keer doorverbonden.",
    "Versie 2.13.4 van de app crasht bij inloggen",
    "Kenteken 12-ABC-3 werd niet gevonden in de app",
    "Factuur 2024/0031 klopt niet, bedrag 1.050,00",
    "Temperature was 21.5 degrees in the waiting room at 09:15",
    "Dossier NL-2024-778812 is nog steeds niet behandeld",
    "Het contractnummer is AB12 3456 7890, niet 3456.",  # an IBAN's shape, fails mod-97
    "Gebeld op 06-03 om 09.30 en 10.15, niemand nam op.",
    "Ik kreeg 2x een brief van 3 pagina's, 1 keer te laat.",
    "Score 0 1 2 3 4 5 6 7 8 9 10, I pick 7",
]
