"""Written complaint patterns: brand mentions that are questions or reports, and what they mean.

General sentiment data labels "@airline flight 123 still on the tarmac, 2 hours" or "where is my bag?" as
neutral far too often: there is no sentiment word in them. To a brand team they are complaints. This module
writes such patterns in the served languages (negative), together with genuinely neutral questions (opening
hours, availability: a question alone is not a complaint) and a few thanks after a resolved problem
(positive), so the model learns the difference instead of a rule "question = negative".

Everything is generated from the templates below with a seeded RNG: no data is read, nothing is copied from
the training sets. :func:`examples` is what ``train.py`` mixes into training (``--complaints N``).
"""

from __future__ import annotations

import random

BRANDS = [
    "@airline",
    "@bank",
    "@shop",
    "@telco",
    "@parcel",
    "@app",
    "@energy",
    "@insurer",
    "@hotel",
    "@rail",
    "@Delta",
    "@united",
    "@Allegro",
    "@bolcom",
    "@ING",
    "@PKOBP",
    "@Zalando",
    "@Vodafone",
    "@Orange",
]

# {b} brand, {n} small number, {h} hours, {d} days, {id} order/flight/ticket number
NEGATIVE = {
    "en": [
        "{b} flight {id} still on the tarmac, {h} hours now",
        "{b} where is my bag? landed {h} hours ago",
        "{b} ordered {d} days ago and still nothing. where is it?",
        "been on hold with {b} for {n}0 minutes",
        "{b} any update on my refund? it's been {d} weeks",
        "{b} why does the app log me out every time I open it?",
        "{b} my card was charged twice for order {id}",
        "{b} third time asking: when will someone call me back?",
        "{b} package marked delivered but it's not here",
        "{b} flight {id} cancelled again, no email, no rebooking",
        "{b} is your website down? can't log in since this morning",
        "{b} internet has been down for {d} days in our street",
        "still waiting for {b} to fix the outage, day {d}",
        "{b} so I just lose the money then?",
        "{b} how many more hours do we sit at gate {n}?",
        "{b} the chat closed on me again after {n}0 minutes in the queue",
        "{b} ticket #{id} open for {d} weeks, no answer",
        "{b} can someone explain the extra fee on my bill?",
        "{b} delayed {h} hours and counting, no info at the desk",
        "{b} my parcel has been 'in transit' for {d} days",
        "{b} app crashes on startup after the update",
        "{b} you cancelled my order without telling me?",
        "{b} is anyone actually reading these DMs?",
        "{b} second broken item in a row. what now?",
    ],
    "pl": [
        "{b} gdzie jest moja paczka? zamówienie {id} sprzed {d} dni",
        "{b} od {n}0 minut czekam na infolinii",
        "{b} kiedy zwrot pieniędzy? minęły już {d} tygodnie",
        "{b} aplikacja znowu nie działa, nie mogę się zalogować",
        "{b} pobraliście opłatę dwa razy za zamówienie {id}",
        "{b} lot {id} opóźniony o {h} godziny i zero informacji",
        "{b} paczka oznaczona jako doręczona, a jej nie ma",
        "{b} trzeci raz piszę i nikt nie odpowiada",
        "{b} internet nie działa od {d} dni, kiedy naprawa?",
        "{b} czy ktoś w końcu odpisze na reklamację {id}?",
        "{b} skąd ta dodatkowa opłata na fakturze?",
        "{b} kurier nie przyszedł, a status mówi co innego",
    ],
    "nl": [
        "{b} waar blijft mijn pakket? besteld {d} dagen geleden",
        "{b} al {n}0 minuten in de wacht bij de klantenservice",
        "{b} wanneer krijg ik mijn geld terug? al {d} weken",
        "{b} de app werkt weer niet, kan niet inloggen",
        "{b} twee keer afgeschreven voor bestelling {id}",
        "{b} trein {id} weer uitgevallen, geen informatie",
        "{b} pakket staat op bezorgd maar het is er niet",
        "{b} derde keer dat ik het vraag: wie belt mij terug?",
        "{b} internet ligt er al {d} dagen uit, wanneer is het opgelost?",
        "{b} waarom staat er een extra bedrag op mijn rekening?",
        "{b} de bezorger is niet geweest en nu moet ik het zelf ophalen?",
    ],
    "de": [
        "{b} wo bleibt mein Paket? Bestellung {id} vor {d} Tagen",
        "{b} seit {n}0 Minuten in der Warteschleife",
        "{b} wann kommt meine Erstattung? schon {d} Wochen",
        "{b} Flug {id} hängt seit {h} Stunden auf dem Rollfeld",
        "{b} App stürzt nach dem Update ständig ab",
        "{b} Paket als zugestellt markiert, ist aber nicht da",
    ],
    "fr": [
        "{b} où est mon colis ? commandé il y a {d} jours",
        "{b} ça fait {n}0 minutes que j'attends au téléphone",
        "{b} toujours pas de remboursement après {d} semaines",
        "{b} vol {id} bloqué sur le tarmac depuis {h} heures",
        "{b} l'appli plante à chaque ouverture depuis la mise à jour",
        "{b} colis indiqué livré mais je n'ai rien reçu",
    ],
    "es": [
        "{b} ¿dónde está mi pedido? lo hice hace {d} días",
        "{b} llevo {n}0 minutos esperando al teléfono",
        "{b} ¿cuándo me devolvéis el dinero? ya van {d} semanas",
        "{b} vuelo {id} con {h} horas de retraso y sin información",
        "{b} la app se cierra sola desde la actualización",
        "{b} el paquete figura como entregado pero no ha llegado",
    ],
    "it": [
        "{b} dov'è il mio pacco? ordinato {d} giorni fa",
        "{b} sono in attesa al telefono da {n}0 minuti",
        "{b} ancora nessun rimborso dopo {d} settimane",
        "{b} volo {id} fermo sulla pista da {h} ore",
        "{b} l'app si blocca a ogni avvio dopo l'aggiornamento",
    ],
    "pt": [
        "{b} cadê minha encomenda? pedi há {d} dias",
        "{b} estou há {n}0 minutos esperando no telefone",
        "{b} até agora nada do reembolso, já são {d} semanas",
        "{b} voo {id} parado na pista há {h} horas",
        "{b} o app fecha sozinho depois da atualização",
    ],
}

NEUTRAL = {
    "en": [
        "{b} do you ship to Canada?",
        "{b} what time does the store open on Sunday?",
        "{b} is the {n}0% discount valid online too?",
        "{b} flight {id} boarding at gate {n}",
        "{b} how do I change the email on my account?",
        "heading to the {b} store later",
    ],
    "pl": [
        "{b} czy wysyłacie za granicę?",
        "{b} o której otwieracie w sobotę?",
        "{b} jak zmienić adres e-mail w koncie?",
    ],
    "nl": [
        "{b} bezorgen jullie ook in België?",
        "{b} hoe laat gaan jullie open op zondag?",
        "{b} hoe wijzig ik mijn adres?",
    ],
    "de": ["{b} liefert ihr auch nach Österreich?", "{b} wann öffnet ihr am Samstag?"],
    "fr": ["{b} vous livrez en Belgique ?", "{b} à quelle heure ouvrez-vous dimanche ?"],
    "es": ["{b} ¿hacéis envíos a Portugal?", "{b} ¿a qué hora abrís el domingo?"],
    "it": ["{b} spedite anche in Svizzera?", "{b} a che ora aprite la domenica?"],
    "pt": ["{b} vocês entregam em Portugal?", "{b} que horas abrem no domingo?"],
}

POSITIVE = {
    "en": ["{b} bag arrived this morning, thanks for sorting it out!", "{b} refund came through, great service"],
    "pl": ["{b} paczka już dotarła, dzięki za szybką pomoc!"],
    "nl": ["{b} pakket is binnen, bedankt voor de snelle hulp!"],
    "de": ["{b} Paket ist angekommen, danke für die schnelle Hilfe!"],
    "fr": ["{b} colis bien reçu, merci pour la réactivité !"],
    "es": ["{b} ya llegó el paquete, ¡gracias por la ayuda!"],
    "it": ["{b} pacco arrivato, grazie per l'aiuto!"],
    "pt": ["{b} encomenda chegou, obrigado pela ajuda!"],
}


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        b=rng.choice(BRANDS),
        n=rng.randint(2, 9),
        h=rng.randint(2, 6),
        d=rng.randint(3, 21),
        id=f"{rng.choice('ABDKLU')}{rng.randint(100, 9999)}",
    )


def examples(n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """``n`` generated ``(lang, label, text)`` rows: about 70% complaints, 20% neutral questions, 10% thanks."""
    rng = random.Random(seed)
    rows = []
    for kind, bank, share in (("negative", NEGATIVE, 0.7), ("neutral", NEUTRAL, 0.2), ("positive", POSITIVE, 0.1)):
        langs = sorted(bank)
        for _ in range(round(n * share)):
            lang = rng.choice(langs)
            rows.append((lang, kind, _fill(rng.choice(bank[lang]), rng)))
    rng.shuffle(rows)
    return rows[:n]
