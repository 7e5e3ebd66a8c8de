#!/usr/bin/env python3
"""Generate the Polish and Dutch brands of the brandpulse demo sample (fictional, 2026-08-25 .. 2026-10-31).

Usage::

    .venv/bin/python -m demo.generate_pl_nl --out demo/sample

Standalone (standard library only, Python 3.11) and fully deterministic: one ``random.Random(SEED)``, no set
iteration, no clock.  For each brand it writes ``<out>/<slug>/mentions.csv`` (social-listening export, the same
columns and conventions as the English brands) and ``<out>/<slug>/reviews.jsonl`` (app/online reviews), plus a
README section (``--readme-section``) and the brands' config entries (``--brands-yaml``); a summary is printed.

- **Paczkolot** (``paczkolot``, Polish): parcel lockers ("automaty") and courier.  Competitor: Dostavo.  Planted
  incident 2026-10-14..16: app update 4.0 breaks remote locker opening and pick-up codes (volume ~3x, ~70 %
  negative), tailing off on 10-17/18 with hotfix 4.0.1.
- **Zoefiets** (``zoefiets``, Dutch, some Flemish): bike subscription with repair service.  Competitor: Velomaat.
  No incident, but a slow shift: a price increase announced mid-September and effective 2026-10-01 makes
  price/billing complaints (and the negative share) grow through October.

How it works (the same recipe as ``demo/generate_sample.py``):

1. daily volumes = weekly seasonality x mild trend x noise (x incident multiplier), scaled to a fixed total;
2. each day gets a sentiment mix (baseline ~22 % negative / ~40 % neutral / ~38 % positive) and each row a local
   time of day from an hourly profile (Europe/Warsaw and Europe/Amsterdam; DST ends 2026-10-25), stored in UTC;
3. texts are composed from the phrase banks below (opener + core sentence(s) + details + closer, emoji, hashtags,
   links; Polish case forms of the brand name and the writer's grammatical gender are filled in) and then roughened
   per language (typos, dropped diacritics, common misspellings, abbreviations, elongations, caps, lower case);
4. ~3 % of the texts are English (expats); 3 deliberately malformed rows per brand for the quarantine demo.

Template syntax in the phrase banks: ``{slot}`` a filler (``{b}`` brand alias in the nominative, ``{bG}``/``{bI}``/
``{bL}`` genitive/instrumental/locative, ``{B}`` canonical name, ``{c}``/``{C}`` competitor, ``{url}`` a news link;
other slots from the bank), ``[a|b]`` an inline alternative, ``<m|f>`` the masculine or feminine form, chosen by the
writer's gender ("zamówił<em|am>" -> "zamówiłem"/"zamówiłam").
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

SEED = 20261014
START = date(2026, 8, 25)
END = date(2026, 10, 31)  # inclusive
PERIOD_START = datetime(2026, 8, 25, tzinfo=UTC)
PERIOD_END = datetime(2026, 11, 1, tzinfo=UTC)  # exclusive
DST_END = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # CEST (+02:00) -> CET (+01:00), Warsaw and Amsterdam alike

MENTION_COLUMNS = ["post_id", "platform", "channel", "author", "posted_at", "body", "link", "likes", "replies"]
REVIEW_KEYS = [
    "review_id",
    "store",
    "user_name",
    "date",
    "rating",
    "title",
    "content",
    "thumbs_up",
    "lang",
    "app_version",
]
ENGLISH_SHARE = 0.03  # exactly this share of each brand's rows is English
BASE_MIX = (0.225, 0.375)  # (negative, positive); neutral is the rest


def lines(block: str) -> list[str]:
    """One phrase per non-empty line, surrounding whitespace stripped."""
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


# ====================================================================================================================
# Paczkolot (Polish): parcel lockers ("automaty", "skrytki") and courier, with an app.  Competitor: Dostavo.
# The brand name declines (Paczkolot, Paczkolotu, Paczkolotem, Paczkolocie); Dostavo does not.
# ====================================================================================================================
# The phrase banks and configuration tables below are hand-aligned; keep the formatter away from them.
# fmt: off
PL = {
    "lang": "pl",
    "forms": {  # case -> {alias: weight}
        "N": {"Paczkolot": 50, "paczkolot": 28, "PACZKOLOT": 1},
        "G": {"Paczkolotu": 55, "paczkolotu": 30},
        "I": {"Paczkolotem": 55, "paczkolotem": 30},
        "L": {"Paczkolocie": 55, "paczkolocie": 28, "Paczkolot": 2},
        "D": {"Paczkolotowi": 55, "paczkolotowi": 20},
    },
    "handle": "@Paczkolot",
    "hashtag": "#paczkolot",
    "cforms": {"N": "Dostavo", "G": "Dostavo", "I": "Dostavo", "L": "Dostavo", "D": "Dostavo"},
    "slots": {
        "n": lines("2\n3\n4\n5\ndwa\ntrzy\nkilka"),
        "days": lines(
            "3 dni\ntrzy dni\n4 dni\n5 dni\ntydzień\nponad tydzień\ndwa tygodnie\n6 dni\nprawie dwa tygodnie"
        ),
        "daysG": lines(  # the same spans in the genitive, after "od"
            "3 dni\ntrzech dni\n4 dni\n5 dni\ntygodnia\nponad tygodnia\ndwóch tygodni\n6 dni\nprawie dwóch tygodni"
        ),
        "hours": lines("godzinę\ndwie godziny\n40 minut\npółtorej godziny\n3 godziny\n50 minut"),
        "time_ref": lines(
            "dziś rano\nwczoraj\nwczoraj wieczorem\nw poniedziałek\nw piątek\nprzedwczoraj\ndzisiaj\nw weekend\n"
            "tydzień temu\nw środę"
        ),
        "time_fut": lines("jutro\nw czwartek\npo weekendzie\nw poniedziałek\npojutrze\nnajpóźniej w piątek"),
        "weekday_od": lines("od poniedziałku\nod wtorku\nod środy\nod czwartku\nod piątku\nod soboty\nod wczoraj"),
        "time_clock": lines("8:14\n10:52\n13:07\n14:36\n16:41\n11:03\n19:58\n9:20\n12:15\n17:47\n21:05"),
        "time_window": lines("między 10 a 14\ndo 12\nprzed południem\nmiędzy 8 a 16\nrano"),
        "cityG": lines(
            "Warszawy\nKrakowa\nWrocławia\nPoznania\nGdańska\nŁodzi\nKatowic\nLublina\nRzeszowa\nSzczecina\n"
            "Białegostoku\nTorunia\nOlsztyna\nGdyni"
        ),
        "cityL": lines(
            "w Warszawie\nwe Wrocławiu\nw Krakowie\nw Poznaniu\nw Gdańsku\nw Łodzi\nw Katowicach\nw Lublinie\n"
            "w Rzeszowie\nna Mokotowie\nna Pradze\nw Gdyni\nw Białymstoku\nna Bemowie"
        ),
        "sort": lines(
            "w sortowni w Strykowie\nw sortowni pod Łodzią\nw sortowni w Mszczonowie\nw oddziale w Piasecznie\n"
            "w sortowni w Gliwicach\nw sortowni pod Poznaniem\nw magazynie pod Wrocławiem"
        ),
        "item": lines(
            """
            telefon
            nowy telefon
            laptop
            prezent dla mamy
            prezent urodzinowy
            zamówienie z Allegro
            zamówienie z Vinted
            ciuchy z Vinted
            buty
            nowe buty
            książki na studia
            leki dla psa
            kosmetyki
            części do roweru
            słuchawki
            pady do konsoli
            soczewki
            filtr do wody
            kabel HDMI
            ekspres do kawy
            router
            dokumenty z urzędu
            prezent dla chrześniaka
            suplementy
            """
        ),
        "lockerL": lines(
            """
            w automacie pod blokiem
            w automacie przy Biedronce
            w automacie przy stacji
            w automacie na osiedlu
            w automacie obok Żabki
            w automacie przy dworcu
            w automacie przy pętli
            w automacie pod pracą
            """
        ),
        "lockerA": lines(
            """
            do automatu pod blokiem
            do automatu przy Biedronce
            do automatu na osiedlu
            do automatu obok Żabki
            do automatu przy dworcu
            do automatu pod pracą
            """
        ),
        "driver": lines("kurier\npan kurier\nnowy kurier\nkurier z rejonu\nnasz stały kurier"),
        "agent": lines("pani Ola\npani Marta\npani Kasia\nkonsultantka Magda\npani Ewelina\npani Asia"),
        "money": lines("12,99 zł\n9,99 zł\n14,49 zł\n15 zł\n19,99 zł\n8,99 zł\n22 zł\n11,49 zł"),
        "ticket": lines("PL-48213\nPL-77130\nZG/2026/10433\n#583201\nPL-90214"),
    },
    # ------------------------------------------------------------------------------------------------------------
    "topics": {
        "delivery": {
            "neg": lines(
                """
                Status "doręczono", a paczki ani w automacie, ani pod drzwiami. {b} serio?
                gdzie jest moja paczka? {b} od {daysG} pokazuje "w drodze"
                Czekam już {days} na {item}. Śledzenie {bG} stoi {weekday_od}
                {b} znowu przesunął dostawę. Trzeci raz w tym tygodniu
                Kurier {bG} nawet nie zapukał, tylko wbił "adresat nieobecny". Był<em|am> w domu cały dzień
                Paczka stoi {sort} {weekday_od} i nikt nie umie powiedzieć dlaczego
                {b} przekierował moją paczkę do automatu na drugim końcu miasta. Dzięki, naprawdę
                Automat pełny, więc paczka pojechała do innego, 4 km dalej. Typowy {b}
                Zamówił<em|am> z dostawą na jutro, a {b} dowiózł po tygodniu
                Kurier {bG} zostawił paczkę u sąsiada. Bez słowa, bez SMS-a
                Dostawa {bI} miała być {time_window}, kurier przyjechał o 21:40
                Czemu każda paczka {bG} robi wycieczkę przez pół Polski, zanim do mnie dotrze?
                {b} i te ich "dostarczymy jutro". Jutro było tydzień temu
                Drugi dzień z rzędu automat {bG} pod blokiem ma awarię i nie da się odebrać paczki
                Status "przekazano do doręczenia" od rana, o 20 dalej nic. Dzięki {b}
                Paczka wróciła do nadawcy, bo {b} "nie mógł doręczyć". Do automatu. Jak??
                Paczka miała być {time_ref}, a {b} twierdzi, że "opóźnienie w sieci". Czyli?
                Skrytka w automacie {bG} otworzyła się pusta. Paczki brak, status "odebrano"
                Odesłali mi paczkę po 48h, bo nie zdążył<em|am> odebrać po pracy. Kiedyś było 72h, {b}
                Tracking {bG} {weekday_od} pokazuje to samo. Ktoś tam w ogóle pracuje?
                """
            ),
            "neu": lines(
                """
                Czy {b} dowozi w soboty?
                Ile {b} trzyma paczkę w automacie, zanim ją odeśle? 48h czy 72h?
                Da się w {bL} zmienić automat, jak paczka jest już w drodze?
                Status "w sortowni" od wczoraj, to normalne u {bG}?
                Ktoś wie, do której jeżdżą kurierzy {bG}? Czekam na {item}
                Paczka ma przyjść {bI} {time_fut}, zobaczymy
                Czy kurier {bG} dzwoni przed dostawą, czy trzeba pilnować apki?
                Wysyłał ktoś {bI} za granicę? Do Niemiec np.
                {b} pisze, że paczka będzie {time_fut}, sprzedawca, że w środę. Komu wierzyć xD
                Jak długo idzie paczka {bI} do {cityG}?
                Co oznacza status "przesyłka w punkcie pośrednim" w {bL}?
                Można w {bL} przedłużyć czas odbioru z automatu?
                Jaki jest limit wymiarów dla gabarytu C w {bL}?
                """
            ),
            "pos": lines(
                """
                {b} dowiózł {item} w niecałe 24h, szok
                Zamówił<em|am> wieczorem, rano już był SMS z kodem. {b} robi robotę
                Kurier {bG} u nas to złoty człowiek, zawsze zadzwoni i poczeka
                Automat {bG} pod blokiem to najlepsze, co spotkało moje osiedle
                Pierwszy raz wysyłał<em|am> {bI} i wszystko doszło na drugi dzień
                Paczka z {bG} była dzień przed terminem, miłe zaskoczenie
                Nigdy nie miał<em|am> problemu z {bI}, wszystko zawsze na czas
                Paczka z Niemiec przyszła {bI} w 3 dni robocze, bez dramy
                Odbiór z automatu {bG} zajmuje mi 20 sekund. Nie wrócę do kurierów pod drzwi
                Nadał<em|am> paczkę {bI} o 18, mama {cityL} odebrała ją następnego dnia rano
                Od roku zamawiam wszystko do automatu {bG} i zero wpadek
                """
            ),
        },
        "app": {
            "neg": lines(
                """
                Apka {bG} znowu mnie wylogowała i nie przyjmuje hasła
                Aplikacja {bG} zawiesza się na ekranie śledzenia
                Po co apce {bG} dostęp do lokalizacji 24/7??
                Powiadomienia z apki {bG} przychodzą, jak paczka już dawno odebrana xD
                Przycisk "otwórz skrytkę" w apce {bG} działa co drugi raz
                Apka {bG} na Androidzie muli niemiłosiernie
                Ostatni update apki {bG} poprzestawiał wszystko, nie mogę znaleźć zwrotów
                Apka {bG} co chwilę prosi o ocenę, a ja chcę tylko odebrać paczkę
                Aplikacja {bG} zjada baterię jak szalona
                Apka {bG} nie widzi paczek nadanych na mój drugi numer. I bądź tu mądry
                """
            ),
            "neu": lines(
                """
                Jest tryb ciemny w apce {bG}?
                Da się w apce {bG} dodać drugi numer telefonu?
                Apka {bG} działa na iPadzie?
                Wam też apka {bG} zmieniła wygląd {time_ref}?
                Jak wyłączyć powiadomienia marketingowe w apce {bG}?
                Czy w aplikacji {bG} można ustawić ulubiony automat?
                Da się otworzyć skrytkę z apki {bG} bez Bluetootha?
                """
            ),
            "pos": lines(
                """
                Zdalne otwieranie skrytki w apce {bG} to sztos
                Apka {bG} w końcu działa płynnie, szacun
                Nowy ekran zwrotów w apce {bG}: 30 sekund i gotowe
                Mapka z kurierem w apce {bG} jest mega wygodna
                Apka {bG} jest dużo prostsza niż apka {c}, wszystko jest tam, gdzie powinno być
                Otwieram skrytkę z apki {bG}, zanim dojdę do automatu. Wygoda level max
                """
            ),
        },
        "support": {
            "neg": lines(
                """
                {days} bez odpowiedzi od supportu {bG}
                Czat {bG} to bot, który w kółko odsyła do FAQ
                Infolinia {bG}: 40 minut muzyczki i rozłączyło
                Reklamację w {bL} złożył<em|am> dwa tygodnie temu, odpowiedź dalej "analizujemy"
                Konsultant {bG} obiecał oddzwonić. Nie oddzwonił
                Trzeci raz opisuję ten sam problem w {bL}, za każdym razem ktoś inny i zero efektu
                {b} zamknął moje zgłoszenie jako "rozwiązane". Nic nie jest rozwiązane
                Napisał<em|am> do {bG} na czacie, bot odpisał "Czy mogę jeszcze w czymś pomóc?" i tyle
                Gotowe formułki zamiast pomocy. Support {bG} w pigułce
                Czekam na odpowiedź od {bG} {weekday_od}
                Na infolinii {bG} każą pisać maila, na mailu każą dzwonić na infolinię
                """
            ),
            "neu": lines(
                """
                Jak najszybciej skontaktować się z {bI}? Czat czy infolinia?
                Czy {b} odpisuje na X? Bo na maila cisza
                Zgłosił<em|am> sprawę do {bG} {time_ref}, zobaczymy co odpiszą
                Czy {b} ma jakiś mail do reklamacji, czy tylko formularz?
                W jakich godzinach działa infolinia {bG}?
                """
            ),
            "pos": lines(
                """
                Pani z czatu {bG} ogarnęła wszystko w 5 minut, dziękuję!
                Napisał<em|am> do {bG} na X i po godzinie sprawa była załatwiona
                Konsultant {bG} był mega pomocny, sam zaproponował zwrot kosztów
                Muszę pochwalić support {bG}, szybko i konkretnie
                {agent} z infolinii {bG} uratowała mi dzień
                """
            ),
        },
        "price": {
            "neg": lines(
                """
                {money} za małą paczkę do automatu? {b} chyba oszalał
                {b} znowu podniósł ceny, a jakość ta sama
                Dopłata za gabaryt B w {bL}, chociaż paczka mieści się w A. Naciąganie
                Pobrali mi {money} dwa razy za jedną etykietę. {b} oddawajcie kasę
                Opłata za przedłużenie odbioru? Serio {b}?
                W Dostavo wysyłam taniej i szybciej, nie rozumiem tych cen {bG}
                """
            ),
            "neu": lines(
                """
                Ile teraz kosztuje wysyłka {bI} do automatu?
                Jest jakiś kod rabatowy na {b}?
                Opłaca się {B} Plus przy 3-4 paczkach w miesiącu?
                Ktoś porównywał ceny {bG} i {c} dla gabarytu C?
                """
            ),
            "pos": lines(
                """
                {money} za paczkę do automatu, taniej niż w {c}
                {B} Plus zwrócił mi się w pierwszym miesiącu
                Darmowe zwroty przez {b} to ogromny plus
                Dobra cena, dostawa następnego dnia. Za tyle nie ma co narzekać, {b} ok
                """
            ),
        },
        "refund": {
            "neg": lines(
                """
                Paczka zaginęła {days} temu, a {b} dalej "rozpatruje reklamację"
                {b} odrzucił reklamację uszkodzonej paczki, bo "brak zdjęć z odbioru". Jakich zdjęć??
                Zwrot pieniędzy od {bG} obiecany w ciągu 14 dni. Minął miesiąc
                Zwrot nadany {bI} {time_ref}, sklep twierdzi, że nic do nich nie dotarło
                {b} zaproponował mi 20 zł rekompensaty za zgubioną paczkę wartą 300 zł. Śmiech
                """
            ),
            "neu": lines(
                """
                Jak zgłosić reklamację w {bL}, jak paczka przyszła uszkodzona?
                Ile się czeka na zwrot pieniędzy od {bG}?
                Zwrot do sklepu przez {b}: trzeba drukować etykietę czy wystarczy kod?
                """
            ),
            "pos": lines(
                """
                Reklamacja w {bL} rozpatrzona w 3 dni, pieniądze już na koncie
                {b} oddał kasę za zgubioną paczkę bez żadnych dyskusji
                Zwrot {bI} nadany w 2 minuty, kod QR i po sprawie
                """
            ),
        },
        "quality": {
            "neg": lines(
                """
                Paczka wysłana {bI} przyszła zgnieciona, jakby przejechał po niej czołg
                Karton mokry, w środku {item} do wyrzucenia. Dzięki {b}
                Naklejka "OSTROŻNIE SZKŁO", a i tak rozbite. {b} mistrzowie
                Ktoś w {bL} chyba gra paczkami w nogę, tak wyglądał karton
                """
            ),
            "neu": lines(
                """
                Wysyłał ktoś coś szklanego {bI}? Jak to dobrze zabezpieczyć?
                Czy {b} bierze odpowiedzialność za paczkę, jak ją uszkodzi kurier?
                """
            ),
            "pos": lines(
                """
                Wysłał<em|am> {bI} ceramikę, doszła w całości, szacun
                Wszystko doszło w idealnym stanie, karton jak nowy. {b} 👌
                """
            ),
        },
        "account": {
            "neg": lines(
                """
                Dostał<em|am> SMS "dopłać 1,99 zł do paczki {bG}" z dziwnym linkiem. Uważajcie!!
                Ktoś zalogował się na moje konto {bG} z innego telefonu i przekierował mi paczkę
                Konto {bG} zablokowane "ze względów bezpieczeństwa", a odblokować się nie da
                Zmienił<em|am> numer telefonu i nie mogę odzyskać konta w {bL}. Masakra
                Po zmianie hasła {b} wywalił mi wszystkie zapisane adresy
                """
            ),
            "neu": lines(
                """
                Ten SMS o dopłacie do paczki {bG} to scam, prawda?
                Jak włączyć weryfikację dwuetapową w {bL}?
                Da się zmienić numer telefonu przypisany do konta {bG}?
                """
            ),
            "pos": lines(
                """
                {b} szybko zablokował podejrzane logowanie na moim koncie, plus dla nich
                Dobrze, że {b} ostrzega przed fałszywymi SMS-ami, mama prawie się złapała
                """
            ),
        },
        "question": {
            "neu": lines(
                """
                Jak działa {b} dla firm? Ktoś korzysta?
                Czy {b} ma automaty na dworcach?
                Wysłać {bI} czy {c}? Potrzebuję na jutro
                Czy kurier {bG} odbiera paczki z domu?
                Da się wysłać paczkę {bI} bez drukarki?
                Gdzie najbliższy automat {bG} {cityL}? Ten przy rynku zniknął
                Ile maksymalnie może ważyć paczka w {bL}?
                Czy {b} ma już automaty z ogrzewaniem na zimę?
                """
            ),
        },
        "news": {
            "neu": lines(
                """
                {B} zapowiada 2 tys. nowych automatów do końca roku {url}
                {B} testuje dostawy w niedziele w trzech miastach {url}
                Rekordowy sezon w e-commerce, {B} zatrudni 1500 osób przed świętami {url}
                {B} i {C} walczą o rynek automatów paczkowych {url}
                {B} wprowadza automaty zasilane panelami słonecznymi {url}
                """
            ),
            "pos": lines(
                """
                {B} z nagrodą za obsługę klienta w logistyce {url}
                """
            ),
        },
        "compare": {
            "neg": lines(
                """
                Przejście z {c} na {b} to był błąd
                W {c} nigdy nie miał<em|am> takich cyrków jak w {bL}
                {c} dowozi na czas, {b} kiedy mu się przypomni
                """
            ),
            "neu": lines(
                """
                {b} czy {c}, co wolicie?
                Jakie macie doświadczenia z {bI} i {c}?
                """
            ),
            "pos": lines(
                """
                <Przeszedłem|Przeszłam> z {c} na {b} i nie żałuję
                {b} > {c}, nie ma dyskusji
                Po latach z {c} mogę powiedzieć, że {b} jest dużo lepszy
                """
            ),
        },
        "promo": {
            "neg": lines(
                """
                "Promocja" {bG} na wysyłkę to jakieś -5% i 10 gwiazdek w regulaminie
                """
            ),
            "neu": lines(
                """
                {b} ma teraz automaty przy stacjach benzynowych?
                Jest gdzieś lista nowych automatów {bG}?
                """
            ),
            "pos": lines(
                """
                Nowe automaty {bG} z daszkiem, w końcu nie moknę przy odbiorze
                {b} wprowadził odbiór samym kodem z SMS-a, bez apki. Wygodne
                Automat {bG} 24/7 przy dworcu to zbawienie dla dojeżdżających
                """
            ),
        },
    },
    # ------------------------------------------------------------------------------------------------------------
    "details": {
        "neg": lines(
            """
            Zero informacji, zero kontaktu.
            I jeszcze udają, że wszystko jest ok.
            Trzeci raz w tym miesiącu.
            Szkoda nerwów.
            A to był prezent. Super.
            Nikt nic nie wie, każdy odsyła do kogoś innego.
            Sprzedawca rozkłada ręce.
            Czekam i czekam.
            <Wziąłem|Wzięłam> specjalnie wolne, żeby odebrać.
            Infolinia zajęta, czat nie działa.
            Mam dość.
            Zgłoszenie {ticket}, może ktoś to w końcu przeczyta.
            Na maila nikt nie odpisuje.
            Serio, w 2026 roku?
            Kompletny brak szacunku dla klienta.
            Tak się nie robi biznesu.
            I to nie pierwszy raz.
            Jak tak dalej pójdzie, to rezygnuję.
            Płacę i jeszcze muszę się prosić.
            Kiedyś to działało, naprawdę nie wiem, co się stało.
            Na dworze leje, a ja stoję pod automatem.
            W ogóle nie rozumiem, jak to ma działać.
            Nie wiem, śmiać się czy płakać.
            """
        ),
        "neu": lines(
            """
            Może ktoś miał podobnie?
            Z góry dzięki za odpowiedź.
            Pytam, bo nie chcę się rozczarować.
            Zobaczymy, jak będzie.
            Dam znać, jak się skończyło.
            Jakby co, jestem z {cityG}.
            Nie spieszy mi się, tak tylko pytam.
            Nie wiem, czy to normalne.
            Na razie czekam.
            Nie wiem, gdzie o to zapytać, więc piszę tu.
            """
        ),
        "pos": lines(
            """
            Polecam.
            Tak to powinno działać.
            Oby tak dalej.
            Zero problemów.
            Szybko, tanio, bez stresu.
            Jestem pozytywnie <zaskoczony|zaskoczona>.
            Miło, że ktoś jeszcze dba o klienta.
            Kurier uśmiechnięty, paczka cała.
            Serio mega.
            Dzięki, robicie dobrą robotę.
            Na pewno będę korzystać dalej.
            Tak po prostu, bez kombinowania.
            """
        ),
    },
    "short": {
        "neg": lines(
            """
            {b} to dramat
            znowu {b}...
            {b} dno
            {b} nigdy więcej
            gdzie moja paczka {b}??
            {b} masakra jakaś
            serio {b}?
            {b} ja już nie mogę
            ehh {b}
            {b} ogarnijcie się
            """
        ),
        "neu": lines(
            """
            {b} działa dziś?
            ktoś coś wie o {bL}?
            {b} w niedzielę dowozi?
            czekam na kuriera {bG}
            {b} czy {c}?
            jak tam {b} u was?
            """
        ),
        "pos": lines(
            """
            {b} złoto
            {b} szacun
            {b} jak zawsze szybko
            kocham automaty {bG}
            dzięki {b} 🙏
            {b} robi robotę
            {b} git
            {b} mistrz
            """
        ),
    },
    "sarcasm": lines(
        """
        Brawo {b}, paczka zwiedziła pół Polski, a ja dalej bez niej
        Uwielbiam, jak {b} pisze "doręczono", a paczki nie ma. Taka zagadka na dobry dzień
        Dzięki {b}, zawsze <chciałem|chciałam> przejść się 4 km po paczkę
        {b} znowu zaskoczył. Negatywnie, ale zawsze
        Kolejny piękny dzień z {bI}: kurier był, mnie podobno nie było
        Ach {b}, co ja bym bez Ciebie <zrobił|zrobiła>
        Wielkie gratulacje dla {bG}, ta sama paczka trzeci dzień "w doręczeniu"
        Fajnie, że {b} uczy cierpliwości. Szkoda, że za moje pieniądze
        """
    ),
    "openers": {
        "neg": lines(
            """
            Ehh.
            Serio?
            No kurde.
            Dramat.
            Masakra.
            Nie no,
            Szczerze?
            Ludzie,
            Słuchajcie,
            Kolejny raz.
            Ręce opadają.
            Mam dość.
            Ostrzegam:
            Nosz kurczę.
            Halo?
            Uwaga, rant:
            Sorry, muszę się wyżalić.
            No i pięknie.
            Nie wierzę.
            Brak słów.
            Znowu to samo.
            Jak zwykle.
            wtf
            Kurde,
            Weźcie mi powiedzcie,
            Nie chcę być marudą, ale
            Dzień dobry, a raczej nie.
            """
        ),
        "neu": lines(
            """
            Pytanie:
            Szybkie pytanie:
            Hej,
            Cześć,
            Siema,
            Mam pytanie.
            Może ktoś wie:
            Tak z ciekawości:
            Hej wszystkim,
            Pomocy,
            Głupie pytanie, ale
            Sorry, jeśli było,
            """
        ),
        "pos": lines(
            """
            Muszę to napisać:
            Dla odmiany coś pozytywnego:
            Wow.
            Szok, ale pozytywny:
            Szacun.
            Miłe zaskoczenie:
            Tak trzymać!
            Doceniam.
            Serio,
            Nie <spodziewałem|spodziewałam> się, ale
            Mała rzecz, a cieszy:
            """
        ),
    },
    "closers": {
        "neg": lines(
            """
            Nigdy więcej.
            Żenada.
            Dno i wodorosty.
            Szkoda słów.
            Zmieniam kuriera.
            Wstyd.
            Dramat jakiś.
            Pozdrawiam serdecznie 🙃
            Ręce opadają.
            Omijać szerokim łukiem.
            Ktoś tam w ogóle pracuje?
            Czy tylko ja tak mam?
            Mega słabo.
            Jeszcze raz i rezygnuję.
            Przechodzę na {c}.
            """
        ),
        "neu": lines(
            """
            Dzięki z góry!
            Pozdro
            pzdr
            Z góry dzięki 🙏
            Ktoś coś?
            Jakieś doświadczenia?
            Dajcie znać
            thx
            """
        ),
        "pos": lines(
            """
            Polecam!
            Oby tak dalej!
            Brawo!
            Szacun 👏
            Dobra robota!
            Tak trzymać
            10/10
            Pozdrawiam kuriera z rejonu 👋
            Elegancko.
            Sztos.
            """
        ),
    },
    "joiners": {
        "to_neg": lines(
            """
            , ale
            , tylko że
            . Minus taki, że
            . Szkoda tylko, że
            . Z drugiej strony
            … ale
            """
        ),
        "to_pos": lines(
            """
            , ale za to
            . Za to
            . Na plus to, że
            . Z drugiej strony
            . Ale żeby nie było:
            , chociaż
            """
        ),
    },
    "reddit_titles": {
        "neg": lines(
            """
            Kolejna zaginiona paczka
            Czy tylko ja mam takie problemy?
            Ostrzeżenie dla zamawiających do automatów
            Rant o kurierach
            Mam dość {bG}
            Paczka "doręczona", a jej nie ma
            """
        ),
        "neu": lines(
            """
            Pytanie o {B}
            {B} - doświadczenia?
            Paczka utknęła, co robić?
            Kurier czy automat?
            Pytanie o automaty
            Szybkie pytanie
            """
        ),
        "pos": lines(
            """
            Pozytywna historia dla odmiany
            Doceniam {B}
            Mały plus dla kuriera
            Jednak się da
            """
        ),
    },
    "titles": {
        "neg": lines(
            """
            Dramat
            Nie polecam
            Porażka
            Strata czasu
            Tragedia
            Coraz gorzej
            Omijać!
            Słabo
            Rozczarowanie
            """
        ),
        "neu": lines(
            """
            Bywa różnie
            Średnio
            Jest ok, ale...
            Mogłoby być lepiej
            Da się żyć
            Ani dobrze, ani źle
            3/5
            Raz lepiej, raz gorzej
            """
        ),
        "pos": lines(
            """
            Polecam
            Super
            Bez zarzutu
            Pełen profesjonalizm
            Rewelacja
            Wszystko ok
            Na piątkę
            """
        ),
    },
    "topic_titles": {  # titles that match the review's main topic (used for most reviews with a topic)
        "neg": {
            "delivery": lines("Paczka zaginęła\nKurier olewa\nWieczne opóźnienia\nGdzie moja paczka?"),
            "app": lines("Aplikacja do poprawy\nApka się wiesza\nAplikacja nie działa jak powinna"),
            "support": lines("Zero kontaktu\nBeznadziejny kontakt\nSupport nie istnieje"),
            "price": lines("Za drogo\nUkryte opłaty\nNaciąganie"),
            "refund": lines("Reklamacja odrzucona\nCzekam na zwrot pieniędzy"),
            "quality": lines("Zniszczona paczka\nPaczka rozbita"),
            "account": lines("Uwaga na oszustów\nZablokowane konto"),
            "compare": lines("Dostavo lepsze"),
        },
        "pos": {
            "delivery": lines("Szybko i sprawnie\nNajlepszy kurier\nWygodne automaty\nZawsze na czas"),
            "app": lines("Świetna aplikacja\nWygodna apka"),
            "support": lines("Pomocna obsługa\nSuper kontakt"),
            "refund": lines("Sprawna reklamacja"),
            "price": lines("Dobra cena"),
        },
    },
    "review_openers": {
        "any": lines(
            """
            Korzystam z {bG} od około roku.
            Od dwóch lat wysyłam prawie wszystko {bI}.
            Zwykle nie piszę opinii, ale tu muszę.
            Używam aplikacji prawie codziennie.
            Prowadzę mały sklep internetowy i nadaję sporo paczek.
            Pierwszy raz <korzystałem|korzystałam> z {bG}.
            Zamawiam dużo przez internet, więc automaty to dla mnie podstawa.
            """
        ),
        "neg": lines("Niestety muszę dać niską ocenę.\nBardzo się <zawiodłem|zawiodłam>.\nKiedyś było lepiej."),
        "neu": lines("Mam mieszane uczucia.\nOgólnie jest ok, ale są minusy."),
        "pos": lines("Same plusy.\nJestem bardzo <zadowolony|zadowolona>.\nNie mam się do czego przyczepić."),
    },
    "review_closers": {
        "neg": lines(
            "Nie polecam.\nOdradzam.\nJedna gwiazdka to i tak za dużo.\nDo poprawy wszystko.\n"
            "Szkoda, bo kiedyś było dobrze."
        ),
        "neu": lines("Daję 3 gwiazdki.\nJak poprawią, zmienię ocenę.\nOgólnie da się używać.\nNa razie zostaję."),
        "pos": lines("Polecam każdemu!\nZasłużone 5 gwiazdek.\nOby tak dalej.\nNa pewno skorzystam ponownie.\nDzięki!"),
    },
    "review_neu": lines(
        """
        Aplikacja działa, ale mogłaby być szybsza.
        Czasem super, czasem dramat, zależy od kuriera.
        Automaty wygodne, tylko często pełne.
        Ceny ok, obsługa różnie.
        Nic specjalnego, ale spełnia swoje zadanie.
        Raz paczka na czas, raz z opóźnieniem.
        Interfejs mógłby być czytelniejszy.
        Automat mam blisko, ale skrytki czasem się zacinają.
        Brakuje mi opcji zmiany automatu w trakcie dostawy.
        Powiadomienia mogłyby przychodzić szybciej.
        """
    ),
    "hashtags": {
        "brand": lines("#paczkolot\n#paczka\n#kurier\n#zakupy\n#zakupyonline\n#dostawa\n#allegro\n#vinted\n#ecommerce"),
        "neg": lines("#nigdywiecej\n#dramat\n#porazka\n#gdziejestmojapaczka\n#obsługaklienta"),
        "neu": lines("#pytanie\n#pomocy\n#paczki"),
        "pos": lines("#polecam\n#szybko\n#wygoda\n#dobrarobota"),
    },
    "emoji": {
        "brand": lines("📦\n🚚\n🔒\n📱"),
        "neg": lines("😤\n😡\n🤬\n🙄\n😒\n🤦\n😩\n👎"),
        "neu": lines("🤔\n🤷\n❓\n👀"),
        "pos": lines("🙏\n😍\n👏\n🔥\n😊\n💪\n❤️\n👌"),
        "sarcasm": lines("🙃\n👍\n🤡\n😂\nxD"),
    },
    "english": {
        "neg": lines(
            """
            {b} marked my parcel as delivered but the locker is empty. How do I even contact them in English?
            The {b} app is only half translated and the English version keeps crashing
            Third time my {b} parcel got sent to a different locker across town. Why??
            Waited 40 min on the {b} hotline just to be told to write an email
            """
        ),
        "neu": lines(
            """
            How do {b} lockers work? New in Kraków and got an SMS with a code
            Is {b} or {c} better for sending stuff within Poland?
            Does the {b} app have an English version?
            Can someone explain what "przesyłka w punkcie pośrednim" means on {b} tracking?
            """
        ),
        "pos": lines(
            """
            Honestly {b} lockers are the best thing about living in Poland
            {b} parcel from Warsaw to Gdańsk overnight for like 15 zł. Love this country
            Just discovered {b} lockers. Why doesn't every country have this
            The {b} courier actually called me before coming. Respect
            """
        ),
    },
    "english_titles": {
        "neg": lines("Terrible\nDon't bother\nParcel lost"),
        "neu": lines("It's ok\nMixed feelings"),
        "pos": lines("Great service\nLove the lockers\nSuper fast"),
    },
    # ------------------------------------------------------------------------------------------------------------
    # The planted incident: app update 4.0 (2026-10-14) breaks remote locker opening and pick-up codes.
    "events": {
        "incident": {
            "neg": lines(
                """
                Po aktualizacji do [wersji |]{ver} apka {bG} wywala się zaraz po uruchomieniu
                Zaktualizował<em|am> apkę {bG} i nie da się otworzyć skrytki. Stoję pod automatem jak <głupi|głupia>
                Kod odbioru nie przychodzi, a w apce {bG} paczki w ogóle nie widać. Co jest??
                {b} co wy zrobiliście z tą aktualizacją? Nic nie działa
                Przycisk "otwórz skrytkę" po aktualizacji kręci się w nieskończoność. {b} ogarnijcie się
                Trzeci automat {bG} dzisiaj i żaden nie chce się otworzyć z apki
                Po aktualizacji {ver} apka {bG} wylogowała mnie i nie przyjmuje kodu SMS
                Nie mogę odebrać paczki, bo kod odbioru nie przyszedł, a apka {bG} się crashuje. Super
                Paczka czeka w automacie, kod odbioru nie działa, a za 2 dni odeślą ją do nadawcy. Dzięki {b}
                Apka {bG} po aktualizacji pokazuje "brak przesyłek". Mam 3 paczki do odbioru
                Kto puścił wersję {ver} apki {bG} na produkcję??
                Infolinia {bG} zajęta non stop, czat "niedostępny z powodu dużej liczby zgłoszeń"
                Pół osiedla stoi pod automatem {bG} i nikt nie może odebrać paczek
                Aktualizacja {ver} to katastrofa. Apka {bG} nie działa ani na Androidzie, ani na iPhonie
                {b} cofnijcie tę aktualizację, błagam
                Wpisuję kod odbioru na automacie: "kod nieprawidłowy". Trzy razy. {b} halo?
                Odinstalował<em|am> i zainstalował<em|am> apkę {bG} {n} razy. Dalej crash po aktualizacji
                Leki dla psa utknęły w automacie {bG}, bo apka nie działa od aktualizacji. To już nie jest śmieszne
                Status na stronie {bG}: "wszystkie systemy działają". No nie działają
                Cisza ze strony {bG}. Żadnego komunikatu, nic. A apka leży od wczoraj
                Prowadzę mały sklep i klienci piszą, że nie mogą odebrać paczek z {bG}. Dramat
                Nie da się zalogować do apki {bG} po aktualizacji, kod SMS nie przychodzi
                Dostał<em|am> SMS, że paczka czeka, ale kod odbioru z SMS-a nie działa. Apka też nie
                {b} po aktualizacji: apka się sypie, kody odbioru nie działają, infolinia nie odbiera. Komplet
                Skrytka się otworzyła... nie ta. W środku cudza paczka. {b} co się dzieje??
                Przez aktualizację {bG} <spóźniłem|spóźniłam> się do pracy, 20 minut walki z automatem
                Trzeci dzień nie mogę odebrać paczki z {bG}. Apka nie działa, kod odbioru nie działa
                Aktualizacja apki {bG} zepsuła wszystko. Skrytka nie otwiera się ani z apki, ani kodem
                Kolejka pod automatem {bG} jak za PRL-u, bo nikomu nie działa kod odbioru
                """
            ),
            "neu": lines(
                """
                Wam też apka {bG} nie działa po aktualizacji?
                {b} wydał jakiś komunikat w sprawie awarii aplikacji?
                Da się odebrać paczkę z automatu {bG} bez apki, jak kod odbioru nie przychodzi?
                {B}: "Pracujemy nad usunięciem problemu z aplikacją" {url}
                Da się cofnąć apkę {bG} do poprzedniej wersji?
                Czy automaty {bG} w ogóle dziś działają, czy tylko apka leży?
                Awaria aplikacji {B}. Klienci nie mogą odebrać paczek z automatów {url}
                Jak długo {b} trzyma paczki w automacie, jak jest awaria? Nie chcę, żeby odesłali
                Ktoś wie, czy {b} przedłuży termin odbioru paczek przez tę awarię?
                Kto nie zaktualizował apki {bG} do [wersji |]{ver}, ten wygrał. Stara wersja podobno działa
                """
            ),
            "pos": lines(
                """
                Kurier {bG} był akurat przy automacie i otworzył mi skrytkę ręcznie. Złoty człowiek
                Mimo awarii kurier {bG} przywiózł mi paczkę pod drzwi, szacun
                <Dodzwoniłem|Dodzwoniłam> się w końcu do {bG}, pani podała mi kod ręcznie. Dzięki!
                Pan kurier {bG} spisywał numery i otwierał skrytki ludziom pod blokiem. Szacun dla niego
                """
            ),
        },
        "tail": {
            "neg": lines(
                """
                Niby poprawka {ver2}, a u mnie skrytka dalej się nie otwiera z apki
                Apka {bG} już działa, ale moja paczka wróciła do nadawcy przez tę awarię
                10 zł rekompensaty od {bG} za trzy dni bez paczki? Serio?
                Dalej czekam na odpowiedź {bG} w sprawie paczki z czasu awarii
                Zainstalował<em|am> {ver2} i kod odbioru dalej nie przychodzi
                """
            ),
            "neu": lines(
                """
                {B} wydał poprawkę {ver2} po awarii aplikacji {url}
                Po [wersji |]{ver2} już działa, czy lepiej jeszcze nie aktualizować?
                Dostaliście maila z przeprosinami od {bG}?
                {b} przedłużył termin odbioru paczek z dni awarii do niedzieli
                Ktoś jeszcze ma problem z apką {bG} po [wersji |]{ver2}?
                """
            ),
            "pos": lines(
                """
                {ver2} naprawiło sprawę, skrytka otwiera się z apki 🙌
                Wreszcie! Apka {bG} działa i <odebrałem|odebrałam> wszystkie 3 paczki
                {b} przeprosił i dał kod na darmową wysyłkę. Doceniam
                Po aktualizacji do [wersji |]{ver2} wszystko śmiga, oby tak zostało
                {b} przedłużył termin odbioru, więc nic mi nie przepadło. Plus
                Naprawione. Długo to trwało, ale apka {bG} znowu działa
                """
            ),
        },
        "after": {
            "neg": lines(
                """
                Po tej awarii z apką <przerzuciłem|przerzuciłam> się na {c}
                Dalej pamiętam ten tydzień z aktualizacją {ver}, zaufanie do {bG} mocno spadło
                Paczka z czasu awarii {bG} dopiero dziś wróciła do sklepu. Kasy dalej nie mam
                """
            ),
            "neu": lines(
                """
                {b} wyjaśnił w końcu, co się stało z aktualizacją {ver}?
                {B} publikuje raport po październikowej awarii aplikacji {url}
                """
            ),
            "pos": lines(
                """
                {b} chyba wrócił do formy po awarii
                Rekompensata od {bG} za awarię doszła, dzięki
                """
            ),
        },
        "titles": {
            "neg": lines(
                """
                Aplikacja nie działa po aktualizacji
                Nie mogę odebrać paczki!!
                Wersja 4.0 to porażka
                Skrytka się nie otwiera
                Kod odbioru nie działa
                Cofnijcie aktualizację
                Crash po aktualizacji
                Awaria aplikacji
                """
            ),
            "neu": lines("Czekam na poprawkę\nByło dobrze do aktualizacji"),
            "pos": lines("Naprawione, dzięki\nJuż działa\nSzybka pomoc kuriera"),
        },
        "english": lines(
            """
            {b} app broken since the update, can't open my locker. Anyone know a workaround?
            Is {b} down? The {ver} update broke everything, pick-up code doesn't work
            """
        ),
        "slots": {
            "ver": lines("4.0\nv4.0\n4.0.0\n4.0"),
            "ver2": lines("4.0.1\nv4.0.1"),
        },
        "hashtags": lines("#paczkolotawaria\n#awaria\n#aktualizacja\n#paczkolot\n#niedziała\n#kododbioru"),
    },
    # ------------------------------------------------------------------------------------------------------------
    "names": {
        "m": lines(
            "Piotr\nTomek\nMichał\nPaweł\nKrzysiek\nKuba\nMarcin\nŁukasz\nBartek\nAdam\nMateusz\nWojtek\nGrzesiek\n"
            "Kamil\nDawid\nSzymon\nMaciek\nRafał\nJarek\nFilip\nArek\nKonrad"
        ),
        "f": lines(
            "Anna\nKasia\nMagda\nAgnieszka\nOla\nMarta\nMonika\nEwa\nAsia\nZuzia\nNatalia\nPaulina\nKarolina\n"
            "Justyna\nDominika\nWeronika\nIza\nGosia\nBasia\nJulia\nAnia\nEwelina"
        ),
        "last": lines(
            "Nowak\nKowalski\nWiśniewski\nWójcik\nKamiński\nLewandowski\nZieliński\nSzymański\nWoźniak\nDąbrowski\n"
            "Kozłowski\nJankowski\nMazur\nKrawczyk\nPiotrowski\nGrabowski\nPawlak\nMichalski\nKról\nWieczorek\n"
            "Jabłoński\nMajewski\nOlszewski\nStępień\nMalinowski\nJaworski\nAdamczyk\nDudek\nNowicki\nGórski\n"
            "Sikora\nWalczak\nBaran\nRutkowski\nMichalak\nSzewczyk\nOstrowski\nTomaszewski"
        ),
        "adj": lines("zielony\nszybki\nwesoly\nsenny\ndziki\nstary\nmaly\nglodny\nleniwy\nzly\ncichy\nrudy"),
        "noun": lines("pierog\nogorek\njez\nbobr\nzubr\nwrobel\nslimak\nkotlet\nborsuk\nlis\nkotek\nmors\nkret"),
        "hobby": lines("biega\ngotuje\nczyta\ngra\nszyje\npiecze\njezdzi\nfoci"),
        "city": lines("waw\nkrk\nwro\npoz\ngda\nlodz\nkato\nlublin\nszczecin\ntorun"),
        "google": "Użytkownik Google",
        "trustpilot": "Klient",
        "store_nicks": lines("Zadowolony klient\nKlientka\nniezadowolony\nUżytkownik123\nmama_dwojki\nstudent_pwr"),
        "from": "z",
        "old": "Stary",
        "micro_tags": {  # the microblog wants tags on every entry
            "any": lines("#paczkolot\n#kurier\n#zakupy\n#polska\n#logistyka\n#paczki"),
            "neg": lines("#narzekanie\n#dramat"),
            "neu": lines("#pytanie\n#pytaniedoeksperta"),
            "pos": lines("#pozytywnie\n#polecam"),
        },
    },
    "proper": lines(
        "Paczkolot\nPaczkolotu\nPaczkolotem\nPaczkolocie\nPaczkolotowi\nDostavo\nAllegro\nVinted\nBiedronce\n"
        "Żabki\nBLIK\nAndroid\nAndroidzie\niPhonie\niPadzie\nX\nFAQ\nSMS\nSMS-a\nSMS-em\nGdańska\nNiemiec\nPolski\n"
        "Ciebie\nPRL-u\nQR"
    ),
    # roughening: common misspellings, elongations, abbreviations (applied with small probabilities)
    "misspell": {
        "w ogóle": "wogóle",
        "na pewno": "napewno",
        "na razie": "narazie",
        "po prostu": "poprostu",
        "naprawdę": "na prawdę",
        "wziąć": "wziąść",
        "dlaczego": "dlaczgo",
        "przynajmniej": "przynajmiej",
    },
    "abbrev": {"nie wiem": "nwm", "w ogóle": "wgl", "jakby co": "jbc", "pozdrawiam": "pzdr", "dzięki": "dzk"},
    "elongate": {
        "no": "o", "serio": "o", "super": "r", "masakra": "a", "dzięki": "i", "halo": "o",
        "ludzie": "e", "szok": "o", "mega": "a", "dramat": "t", "wreszcie": "e",
    },
}


# ====================================================================================================================
# Zoefiets (Dutch, a little Flemish): bike subscription with a repair service and an app.  Competitor: Velomaat.
# Price increase announced 2026-09-16, effective 2026-10-01 (€19,90 -> €22,90; e-bike €64,90 -> €72,50).
# ====================================================================================================================
NL = {
    "lang": "nl",
    "forms": {"N": {"Zoefiets": 50, "zoefiets": 28, "ZoeFiets": 2, "Zoef": 4}},
    "handle": "@zoefiets",
    "hashtag": "#zoefiets",
    "cforms": {"N": "Velomaat"},
    "slots": {
        "n": lines("2\n3\n4\ntwee\ndrie\nvier"),
        "days": lines("3 dagen\ndrie dagen\n4 dagen\neen week\nruim een week\ntwee weken\n5 dagen\nbijna twee weken"),
        "hours": lines("een uur\ntwee uur\nanderhalf uur\n45 minuten\ndrie kwartier\n50 minuten"),
        "time_ref": lines(
            "vanochtend\ngisteren\ngisteravond\nmaandag\nvrijdag\nvorige week\neergisteren\nvandaag\ndit weekend"
        ),
        "time_fut": lines("morgen\ndonderdag\nna het weekend\nmaandag\novermorgen\nvrijdag"),
        "time_window": lines("tussen 8 en 12\ntussen 13 en 17\n's ochtends\nvoor 12 uur\ntussen 9 en 13"),
        "city": lines(
            "Amsterdam\nUtrecht\nRotterdam\nDen Haag\nGroningen\nLeiden\nDelft\nEindhoven\nNijmegen\nHaarlem\n"
            "Zwolle\nAmersfoort"
        ),
        "cityBE": lines("Antwerpen\nGent\nLeuven\nMechelen"),
        "defect": lines(
            """
            lekke band
            kapotte ketting
            losse trapper
            piepende rem
            kapot achterlicht
            slappe rem
            krakende trapas
            afgebroken standaard
            klemmend slot
            los spatbord
            """
        ),
        "money": lines("€22,90\n€19,90\n€72,50\n€12,50\n€7,50\n€24,40\n€64,90"),
        "agent": lines("Sanne\nDaan\nFleur\nBram\nNoor\nJesse\nLotte"),
        "fiets": lines("m'n fiets\nmijn fiets\nde fiets\nm'n e-bike\nmijn Zoefiets\nm'n Zoefiets"),
    },
    "topics": {
        "repair": {
            "neg": lines(
                """
                Al {days} wachten op een monteur van {b} voor een {defect}
                {b} belooft reparatie binnen 48 uur. Het is nu dag 5
                Monteur van {b} zou {time_window} komen. Niemand gekomen, geen bericht
                Derde keer deze maand een {defect}. De kwaliteit van {b} gaat hard achteruit
                Monteur kwam voor een {defect}, 'repareerde' het en twee dagen later precies hetzelfde probleem
                Afspraak om te ruilen bij {b} {n} keer verzet. Zonder fiets naar m'n werk, lekker
                Sta ik weer met m'n {b} langs de weg. Ketting eraf. Ff lopen dan
                Reparatie {time_ref} gemeld bij {b}, nog steeds geen afspraak ingepland
                De monteur van {b} heeft {fiets} 'gemaakt' maar nu zit de rem aan de verkeerde kant??
                Moest {hours} wachten op de monteur van {b} en toen kwam ie zonder onderdelen
                """
            ),
            "neu": lines(
                """
                Hoe snel komt een monteur van {b} meestal langs?
                Moet je thuis zijn als {b} je fiets komt repareren?
                Kan je bij {b} ook gewoon zelf langs de winkel met een {defect}?
                Monteur van {b} komt {time_fut}, benieuwd
                Krijg je bij {b} een vervangende fiets als de reparatie lang duurt?
                Repareert {b} ook als je fiets bij je werk staat?
                """
            ),
            "pos": lines(
                """
                Monteur van {b} stond binnen 2 uur voor de deur. Band geplakt, klaar
                {defect} gemeld bij {b} om 9 uur, om 12 uur was 't al gefixt
                Fiets geruild bij de {b} winkel in {city}, 10 minuten werk. Top
                Super aardige monteur van {b}, legde ook nog ff uit hoe ik de ketting zelf kan spannen
                In 2 jaar {b} nooit langer dan een dag zonder fiets gezeten
                Die monteurs van {b} zijn echt snel, band was binnen een uur gemaakt
                """
            ),
        },
        "app": {
            "neg": lines(
                """
                De {b} app logt me steeds uit
                Reparatie melden in de {b} app geeft elke keer 'er ging iets mis'
                Sinds de laatste update laadt de {b} app niet meer op m'n Android
                Waarom wil de {b} app altijd m'n locatie weten??
                De {b} app stuurt wel pushberichten over acties, maar niet als de monteur komt
                Inloggen bij {b} met die sms-code lukt nooit in één keer
                """
            ),
            "neu": lines(
                """
                Kan je in de {b} app je abonnement pauzeren?
                Heeft de {b} app een dark mode?
                Waar vind je in de {b} app je facturen?
                Iemand anders ook die nieuwe layout in de {b} app?
                """
            ),
            "pos": lines(
                """
                Reparatie melden via de {b} app gaat echt in 30 sec
                De nieuwe {b} app is eindelijk snel
                Fijn dat je in de {b} app ziet hoe laat de monteur komt
                """
            ),
        },
        "support": {
            "neg": lines(
                """
                {days} geen reactie van de klantenservice van {b}
                Chatbot van {b} blijft me naar de FAQ sturen
                {hours} in de wacht bij {b}. Opgehangen
                {b} klantenservice belooft terug te bellen en dan... niks
                Ticket bij {b} gesloten als 'opgelost'. Niks is opgelost
                Elke keer iemand anders aan de lijn bij {b} en elke keer je hele verhaal opnieuw doen
                """
            ),
            "neu": lines(
                """
                Wat is de snelste manier om {b} te bereiken? Chat of bellen?
                Reageert {b} nog op DM's hier?
                Heeft {b} een mailadres of alleen dat contactformulier?
                """
            ),
            "pos": lines(
                """
                {agent} van de {b} chat heeft alles in 5 min opgelost, held
                Klantenservice van {b} is echt top, binnen een uur reactie
                Eindelijk een bedrijf waar je gewoon een mens aan de lijn krijgt. Dank je, {b}
                """
            ),
        },
        "price": {
            "neg": lines(
                """
                [€22,90|€19,90|€64,90] per maand voor een fiets met een {defect}? Nee dank je {b}
                {b} heeft deze maand 2x afgeschreven. Dubbel betaald dus
                Waarom kost opzeggen bij {b} ineens administratiekosten?
                Waarom staat er €7,50 'servicekosten' op m'n {b} factuur?
                """
            ),
            "neu": lines(
                """
                Is {b} nog te betalen als student?
                Wat kost een e-bike bij {b} eigenlijk per maand?
                Hoeveel eigen risico betaal je bij {b} als je fiets gestolen wordt?
                """
            ),
            "pos": lines(
                """
                Voor dat geld per maand nooit meer gedoe met je fiets. {b} is gewoon een goede deal
                Studentenkorting bij {b} scheelt echt
                Goedkoper dan zelf een fiets kopen en onderhouden, {b} ftw
                """
            ),
        },
        "refund": {
            "neg": lines(
                """
                Al {days} wachten op m'n borg van {b}
                Fiets ingeleverd bij {b}, toch nog een maand afgeschreven
                {b} houdt €50 van m'n borg in voor 'schade' die er al zat
                """
            ),
            "neu": lines(
                """
                Hoe lang duurt het voor je je borg terugkrijgt bij {b}?
                Moet je je {b} zelf terugbrengen als je opzegt?
                """
            ),
            "pos": lines(
                """
                Opgezegd bij {b}, borg stond binnen 3 dagen terug op m'n rekening
                Netjes, {b} heeft het verkeerd afgeschreven bedrag meteen teruggestort
                """
            ),
        },
        "quality": {
            "neg": lines(
                """
                Die {b} is zo zwaar, elke brug voelt als de Alpe d'Huez
                Het slot van m'n {b} roest al na 2 maanden
                De accu van m'n {b} e-bike haalt nog geen 20 km
                Zadel van {b} is echt een martelwerktuig
                Remmen van de nieuwe {b} piepen vanaf dag 1
                """
            ),
            "neu": lines(
                """
                Zijn de nieuwe fietsen van {b} anders dan de oude?
                Hoe zwaar is een {b} e-bike eigenlijk?
                """
            ),
            "pos": lines(
                """
                Die nieuwe {b} e-bike trekt echt lekker op
                Fiets van {b} rijdt als een zonnetje, al 8 maanden geen problemen
                Die gele spatborden van {b} herken je overal, maar de fiets zelf is echt prima
                """
            ),
        },
        "account": {
            "neg": lines(
                """
                Fiets gestolen en {b} rekent €60 eigen risico. Terwijl ie gewoon op slot stond
                Nep-sms van '{b}' over een openstaande betaling. Pas op!!
                Iemand heeft m'n {b} account gebruikt om een tweede fiets te bestellen??
                Kan niet inloggen bij {b}, de verificatiecode komt nooit aan
                """
            ),
            "neu": lines(
                """
                Is die sms van {b} over een betaalachterstand echt of phishing?
                Hoe verander je je IBAN bij {b}?
                """
            ),
            "pos": lines(
                """
                {b} belde meteen toen er een rare login op m'n account was. Netjes
                """
            ),
        },
        "question": {
            "neu": lines(
                """
                Iemand ervaring met {b} in {city}?
                {b} of {c}, wat raden jullie aan?
                Mag je met een {b} ook de trein in?
                Zijn er mensen die een {b} met een kinderzitje hebben?
                Komt {b} ook naar {city}?
                Kan je bij {b} ook een fiets voor je kind nemen?
                """
            ),
        },
        "news": {
            "neu": lines(
                """
                {B} breidt uit naar drie nieuwe steden {url}
                {B} test abonnement op e-bikes voor bedrijven {url}
                Fietsabonnementen steeds populairder, {B} en {C} groeien hard {url}
                {B} opent werkplaats in {city} {url}
                """
            ),
            "pos": lines(
                """
                {B} wint publieksprijs voor beste mobiliteitsdienst {url}
                """
            ),
        },
        "compare": {
            "neg": lines(
                """
                {c} heeft in {city} gewoon snellere monteurs dan {b}
                Overgestapt van {b} naar {c}, nu al beter
                """
            ),
            "neu": lines(
                """
                {b} vs {c}, iemand ervaring met allebei?
                Twijfel tussen {b} en {c} voor m'n dochter
                """
            ),
            "pos": lines(
                """
                Van {c} naar {b} gegaan en echt geen spijt
                {b} > {c}, en niet zo'n beetje ook
                """
            ),
        },
        "flemish": {
            "neg": lines(
                """
                Amai, {b} is echt traag met herstellingen hier in {cityBE}
                Allee, ne plaatband en de monteur van {b} komt pas volgende week
                Ge moet echt geen {b} nemen in {cityBE}, die monteurs zijn nooit op tijd
                Al drie dagen zonder velo, {b}. Da's toch nie normaal
                """
            ),
            "neu": lines(
                """
                Heeft er hier iemand een {b} in {cityBE}? Is dat de moeite?
                Werkt {b} ook met een Belgisch rekeningnummer?
                """
            ),
            "pos": lines(
                """
                {b} in {cityBE} is echt de max, op een uurke was mijn band gemaakt
                Goe geregeld door {b}, ik ben content
                """
            ),
        },
    },
    # The slow shift: price increase.  "announce" from 2026-09-16, "after" from 2026-10-01 (weight rising).
    "hike": {
        "announce": {
            "neg": lines(
                """
                Mail van {b}: vanaf 1 oktober €3 per maand meer. Kom op zeg
                {b} gaat de prijs verhogen en de monteur komt nog steeds te laat. Top plan
                Ze verhogen bij {b} gewoon de prijs met 15%. Ik ga echt opzeggen
                """
            ),
            "neu": lines(
                """
                Mail gehad van {b}: per 1 oktober wordt het abonnement duurder. Iemand anders ook?
                {b} gaat van €19,90 naar €22,90 per maand. Is dat bij iedereen zo?
                Klopt het dat {B} de prijzen verhoogt per 1 oktober? {url}
                Mag {b} zomaar de prijs verhogen tijdens je abonnement?
                {B} verhoogt abonnementsprijs per 1 oktober {url}
                Kan je bij {b} nog vóór 1 oktober opzeggen zonder de nieuwe prijs te betalen?
                """
            ),
            "pos": lines(
                """
                {b} wordt €3 duurder, maar eerlijk is eerlijk, voor die service vind ik het nog steeds prima
                """
            ),
        },
        "after": {
            "neg": lines(
                """
                €3 per maand erbij voor precies dezelfde fiets. Bedankt {b}
                De prijsverhoging van {b} is nu echt ingegaan. 15% duurder en de monteur komt nog steeds niet
                Net afgeschreven: €22,90 i.p.v. €19,90. {b} wordt gewoon te duur
                Door de prijsverhoging zeg ik {b} op. Tweedehands fiets gekocht
                E-bike bij {b} nu €72,50 per maand. Voor dat geld lease je bijna een scooter
                Eerst de prijs omhoog en dan ook nog dubbel afschrijven in oktober. Top {b}
                Opzeggen bij {b} kan alleen per maand, dus je betaalt sowieso nog een keer het nieuwe tarief. Slim hoor
                Oktoberfactuur van {b} binnen. Hoger dan aangekondigd?? Ik kom op €24,40
                {b} verhoogt de prijs en noemt het 'investeren in betere service'. Welke service?
                Studenten betalen nu ook meer bij {b}. Zo jammer
                Sinds de prijsverhoging overweeg ik {c}, die zitten nog op de oude prijs
                Iedereen in m'n studentenhuis zegt {b} op na die prijsverhoging
                Meer betalen bij {b} en dan alsnog 4 dagen op een monteur wachten. Nee
                {b} incasso van €22,90 mislukt en nu rekenen ze ook nog €7,50 aanmaningskosten
                Te duur geworden. {b} was leuk zolang het betaalbaar was
                Die nieuwe prijs van {b} staat nergens duidelijk in de app, pas op je afschrift zag ik het
                """
            ),
            "neu": lines(
                """
                Is {b} nog de moeite waard na de prijsverhoging of kan je beter zelf een fiets kopen?
                Wat is nu goedkoper, {b} of {c}, sinds 1 oktober?
                Kan je je {b} opzeggen vanwege de prijsverhoging zonder opzegtermijn?
                Iemand al de nieuwe factuur van {b} gehad? Hoeveel is het geworden?
                Rekensommetje: {b} kost me nu €275 per jaar. Tweedehands fiets plus onderhoud?
                """
            ),
            "pos": lines(
                """
                Ook na de prijsverhoging vind ik {b} het waard. Nooit meer zelf sleutelen
                €3 meer, maar de monteur van {b} is er wel altijd snel. Ik blijf
                Prijs is omhoog, maar {b} geeft studenten nog steeds korting, prima
                """
            ),
        },
        "titles": {
            "neg": lines(
                "Te duur geworden\nPrijsverhoging zonder betere service\nPrijs omhoog, service omlaag\nOpgezegd"
            ),
            "neu": lines("Duurder geworden\nPrima, maar duur"),
            "pos": lines("Nog steeds de moeite waard"),
        },
        "sarcasm": lines(
            """
            Wat fijn dat {b} nu meer kost, dan weet je zeker dat de monteur nog later komt
            Top {b}, 15% duurder en precies dezelfde lekke band
            Heerlijk, {b} 'investeert in betere service'. Met mijn €3 per maand zeker
            Dank je {b}, nu betaal ik €22,90 om op een monteur te wachten
            """
        ),
        "short": lines(
            """
            {b} te duur geworden
            €22,90?? {b} echt
            {b} opgezegd, klaar
            dag {b}, hallo tweedehands fiets
            """
        ),
        "review_neu": {
            "announce": lines(
                """
                Fiets is prima, benieuwd of het na de prijsverhoging van 1 oktober nog de moeite waard is.
                Tevreden over de service, minder blij met de aangekondigde prijsverhoging.
                """
            ),
            "after": lines(
                """
                Prima fiets, maar sinds de prijsverhoging twijfel ik of het nog de moeite waard is.
                Service is oké, alleen €22,90 per maand is best veel voor een gewone fiets.
                Nog steeds tevreden over de fiets, minder over de nieuwe prijs.
                De monteurs zijn snel, maar voor de nieuwe prijs mag de app wel beter.
                """
            ),
        },
        "english": lines(
            """
            Did everyone get the {b} price increase email? €3 more a month from October
            {b} just hiked my subscription from €19.90 to €22.90. Can I cancel right away?
            """
        ),
        "hashtags": lines("#prijsverhoging\n#zoefiets\n#duur\n#opzeggen"),
    },
    # ------------------------------------------------------------------------------------------------------------
    "details": {
        "neg": lines(
            """
            Zo frustrerend.
            Echt belachelijk.
            En dat elke keer weer.
            Zonder fiets ben je nergens in deze stad.
            Ik moet gewoon naar m'n werk.
            Geen mail, geen sms, niks.
            Ik betaal er wel elke maand voor.
            Dit is al de derde keer.
            Geen excuses, niks.
            Ben er echt klaar mee.
            Ff lopen in de regen dan maar.
            Leuk als je om 8 uur college hebt.
            Heb gewoon geen zin meer in dit gedoe.
            Misschien ligt het aan mij, maar dit is toch geen service?
            Precies wat iedereen hier al zegt dus.
            Waarschijnlijk ben ik niet de enige.
            Dit wordt echt steeds erger.
            Wat er nu weer gebeurt snap ik ook niet.
            """
        ),
        "neu": lines(
            """
            Iemand ervaring mee?
            Alvast bedankt!
            Ben benieuwd.
            Vraag voor een vriend haha.
            Weet nog niet zeker of ik het ga doen.
            Ik woon trouwens in {city}.
            Hoor graag jullie ervaringen.
            Geen idee of dat normaal is.
            Misschien een domme vraag hoor.
            """
        ),
        "pos": lines(
            """
            Echt top.
            Zo hoort het.
            Aanrader!
            Blij mee.
            Goed geregeld.
            Chapeau.
            Gewoon netjes.
            Hier word je blij van.
            Had ik veel eerder moeten doen.
            Zonder gedoe.
            """
        ),
    },
    "short": {
        "neg": lines(
            """
            {b} weer...
            {b} wtf
            {b} nooit meer
            kom op {b}
            {b} is echt een drama
            pfff {b}
            {b} doe normaal
            """
        ),
        "neu": lines(
            """
            {b} storing?
            iemand {b} in {city}?
            {b} of {c}?
            {b} ervaringen?
            hoe is {b} eigenlijk?
            """
        ),
        "pos": lines(
            """
            {b} 🔥
            {b} is top
            {b} ftw
            dank je {b}!
            {b} blijft goed
            {b} 💛
            """
        ),
    },
    "sarcasm": lines(
        """
        Top service weer van {b}, 5 dagen zonder fiets 👍
        Geweldig {b}, nu mag ik lekker lopen in de regen
        Dank je {b} voor de reminder dat ik ook gewoon kan lopen
        Ah, {b} heeft weer een 'tijdelijke storing'. Hoe origineel
        Fijn hoor {b}, een monteur die 'tussen 8 en 17' komt. Dan neem ik toch gewoon vrij
        """
    ),
    "openers": {
        "neg": lines(
            """
            Pfff.
            Serieus?
            Echt hoor.
            Nou.
            Ugh.
            Ik ben er klaar mee.
            Kom op.
            Lekker dan.
            Alweer.
            Jongens,
            Oké, even ranten:
            Zucht.
            Bizar.
            Ongelooflijk.
            Wtf.
            Waarschuwing:
            Wie herkent dit:
            Sorry, moet ff mijn hart luchten.
            """
        ),
        "neu": lines(
            """
            Vraagje:
            Even een vraag:
            Hoi!
            Hey,
            Snelle vraag:
            Iemand die het weet:
            Vraag voor de kenners:
            Misschien domme vraag, maar
            Ff checken:
            """
        ),
        "pos": lines(
            """
            Moet ff gezegd worden:
            Complimentje:
            Oké, positief bericht voor de verandering:
            Wauw.
            Echt top:
            Niet verwacht, maar
            Eerlijk is eerlijk:
            """
        ),
    },
    "closers": {
        "neg": lines(
            """
            Nooit meer.
            Bedankt voor niks.
            Belachelijk.
            Ik zeg op.
            Doe normaal.
            Schandalig.
            Pff.
            Wie nog meer?
            Dit kan echt niet.
            Slechtste service ooit.
            Ik stap over naar {c}.
            """
        ),
        "neu": lines(
            """
            Alvast bedankt!
            Thanks!
            Iemand?
            Tips welkom.
            Dank je!
            Groetjes
            """
        ),
        "pos": lines(
            """
            Top!
            Aanrader!
            Dikke prima.
            Chapeau!
            Blij mee 😊
            Keep it up!
            Tien punten.
            Zo kan het dus ook.
            """
        ),
    },
    # Dutch puts the verb second after a fronted phrase, so joiners only use "maar" (no inversion) or a colon.
    "joiners": {
        "to_neg": lines(
            """
            , maar
            , alleen
            . Minpuntje:
            . Aan de andere kant:
            . Wel jammer:
            … maar
            """
        ),
        "to_pos": lines(
            """
            , maar
            . Pluspunt:
            . Aan de andere kant:
            . Wel fijn:
            . Eerlijk is eerlijk:
            """
        ),
    },
    "reddit_titles": {
        "neg": lines(
            """
            Ervaringen met {B}? Die van mij zijn slecht
            Klaar met {B}
            Waarschuwing voor iedereen met een fietsabonnement
            Rant over de monteurs
            """
        ),
        "neu": lines(
            """
            Vraag over {B}
            {B} - ervaringen?
            Fietsabonnement, wat zijn jullie ervaringen?
            Vraagje
            Advies gezocht
            """
        ),
        "pos": lines(
            """
            Positieve ervaring voor de verandering
            Compliment voor {B}
            Het kan dus wel
            """
        ),
    },
    "titles": {
        "neg": lines(
            """
            Slechte service
            Niet aan te raden
            Drama
            Nooit meer
            Teleurgesteld
            Slecht
            Jammer
            """
        ),
        "neu": lines(
            """
            Gaat wel
            Kan beter
            Wisselend
            Oké
            Prima, maar er zijn minpunten
            Redelijk
            """
        ),
        "pos": lines(
            """
            Top service!
            Aanrader
            Super handig
            Heel tevreden
            Prima abonnement
            Helemaal goed
            """
        ),
    },
    "topic_titles": {
        "neg": {
            "repair": lines("Monteur komt niet\nWachten op reparatie\nReparatie duurt eeuwen"),
            "app": lines("Waardeloze app\nApp werkt niet"),
            "support": lines("Klantenservice onbereikbaar\nGeen reactie"),
            "price": lines("Te duur\nOnduidelijke kosten\nDubbel afgeschreven"),
            "refund": lines("Borg nog steeds niet terug"),
            "quality": lines("Slechte fietsen\nLoodzware fiets"),
            "account": lines("Pas op voor phishing"),
            "compare": lines("Velomaat is beter"),
            "flemish": lines("Traag\nNie goed"),
        },
        "pos": {
            "repair": lines("Snelle monteurs\nNooit meer zelf repareren\nSuper snelle reparatie"),
            "app": lines("Handige app"),
            "support": lines("Top klantenservice"),
            "price": lines("Goede deal"),
            "flemish": lines("Goe geregeld"),
        },
    },
    "review_openers": {
        "any": lines(
            """
            Ik heb nu een jaar of twee een fiets van {b}.
            Sinds een half jaar klant.
            Schrijf normaal nooit reviews, maar nu wel.
            Gebruik de app bijna elke week.
            Ben student in {city} en heb een fiets van {b}.
            Eerste keer een fietsabonnement.
            Fiets elke dag naar m'n werk, dus ik heb wel een mening.
            """
        ),
        "neg": lines("Helaas moet ik een slechte review geven.\nZwaar teleurgesteld.\nVroeger was het beter."),
        "neu": lines("Gemengde gevoelens.\nOver het algemeen oké, maar er zijn minpunten."),
        "pos": lines("Alleen maar positief.\nHeel tevreden.\nNiks op aan te merken."),
    },
    "review_closers": {
        "neg": lines("Niet aan te raden.\nZonde van je geld.\nEén ster is nog te veel.\nSnel verbeteren graag."),
        "neu": lines("Daarom 3 sterren.\nAls ze dit fixen, meer sterren.\nVoor nu blijf ik nog even."),
        "pos": lines("Echt een aanrader!\nWelverdiende 5 sterren.\nGa zo door!\nBedankt!"),
    },
    "review_neu": lines(
        """
        De fiets zelf is prima, de app kan beter.
        Monteurs zijn aardig maar niet altijd op tijd.
        Handig concept, de prijs is wel aan de hoge kant.
        Doet wat het moet doen.
        Soms snel, soms duurt het dagen.
        Best oké voor een studentenbudget.
        Fiets is wat zwaar, maar rijdt prima.
        Klantenservice is vriendelijk, alleen niet altijd snel.
        """
    ),
    "hashtags": {
        "brand": lines("#zoefiets\n#fietsen\n#fiets\n#fietsabonnement\n#woonwerk\n#fietsstad"),
        "neg": lines("#nooitmeer\n#klantenservice\n#balen"),
        "neu": lines("#vraagje\n#fietsen"),
        "pos": lines("#aanrader\n#blij\n#topservice"),
    },
    "emoji": {
        "brand": lines("🚲\n🔧\n🚴\n💛"),
        "neg": lines("😤\n😡\n🙄\n😒\n🤦\n😩\n👎\n🌧️"),
        "neu": lines("🤔\n🤷\n❓\n👀"),
        "pos": lines("🙏\n😍\n👏\n🔥\n😊\n💪\n👌\n🙌"),
        "sarcasm": lines("🙃\n👍\n🤡\n😂"),
    },
    "english": {
        "neg": lines(
            """
            Third flat tyre this month with my {b}. The mechanic never shows up on time
            {b} support only replies in Dutch, google translate it is
            Waited 4 days for a {b} mechanic. Bought a second hand bike in the meantime
            """
        ),
        "neu": lines(
            """
            New to Amsterdam. Is {b} worth it or should I just buy a second-hand bike?
            Does {b} work in Utrecht too?
            {b} or {c} for an expat on a budget?
            """
        ),
        "pos": lines(
            """
            {b} mechanic fixed my bike in 20 minutes, outside my office. Dutch efficiency
            Honestly {b} is the best thing for expats here
            """
        ),
    },
    "english_titles": {
        "neg": lines("Terrible service\nNot worth it\nToo expensive now"),
        "neu": lines("It's ok\nDecent"),
        "pos": lines("Great service\nLove it\nPerfect for expats"),
    },
    "names": {
        "m": lines(
            "Daan\nBram\nThijs\nRuben\nJesse\nLars\nSem\nNiels\nJoris\nStijn\nTim\nKoen\nPieter\nBas\nWout\nJens"
        ),
        "f": lines(
            "Sanne\nLotte\nEmma\nFleur\nAnouk\nLisa\nIris\nNoor\nEva\nSophie\nFemke\nJulia\nMarieke\nIlse\nRoos"
        ),
        "last": lines(
            "de Vries\nJansen\nvan Dijk\nBakker\nVisser\nSmit\nMeijer\nde Boer\nMulder\nde Groot\nBos\nVos\nPeters\n"
            "Hendriks\nvan Leeuwen\nDekker\nBrouwer\nde Wit\nDijkstra\nSmits\nde Graaf\nvan der Meer\nKok\nJacobs\n"
            "Vermeulen\nPeeters\nMaes\nvan den Berg\nPostma"
        ),
        "adj": lines("natte\nsnelle\nboze\nblije\nslome\nlekkere\ngekke\nkleine\nmoe"),
        "noun": lines(
            "fietser\nstroopwafel\ndropje\nregenjas\ntegenwind\nbitterbal\ngracht\nmolentje\nkaasschaaf\nreiger"
        ),
        "hobby": lines("fietst\nbakt\nleest\nloopt\nklust\ntekent"),
        "city": lines("020\n010\n030\n070\nutrecht\ngroningen\nleiden\ndelft\nnijmegen"),
        "google": "Een Google-gebruiker",
        "trustpilot": "Klant",
        "store_nicks": lines("Tevreden klant\nfietser020\nStudentje\nforens\nMamaVanDrie\nanoniem"),
        "from": "uit",
        "old": "Ouwe",
        "micro_tags": {"any": [], "neg": [], "neu": [], "pos": []},
    },
    "proper": lines(
        "Zoefiets\nZoef\nZoefietsen\nVelomaat\nAmsterdam\nUtrecht\nRotterdam\nDen\nGroningen\nLeiden\nDelft\n"
        "Eindhoven\nNijmegen\nHaarlem\nZwolle\nAmersfoort\nAntwerpen\nGent\nLeuven\nMechelen\nAndroid\nFAQ\nDM's\n"
        "Alpe\nIBAN\nBelgisch\nSanne\nDaan\nFleur\nBram\nNoor\nJesse\nLotte"
    ),
    "misspell": {  # dt-fouten and friends
        "wordt": "word",
        "gebeurt": "gebeurd",
        "vindt": "vind",
        "eigenlijk": "eigelijk",
        "sowieso": "zowiezo",
        "trouwens": "trouwes",
    },
    "abbrev": {
        "even": "ff", "misschien": "mss", "inderdaad": "idd", "waarschijnlijk": "wss", "trouwens": "btw",
        "eigenlijk": "eig", "niet": "nie", "het ": "'t ", "mijn ": "m'n ", "een ": "'n ",
    },
    "elongate": {
        "nee": "e", "echt": "t", "zo": "o", "super": "r", "top": "p", "pff": "f", "ja": "a", "nou": "u",
        "heel": "e", "lekker": "r",
    },
}


# fmt: on


# ====================================================================================================================
# Brand configuration (everything that is not phrase text)
# ====================================================================================================================
@dataclass(frozen=True)
class BrandConfig:
    slug: str
    name: str
    competitor: str
    lang: str
    what: str  # for the README table
    bank: dict
    total: int  # valid rows (mentions + reviews)
    review_share: float
    alias_weights: dict[str, float]  # "form" (nominative aliases), "@", "#" -> weight
    stems: tuple[str, ...]  # lower-case substrings that identify the brand in a text
    weekday_factor: tuple[float, ...]  # Monday..Sunday
    hour_weights: tuple[float, ...]  # 24 local hours
    topic_weights: dict[str, float]
    platforms: tuple[tuple[str, float], ...]
    subreddits: tuple[tuple[str, float], ...]
    en_subreddits: tuple[tuple[str, float], ...]  # where the English posts go
    extra_subreddits: tuple[tuple[str, float], ...]  # Flemish posts (Zoefiets)
    forums: tuple[tuple[str, str, str], ...]  # (forum name, domain, link style)
    stores: tuple[tuple[str, float], ...]
    releases: tuple[tuple[date, str], ...]
    news_accounts: tuple[str, ...]
    news_domains: tuple[str, ...]
    yaml_aliases: tuple[str, ...]
    app_ids: tuple[str, str]  # App Store id, Google Play package (for the commented network sources)
    country: str


# fmt: off
BRAND_CONFIGS = [
    BrandConfig(
        slug="paczkolot",
        name="Paczkolot",
        competitor="Dostavo",
        lang="pl",
        what="parcel lockers and courier with an app (Polish; busiest Mon-Tue after weekend shopping)",
        bank=PL,
        total=595,
        review_share=0.27,
        alias_weights={"form": 1.0, "@": 0.09, "#": 0.04},
        stems=("paczkolo",),
        weekday_factor=(1.18, 1.12, 1.04, 1.0, 0.98, 0.86, 0.72),
        hour_weights=(
            0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 2.6, 3.2, 3.5, 3.6,
            3.8, 3.7, 3.6, 3.7, 4.0, 4.4, 4.8, 5.0, 5.0, 4.6, 3.4, 1.8,
        ),
        topic_weights={
            "delivery": 30, "app": 10, "support": 11, "price": 7, "refund": 6, "quality": 5, "account": 5,
            "question": 9, "news": 3, "compare": 4, "promo": 4,
        },
        platforms=(("reddit", 30), ("twitter", 30), ("forum", 30), ("instagram", 10)),
        subreddits=(
            ("r/Polska", 40), ("r/paczkolot", 16), ("r/warszawa", 12), ("r/krakow", 8), ("r/wroclaw", 7),
            ("r/Polska_wpz", 5), ("r/poznan", 4), ("r/poland", 3),
        ),
        en_subreddits=(("r/poland", 60), ("r/krakow", 20), ("r/warszawa", 20)),
        extra_subreddits=(),
        forums=(
            ("Kopaczek (mikroblog)", "kopaczek.pl", "micro"),
            ("Forum Zakupoholików", "forum.zakupoholicy.pl", "thread"),
            ("Okazjomaniak", "okazjomaniak.pl", "thread"),
        ),
        stores=(("app_store", 30), ("google_play", 50), ("trustpilot", 20)),
        releases=(
            (date(2026, 8, 11), "3.8.2"), (date(2026, 9, 2), "3.9.0"), (date(2026, 9, 19), "3.9.1"),
            (date(2026, 10, 1), "3.9.2"), (date(2026, 10, 14), "4.0.0"), (date(2026, 10, 17), "4.0.1"),
            (date(2026, 10, 27), "4.0.2"),
        ),
        news_accounts=("LogistykaDzis", "EhandelNewsPL", "BiznesTerazPL"),
        news_domains=("logistykadzis.pl", "ehandel-news.pl", "biznesteraz.pl"),
        yaml_aliases=("Paczkolot", "Paczkolotu", "Paczkolotem", "Paczkolocie", "Paczkolotowi", "@Paczkolot",
                      "#paczkolot"),
        app_ids=("1532117804", "pl.paczkolot.app"),
        country="pl",
    ),
    BrandConfig(
        slug="zoefiets",
        name="Zoefiets",
        competitor="Velomaat",
        lang="nl",
        what="bike subscription with repair service and app (Dutch, some Flemish; commuter peaks on weekdays)",
        bank=NL,
        total=560,
        review_share=0.28,
        alias_weights={"form": 1.0, "@": 0.09, "#": 0.04},
        stems=("zoefiets", "zoef"),
        weekday_factor=(1.16, 1.10, 1.06, 1.04, 0.98, 0.84, 0.80),
        hour_weights=(
            0.5, 0.25, 0.1, 0.1, 0.15, 0.4, 1.4, 3.2, 3.8, 3.0, 2.8, 3.0,
            3.4, 3.1, 2.9, 3.0, 3.4, 4.0, 3.9, 3.8, 3.8, 3.4, 2.4, 1.2,
        ),
        topic_weights={
            "repair": 26, "app": 9, "support": 10, "price": 8, "refund": 6, "quality": 8, "account": 5,
            "question": 9, "news": 3, "compare": 4, "flemish": 5,
        },
        platforms=(("reddit", 40), ("twitter", 30), ("forum", 18), ("instagram", 12)),
        subreddits=(
            ("r/thenetherlands", 40), ("r/zoefiets", 15), ("r/amsterdam", 10), ("r/utrecht", 9),
            ("r/Rotterdam", 6), ("r/fietsen", 8), ("r/Groningen", 5), ("r/studentenNL", 4), ("r/Netherlands", 3),
        ),
        en_subreddits=(("r/Netherlands", 55), ("r/amsterdam", 30), ("r/utrecht", 15)),
        extra_subreddits=(("r/belgium", 50), ("r/Antwerpen", 30), ("r/Gent", 20)),
        forums=(
            ("Techtuig Forum", "forum.techtuig.nl", "tweak"),
            ("Prikpaal", "prikpaal.nl", "thread"),
            ("Fietspraat", "fietspraat-forum.nl", "thread"),
        ),
        stores=(("app_store", 40), ("google_play", 35), ("trustpilot", 25)),
        releases=(
            (date(2026, 8, 5), "6.4.1"), (date(2026, 8, 27), "6.5.0"), (date(2026, 9, 16), "6.5.1"),
            (date(2026, 10, 8), "6.6.0"), (date(2026, 10, 29), "6.6.1"),
        ),
        news_accounts=("FietsNieuwsNL", "MobiliteitsDesk", "StadTechNL"),
        news_domains=("fietsbericht.nl", "mobiliteitsdesk.nl", "stadtech-nieuws.nl"),
        yaml_aliases=("Zoefiets", "Zoefietsen", "@zoefiets", "#zoefiets"),
        app_ids=("1598830216", "nl.zoefiets.app"),
        country="nl",
    ),
]

# Paczkolot incident: day -> (volume multiplier, negative share, positive share, phase).
INCIDENT = {
    date(2026, 10, 14): (2.7, 0.68, 0.10, "incident"),
    date(2026, 10, 15): (3.0, 0.74, 0.08, "incident"),
    date(2026, 10, 16): (2.6, 0.69, 0.09, "incident"),
    date(2026, 10, 17): (1.9, 0.45, 0.26, "tail"),
    date(2026, 10, 18): (1.35, 0.32, 0.33, "tail"),
}
AFTERMATH_UNTIL = date(2026, 10, 31)
# Probability that a Paczkolot row in a non-normal phase uses the event banks instead of the usual topics.
EVENT_PROB = {
    "incident": {"neg": 0.84, "neu": 0.6, "pos": 0.45},
    "tail": {"neg": 0.7, "neu": 0.5, "pos": 0.7},
    "after": {"neg": 0.08, "neu": 0.05, "pos": 0.04},
}
# Zoefiets price increase.
HIKE_ANNOUNCED = date(2026, 9, 16)
HIKE_EFFECTIVE = date(2026, 10, 1)

ALIAS_PLATFORM_BOOST = {
    "twitter": {"@": 3.0, "#": 2.0},
    "instagram": {"@": 2.0, "#": 3.0},
    "reddit": {"@": 0.08, "#": 0.05},
    "forum": {"@": 0.05, "#": 0.05},
    "review": {"@": 0.0, "#": 0.0},
    "english": {"@": 1.0, "#": 1.0},
}
# fmt: on
SLOT_RE = re.compile(r"\{(\w+)\}")
ALT_RE = re.compile(r"\[([^\[\]]*)\]")
GENDER_RE = re.compile(r"<([^<>|]*)\|([^<>|]*)>")
URL_RE = re.compile(r"https?://\S+")
URL_MARK = "\x00URL\x00"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TWITTER_EPOCH_MS = 1288834974657
EN_ADJ = ("Sleepy", "Brave", "Cosmic", "Quiet", "Fuzzy", "Lucky", "Rare", "Salty", "Gentle", "Spare", "Odd", "Bright")
EN_NOUN = ("Otter", "Falcon", "Walrus", "Pickle", "Badger", "Robin", "Squirrel", "Toast", "Raven", "Moose", "Heron")
IMAGE_HOSTS = (
    "https://i.redd.it/{code}.jpeg",
    "https://i.redd.it/{code}.png",
    "https://imgur.com/a/{code}",
    "https://pbs.twimg.com/media/{code}?format=jpg",
)
DIACRITICS = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻéëïöüèÉ", "acelnoszzACELNOSZZeeioueE")


def weighted(rng: Random, pairs) -> object:
    """Pick the first element of one (item, weight) pair."""
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def heavy_tail(rng: Random, scale: float, alpha: float, cap: int) -> int:
    """Non-negative heavy-tailed integer (Pareto): most values small, a few large."""
    return min(cap, int(scale * (rng.paretovariate(alpha) - 1.0)))


def ascii_fold(text: str) -> str:
    text = text.translate(DIACRITICS)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slugify(text: str, max_words: int = 8) -> str:
    """ASCII slug of the first words of a text (reddit style: lower case, underscores)."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())[:max_words]
    return "_".join(words) or "post"


def is_emoji(ch: str) -> bool:
    return ord(ch) >= 0x2190 and ch != "…"


def ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return not text or text[-1] in ".!?…:" or is_emoji(text[-1]) or text.endswith(("xD", "XD"))


def utc_offset(ts: datetime) -> timedelta:
    return timedelta(hours=2) if ts < DST_END else timedelta(hours=1)


def local_to_utc(local: datetime) -> datetime:
    """Naive Europe/Warsaw (= Europe/Amsterdam) wall time -> aware UTC."""
    offset = timedelta(hours=2) if local < datetime(2026, 10, 25, 3, 0) else timedelta(hours=1)
    return (local - offset).replace(tzinfo=UTC)


def local_iso(ts: datetime) -> str:
    """ISO-8601 with the local offset, as the review stores export it (+02:00 in summer, +01:00 from 10-25)."""
    off = utc_offset(ts)
    return (ts + off).replace(tzinfo=None).isoformat() + ("+02:00" if off == timedelta(hours=2) else "+01:00")


# ====================================================================================================================
# Text generation
# ====================================================================================================================
class TextGen:
    """Composes mention and review texts for one brand from its phrase bank."""

    def __init__(self, rng: Random, cfg: BrandConfig):
        self.rng = rng
        self.cfg = cfg
        self.bank = cfg.bank
        self.events = self.bank.get("events")
        self.hike = self.bank.get("hike")
        self.platform = "twitter"
        self.day = START
        self.gender = "m"
        self.used: list[str] = []
        self.in_mixed = False
        self.slots = dict(self.bank["slots"])
        if self.events:
            self.slots.update(self.events["slots"])
        self.proper = frozenset(self.bank["proper"])

    # -- slot filling -------------------------------------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def alias(self, case: str = "N") -> str:
        forms = self.bank["forms"].get(case, self.bank["forms"]["N"])
        boost = ALIAS_PLATFORM_BOOST.get(self.platform, {})
        pairs = [(a, w) for a, w in forms.items()]
        if self.platform == "review":
            pairs = [(a, w * (0.3 if a.islower() else 1.0)) for a, w in pairs if not a.isupper()]
        total = sum(w for _, w in pairs)
        # handles do not decline: Poles write "napisałem do @Paczkolot"
        handle_w = total * self.cfg.alias_weights["@"] * boost.get("@", 1.0) * (1.0 if case == "N" else 0.5)
        tag_w = total * self.cfg.alias_weights["#"] * boost.get("#", 1.0) * (1.0 if case == "N" else 0.2)
        pairs += [(self.bank["handle"], handle_w), (self.bank["hashtag"], tag_w)]
        return weighted(self.rng, pairs)

    def slot(self, name: str) -> str:
        if name in ("b", "bG", "bI", "bL", "bD"):
            return self.alias("N" if name == "b" else name[1])
        if name == "B":
            return self.cfg.name
        if name in ("c", "cG", "cI", "cL", "C"):
            return self.cfg.competitor
        if name == "url":
            return URL_MARK
        return self.pick(self.slots[name])

    def fill(self, template: str) -> str:
        """Resolve <m|f> gender forms, [a|b] alternatives and {slot}s (fillers may contain slots themselves)."""
        text = template
        for _ in range(3):
            text = GENDER_RE.sub(lambda m: m.group(1) if self.gender == "m" else m.group(2), text)
            text = ALT_RE.sub(lambda m: self.pick(m.group(1).split("|")), text)
            text = SLOT_RE.sub(lambda m: self.slot(m.group(1)), text)
            if "{" not in text and "[" not in text and "<" not in text:
                break
        if URL_MARK in text:
            text = text.replace(URL_MARK, self.news_url(text.replace(URL_MARK, "")))
        return text

    def news_url(self, headline: str) -> str:
        domain = self.pick(self.cfg.news_domains)
        section = self.pick(
            ["biznes", "handel", "technologie", "logistyka"]
            if self.cfg.lang == "pl"
            else ["nieuws", "economie", "tech", "mobiliteit"]
        )
        slug = slugify(headline, 9).replace("_", "-")
        return f"https://{domain}/{section}/{self.day:%Y/%m}/{slug}"

    def image_url(self) -> str:
        code = "".join(self.rng.choice(B36 + "ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(self.rng.choice([7, 13])))
        return self.pick(IMAGE_HOSTS).replace("{code}", code)

    # -- small text helpers -------------------------------------------------------------------------------------
    def starts_with_brand(self, text: str) -> bool:
        first = text.split(" ", 1)[0].lower()
        return first[:1] in "@#" or any(first.startswith(s) for s in self.cfg.stems)

    def cap_first(self, text: str) -> str:
        if text and text[0].islower() and not self.starts_with_brand(text):
            return text[0].upper() + text[1:]
        return text

    def decap_first(self, text: str) -> str:
        first = text.split(" ", 1)[0]
        bare = first.strip(",.!?:;\"'")
        keep = (bare.isupper() and len(bare) > 1) or bare in self.proper or any(c.isupper() for c in bare[1:])
        if keep or self.starts_with_brand(text) or not text[:1].isalpha():
            return text
        return text[0].lower() + text[1:]

    def mentions_brand(self, text: str) -> bool:
        low = text.lower()
        return any(s in low for s in self.cfg.stems)

    def opener(self, sent: str, core: str) -> str:
        """Prefix an opener.  Question-style neutral openers ("Pytanie:", "Vraagje:") only before questions."""
        question = core.rstrip().endswith("?")
        core_words = set(re.findall(r"\w+", core.lower()))
        pool = self.bank["openers"][sent]
        if sent == "neu" and not question:
            pool = [o for o in pool if o[-1] in ",!" and not o.endswith(("ale", "maar"))]
        for _ in range(6):
            opener = self.fill(self.pick(pool))
            if not any(len(w) > 3 and w in core_words for w in re.findall(r"\w+", opener.lower())):
                break
        if opener[-1] in ".:!?":
            return f"{opener} {self.cap_first(core)}"
        return f"{opener} {self.decap_first(core)}"

    def closer(self, sent: str, text: str) -> str:
        """A closer that repeats neither a sentence nor a longer word (or the competitor) of the text."""
        low = text.lower()
        seen = set(re.findall(r"\w{5,}", low))
        for _ in range(6):
            closer = self.fill(self.pick(self.bank["closers"][sent]))
            if closer.lower().rstrip(".!") not in low and not seen & set(re.findall(r"\w{5,}", closer.lower())):
                return closer
        return closer

    def join(self, parts: list[str], sent: str, casual: bool) -> str:
        """Join sentences, adding the punctuation that templates leave out."""
        rng = self.rng
        unique: list[str] = []
        for part in parts:  # never repeat a sentence within one text
            if part.lower().rstrip(".!? ") not in [u.lower().rstrip(".!? ") for u in unique]:
                unique.append(part)
        out = unique[0]
        for nxt in unique[1:]:
            if not ends_sentence(out):
                if casual:
                    out += rng.choices([".", "!", " -", ",", ""], weights=[68, 10 if sent != "neu" else 2, 10, 8, 1])[0]
                else:
                    out += "."
            sep = "\n" if casual and rng.random() < 0.05 else " "
            if out.endswith((",", " -", "…")) or not casual or rng.random() < 0.85:
                nxt = nxt if out.endswith(tuple(".!?:")) or not out.endswith((",", " -")) else self.decap_first(nxt)
            else:
                nxt = self.decap_first(nxt)
            out += sep + nxt
        if not ends_sentence(out) and not URL_RE.search(out.rsplit(" ", 1)[-1]):
            if casual:
                ends = {"neg": ["", ".", "!", "!!", "...", "!!!"], "neu": ["", "."], "pos": ["", "!", ".", "!!"]}
                out += rng.choices(ends[sent], weights=[40, 25, 15, 10, 6, 4][: len(ends[sent])])[0]
            else:
                out += "!" if sent == "pos" and rng.random() < 0.25 else "."
        return out

    # -- content selection --------------------------------------------------------------------------------------
    def hike_stage(self) -> str | None:
        if not self.hike or self.day < HIKE_ANNOUNCED:
            return None
        return "announce" if self.day < HIKE_EFFECTIVE else "after"

    def hike_weight(self, sent: str) -> float:
        stage = self.hike_stage()
        if stage is None:
            return 0.0
        if stage == "announce":
            return {"neg": 4.0, "neu": 9.0, "pos": 2.0}[sent]
        ramp = min(1.0, (self.day - HIKE_EFFECTIVE).days / 30)
        return {"neg": 24 + 50 * ramp, "neu": 6 + 8 * ramp, "pos": 2 + 3 * ramp}[sent]

    def core_template(self, sent: str, phase: str, review: bool = False) -> tuple[str, str]:
        for _ in range(4):
            template, topic = self._core_template(sent, phase, review)
            if template not in self.used:
                break
        self.used.append(template)
        return template, topic

    def _core_template(self, sent: str, phase: str, review: bool) -> tuple[str, str]:
        rng = self.rng
        if self.events and phase != "normal" and rng.random() < EVENT_PROB[phase][sent]:
            bank_phase = phase
            if phase == "tail" and sent == "neg" and rng.random() < 0.4:
                bank_phase = "incident"  # on 10-17 people still complain about the update itself
            return self.pick(self.events[bank_phase][sent]), bank_phase
        topics = self.bank["topics"]
        pairs = [
            (t, w)
            for t, w in self.cfg.topic_weights.items()
            if topics[t].get(sent)
            and not (review and t in ("question", "news"))
            and not (self.in_mixed and t == "compare")
        ]
        hike_w = self.hike_weight(sent)
        if hike_w:
            pairs.append(("hike", hike_w))
        topic = weighted(rng, pairs)
        if topic == "hike":
            return self.pick(self.hike[self.hike_stage()][sent]), "hike"
        return self.pick(topics[topic][sent]), topic

    def core(self, sent: str, phase: str, review: bool = False) -> tuple[str, str]:
        template, topic = self.core_template(sent, phase, review)
        text = self.fill(template)
        if review or self.rng.random() < 0.75:
            text = self.cap_first(text)
        return text, topic

    def detail(self, sent: str, context: str = "") -> str:
        """A follow-up sentence sharing no longer word with the text so far."""
        seen = {w for w in re.findall(r"\w{5,}", context.lower())}
        for _ in range(4):
            text = self.fill(self.pick(self.bank["details"][sent]))
            if not seen & set(re.findall(r"\w{5,}", text.lower())):
                break
        return text

    # -- mentions -----------------------------------------------------------------------------------------------
    def mention(
        self, sent: str, phase: str, platform: str, day: date, gender: str, english: bool = False
    ) -> tuple[str, str, str]:
        """Return (body, topic, lang) for a social mention."""
        rng = self.rng
        self.platform, self.day, self.gender, self.used = platform, day, gender, []
        if english:
            body, topic = self.english_text(sent, phase, review=False)
            return self.decorate(body, sent, phase, platform, light=True), topic, "en"

        r = rng.random()
        topic = "misc"
        hike_p = 0.25 + 0.5 * hike_ramp(day) if self.hike_stage() == "after" and sent == "neg" else 0.0
        if sent == "neg" and r < 0.2 and rng.random() < hike_p:
            body, topic = self.fill(self.pick(self.hike["sarcasm" if r >= 0.09 else "short"])), "hike"
            if r >= 0.09 and rng.random() < 0.5:
                body += " " + self.pick(self.bank["emoji"]["sarcasm"])
        elif r < 0.09:
            body, topic = self.fill(self.pick(self.bank["short"][sent])), "short"
            if sent == "neg" and rng.random() < 0.2:
                body = body.upper()
        elif sent == "neg" and r < 0.2:
            body, topic = self.fill(self.pick(self.bank["sarcasm"])), "sarcasm"
            if rng.random() < 0.6 and not is_emoji(body[-1]):
                body += " " + self.pick(self.bank["emoji"]["sarcasm"])
        elif sent == "neg" and r < 0.34:
            body, topic = self.rant(phase, platform)
        elif sent == "neu" and r < 0.22:
            body, topic = self.mixed(casual=True), "mixed"
        elif sent != "neu" and r < 0.25 and platform in ("reddit", "forum"):
            body, topic = self.story(sent, phase)
        else:
            body, topic = self.normal_post(sent, phase)

        if platform == "reddit" and topic not in ("short", "news") and rng.random() < 0.16:
            body = self.reddit_title(sent, phase) + "\n\n" + body
        body = self.decorate(body, sent, phase, platform, light=topic == "news")
        if topic != "news":
            body = self.roughen(body, platform, level=1.0, sent=sent)
        return body, topic, self.cfg.lang

    def normal_post(self, sent: str, phase: str) -> tuple[str, str]:
        rng = self.rng
        core, topic = self.core(sent, phase)
        if URL_MARK in core or "http" in core:  # a shared headline stands alone
            topic = "news" if topic == "misc" else topic
            return self.join([core], sent, casual=True), topic
        if sent != "neu" and topic != "news" and rng.random() < (0.1 if sent == "neg" else 0.03):
            core = core.upper() if "http" not in core else core
        if topic != "news" and rng.random() < 0.4:
            core = self.opener(sent, core)
        parts = [core]
        if topic != "news":
            if rng.random() < 0.4:
                parts.append(self.detail(sent, " ".join(parts)))
            if rng.random() < (0.06 if sent == "neu" else 0.12):
                parts.append(self.cap_first(self.core(sent, phase)[0]))
            if rng.random() < 0.35:
                parts.append(self.closer(sent, " ".join(parts)))
        return self.join(parts, sent, casual=True), topic

    def rant(self, phase: str, platform: str) -> tuple[str, str]:
        """Long negative multi-sentence post, sometimes with paragraphs and a shouted sentence."""
        rng = self.rng
        core, topic = self.core("neg", phase)
        if rng.random() < 0.6:
            core = self.opener("neg", core)
        parts = [core]
        for _ in range(rng.randint(2, 4)):
            more = (
                self.detail("neg", " ".join(parts))
                if rng.random() < 0.65
                else self.cap_first(self.core("neg", phase)[0])
            )
            parts.append(more)
        if rng.random() < 0.3:
            i = rng.randrange(1, len(parts))
            parts[i] = parts[i].upper()
        parts.append(self.closer("neg", " ".join(parts)))
        text = self.join(parts, "neg", casual=True)
        if platform in ("reddit", "forum") and rng.random() < 0.5:
            sentences = re.split(r"(?<=[.!?])\s+", text)
            cut = max(1, len(sentences) // 2)
            text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        return text, topic

    def story(self, sent: str, phase: str) -> tuple[str, str]:
        core, topic = self.core(sent, phase)
        parts = [self.opener(sent, core)]
        for _ in range(self.rng.randint(1, 3)):
            parts.append(self.detail(sent, " ".join(parts)))
        parts.append(self.closer(sent, " ".join(parts)))
        return self.join(parts, sent, casual=True), topic

    def mixed(self, casual: bool) -> str:
        """A positive and a negative clause in one text (counted as neutral)."""
        rng = self.rng
        first, second = ("pos", "neg") if rng.random() < 0.6 else ("neg", "pos")
        self.in_mixed = True
        a = self.core(first, "normal", review=not casual)[0].rstrip(".! ")
        b = self.core(second, "normal", review=not casual)[0]
        self.in_mixed = False
        joiner = self.pick(self.bank["joiners"]["to_neg" if second == "neg" else "to_pos"])
        if a.endswith("?") and joiner.startswith(","):
            joiner = ". " + joiner[1:].strip().capitalize()
        elif a.endswith("?") and joiner.startswith("."):
            joiner = joiner[1:]
        if joiner.endswith((":", ".")):
            return f"{a}{joiner} {self.cap_first(b)}"
        return f"{a}{joiner} {self.decap_first(b)}"

    def reddit_title(self, sent: str, phase: str) -> str:
        rng = self.rng
        if self.events and phase in ("incident", "tail") and rng.random() < 0.6:
            return self.pick(self.events["titles"][sent])
        if self.hike_stage() == "after" and sent != "pos" and rng.random() < 0.3:
            return self.pick(self.hike["titles"][sent])
        if sent != "neu" and rng.random() < 0.4:
            return self.cap_first(self.fill(self.pick(self.bank["short"][sent])))
        return self.fill(self.pick(self.bank["reddit_titles"][sent]))

    def decorate(self, text: str, sent: str, phase: str, platform: str, light: bool = False) -> str:
        """Emoji, hashtags, links and a brand alias where the text does not name the brand."""
        rng = self.rng
        emoji = self.bank["emoji"]
        emoji_p = {"twitter": 0.45, "instagram": 0.8, "reddit": 0.1, "forum": 0.12}[platform]
        if not light and rng.random() < emoji_p and not is_emoji(text.rstrip()[-1]):
            pool = emoji[sent] if rng.random() < 0.65 else emoji["brand"]
            e = self.pick(pool)
            k = rng.choices([1, 2, 3], weights=[70, 18, 12])[0]
            emo = e * k if rng.random() < 0.5 else "".join(self.pick(pool) for _ in range(k))
            text = f"{emo} {text}" if rng.random() < 0.12 else f"{text} {emo}"
        if not light and sent == "neu" and rng.random() < (0.07 if self.cfg.lang == "pl" else 0.03):
            text += " " + rng.choice(["xD", "XD", ":/", ";)"] if self.cfg.lang == "pl" else [":/", "haha", "lol"])
        tag_p = {"twitter": 0.3, "instagram": 0.85, "reddit": 0.01, "forum": 0.04}[platform]
        if rng.random() < tag_p:
            n = rng.randint(2, 6) if platform == "instagram" else rng.randint(1, 2)
            tags_bank = self.bank["hashtags"]
            pool = tags_bank["brand"] + tags_bank[sent]
            if self.events and phase == "incident" and sent == "neg":
                pool = pool + self.events["hashtags"] * 3
            if self.hike_stage() == "after" and sent == "neg":
                pool = pool + self.hike["hashtags"] * 2
            tags: list[str] = []
            for _ in range(n):
                tag = self.pick(pool)
                if tag not in tags and tag.lower() not in text.lower():
                    tags.append(tag)
            if tags:
                text += ("\n\n" if platform == "instagram" and rng.random() < 0.5 else " ") + " ".join(tags)
        if not light and rng.random() < {"twitter": 0.04, "reddit": 0.04, "forum": 0.03, "instagram": 0.0}[platform]:
            text += " " + self.image_url()
        if not self.mentions_brand(text) and rng.random() < 0.85:
            a = self.alias("N")
            bare = a.lstrip("@#")
            if platform == "twitter":
                text = f"{self.bank['handle']} {text}" if rng.random() < 0.6 else f"{text} {self.bank['hashtag']}"
            elif platform == "instagram":
                text = f"{text} {self.bank['hashtag']}"
            else:
                again = "Znowu" if self.cfg.lang == "pl" else "Weer"
                forms = [f"{bare}: ", f"{bare} - ", f"Re: {bare} - "] + ([f"{again} {bare}. "] if sent == "neg" else [])
                text = self.pick(forms) + (self.decap_first(text) if rng.random() < 0.3 else text)
        return text

    # -- roughening ---------------------------------------------------------------------------------------------
    def roughen(self, text: str, platform: str, level: float, sent: str = "") -> str:
        """Typos, misspellings, abbreviations, dropped diacritics, elongations and lower case (never in URLs,
        handles, hashtags or the brand name)."""
        rng = self.rng
        bank = self.bank
        pl = self.cfg.lang == "pl"
        # phrase-level substitutions, outside URLs
        pieces = re.split(f"({URL_RE.pattern})", text)

        def subst(table: dict[str, str], p: float, max_n: int) -> None:
            keys = [
                k for k in table if any(re.search(rf"(?<![\w']){re.escape(k.strip())}(?!\w)", pc) for pc in pieces[::2])
            ]
            rng.shuffle(keys)
            for k in keys[:max_n]:
                if rng.random() < p:
                    pat = re.compile(rf"(?<![\w']){re.escape(k.strip())}(?!\w)")
                    pieces[::2] = [pat.sub(table[k].strip(), pc) for pc in pieces[::2]]

        if rng.random() < 0.3 * level:
            subst(bank["misspell"], 0.7, 1)
        if platform != "review" and rng.random() < 0.35 * level:
            subst(bank["abbrev"], 0.6, 2)
        text = "".join(pieces)

        tokens = re.split(r"(\s+)", text)

        def editable(i: int) -> bool:
            tok = tokens[i]
            if not tok or tok.isspace() or tok.startswith(("@", "#", "http")):
                return False
            return not any(s in tok.lower() for s in self.cfg.stems)

        word_idx = [i for i in range(len(tokens)) if editable(i) and re.search(r"[^\W\d_]{2,}", tokens[i])]
        if word_idx and rng.random() < 0.2 * level:
            for i in rng.sample(word_idx, min(len(word_idx), rng.choice([1, 1, 2]))):
                tokens[i] = self.typo(tokens[i])
        if word_idx and sent != "neu" and rng.random() < 0.1 * level:
            for i in word_idx:
                m = re.fullmatch(r"([^\W\d_]+)(\W*)", tokens[i])
                if m and m.group(1).lower() in bank["elongate"]:
                    word = m.group(1)
                    letter = bank["elongate"][word.lower()]
                    at = word.lower().rindex(letter) + 1
                    tokens[i] = word[:at] + letter * rng.randint(2, 5) + word[at:] + m.group(2)
                    break
        text = "".join(tokens)
        # Polish written without diacritics ("ogonki"): a whole text or a few words; Dutch loses é/ë
        strip_p = {"twitter": 0.22, "reddit": 0.14, "instagram": 0.18, "forum": 0.2, "review": 0.06}[platform]
        if pl and rng.random() < strip_p:
            text = self.strip_diacritics(text, whole=True)
        elif rng.random() < 0.12 * level:
            text = self.strip_diacritics(text, whole=False)
        lower_p = {"twitter": 0.18, "reddit": 0.12, "instagram": 0.15, "forum": 0.08, "review": 0.05}[platform]
        if rng.random() < lower_p * level:
            text = " ".join(t if t.startswith("http") else t.lower() for t in text.split(" "))
        return text

    def strip_diacritics(self, text: str, whole: bool) -> str:
        parts = re.split(r"(\s+)", text)
        out = []
        for tok in parts:
            if tok.startswith("http") or (not whole and self.rng.random() > 0.35):
                out.append(tok)
            else:
                out.append(tok.translate(DIACRITICS))
        return "".join(out)

    def typo(self, token: str) -> str:
        m = re.fullmatch(r"(\W*)([^\W\d_']+)(\W*)", token)
        if not m:
            return token
        pre, word, post = m.groups()
        if len(word) < 5:
            return token
        i = self.rng.randrange(1, len(word) - 2)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        dropped = word[:i] + word[i + 1 :]
        doubled = word[: i + 1] + word[i] + word[i + 1 :]
        return pre + self.rng.choice([swapped, swapped, dropped, dropped, doubled]) + post

    # -- English posts (expats) ---------------------------------------------------------------------------------
    def english_text(self, sent: str, phase: str, review: bool) -> tuple[str, str]:
        rng = self.rng
        platform = self.platform
        self.platform = "review" if review else "english"
        pool = list(self.bank["english"][sent])
        if self.events and phase == "incident" and sent == "neg":
            pool = self.events["english"] * 3 + pool
        if self.hike_stage() == "after" and sent in ("neg", "neu"):
            pool = self.hike["english"] * 2 + pool
        first = self.fill(self.pick(pool))
        parts = [first]
        if rng.random() < (0.4 if review else 0.2):
            extra = self.fill(self.pick(self.bank["english"][sent]))
            if extra != first:
                parts.append(extra)
        self.platform = platform
        text = self.join(parts, sent, casual=not review)
        if not review and rng.random() < 0.15:
            text = text.lower()
        return text, "english"

    # -- reviews ------------------------------------------------------------------------------------------------
    def review(self, sent: str, phase: str, day: date, gender: str, english: bool = False) -> tuple[str, str, str, str]:
        """Return (title, content, lang, topic) for an app/online review."""
        rng = self.rng
        self.platform, self.day, self.gender, self.used = "review", day, gender, []
        if english:
            content, topic = self.english_text(sent, phase, review=True)
            return self.pick(self.bank["english_titles"][sent]), content, "en", topic

        n_sent = rng.choices([1, 2, 3, 4, 5, 6], weights=[16, 27, 24, 16, 10, 7])[0]
        parts: list[str] = []
        if rng.random() < 0.35:
            parts.append(self.fill(self.pick(self.bank["review_openers"]["any" if rng.random() < 0.5 else sent])))
        topic = "misc"
        if sent == "neu":
            if rng.random() < 0.5:
                parts.append(self.mixed(casual=False))
                topic = "mixed"
            elif self.hike_stage() and rng.random() < (0.25 if self.hike_stage() == "announce" else 0.45):
                parts.append(self.pick(self.hike["review_neu"][self.hike_stage()]))
                topic = "hike"
            else:
                parts.append(self.fill(self.pick(self.bank["review_neu"])))
        else:
            core, topic = self.core(sent, phase, review=True)
            parts.append(core)
        while len(parts) < n_sent:
            r = rng.random()
            if r < 0.3 and sent != "neu":
                extra, _ = self.core(sent, phase, review=True)
            elif sent == "neu":
                extra = self.fill(self.pick(self.bank["review_neu"]))
            else:
                extra = self.cap_first(self.detail(sent, " ".join(parts)))
            if extra not in parts:
                parts.append(extra)
            elif rng.random() < 0.5:
                break
        if rng.random() < 0.5:
            parts.append(self.fill(self.pick(self.bank["review_closers"][sent])))
        content = self.join([self.cap_first(p) for p in parts], sent, casual=False)
        if len(parts) >= 5 and rng.random() < 0.25:
            sentences = re.split(r"(?<=[.!?])\s+", content)
            cut = max(1, len(sentences) // 2)
            content = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        content = self.roughen(content, "review", level=0.4, sent=sent)
        return self.review_title(sent, topic), content, self.cfg.lang, topic

    def review_title(self, sent: str, topic: str) -> str:
        rng = self.rng
        if self.events and topic in ("incident", "tail") and rng.random() < 0.8:
            title = self.pick(self.events["titles"][sent])
        elif topic == "hike" and rng.random() < 0.7:
            title = self.pick(self.hike["titles"][sent])
        elif topic in self.bank["topic_titles"].get(sent, {}) and rng.random() < 0.7:
            title = self.pick(self.bank["topic_titles"][sent][topic])
        else:
            title = self.fill(self.pick(self.bank["titles"][sent]))
        r = rng.random()
        if r < 0.12:
            title = title.lower()
        elif r < 0.18 and sent != "neu":
            title = title.upper()
        elif r < 0.3 and sent != "neu" and title[-1] not in "!?.":
            title += "!" * rng.randint(1, 3)
        return title


# ====================================================================================================================
# Volumes, timestamps, ids, authors
# ====================================================================================================================
def days() -> list[date]:
    return [START + timedelta(days=i) for i in range((END - START).days + 1)]


def hike_ramp(d: date) -> float:
    return min(1.0, max(0.0, (d - HIKE_EFFECTIVE).days / 30))


def daily_counts(rng: Random, cfg: BrandConfig) -> dict[date, int]:
    """Weekly seasonality x trend x noise (x incident / price-increase chatter), scaled to cfg.total."""
    all_days = days()
    weights = []
    for i, d in enumerate(all_days):
        w = cfg.weekday_factor[d.weekday()] * (1.0 + 0.12 * i / len(all_days)) * rng.lognormvariate(0.0, 0.18)
        if cfg.slug == "paczkolot" and d in INCIDENT:
            w *= INCIDENT[d][0]
        if cfg.slug == "zoefiets":
            w *= 1.0 + 0.25 * hike_ramp(d) + (0.15 if HIKE_ANNOUNCED <= d < HIKE_ANNOUNCED + timedelta(3) else 0)
        weights.append(w)
    total_w = sum(weights)
    raw = [cfg.total * w / total_w for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: cfg.total - sum(counts)]:
        counts[i] += 1
    return dict(zip(all_days, counts, strict=True))


def day_phase(cfg: BrandConfig, d: date) -> str:
    if cfg.slug != "paczkolot":
        return "normal"
    if d in INCIDENT:
        return INCIDENT[d][3]
    if max(INCIDENT) < d <= AFTERMATH_UNTIL:
        return "after"
    return "normal"


def day_sentiments(rng: Random, cfg: BrandConfig, d: date, n: int) -> list[str]:
    """Exact per-day sentiment allocation around the day's target mix, shuffled."""
    if cfg.slug == "paczkolot" and d in INCIDENT:
        p_neg, p_pos = INCIDENT[d][1], INCIDENT[d][2]
    else:
        p_neg = BASE_MIX[0] + rng.uniform(-0.035, 0.035)
        p_pos = BASE_MIX[1] + rng.uniform(-0.03, 0.03)
        if cfg.slug == "zoefiets":  # the price increase: negatives creep up through October
            p_neg += 0.085 * hike_ramp(d)
            p_pos -= 0.05 * hike_ramp(d)
    n_neg = round(n * p_neg + rng.uniform(-0.5, 0.5))
    n_pos = min(n - n_neg, round(n * p_pos + rng.uniform(-0.5, 0.5)))
    labels = ["neg"] * n_neg + ["pos"] * n_pos + ["neu"] * (n - n_neg - n_pos)
    rng.shuffle(labels)
    return labels


def random_time(rng: Random, cfg: BrandConfig, d: date) -> datetime:
    """A local time of day from the brand's hourly profile, returned in UTC (inside the sample period)."""
    while True:
        hour = rng.choices(range(24), weights=cfg.hour_weights)[0]
        local = datetime(d.year, d.month, d.day, hour, rng.randrange(60), rng.randrange(60))
        ts = local_to_utc(local)
        if PERIOD_START <= ts < PERIOD_END:
            return ts


class Ids:
    """Unique, platform-style identifiers (shared by both brands)."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def base36(self, start: str, ts: datetime, per_second: float) -> str:
        base = int(start, 36) + int((ts - PERIOD_START).total_seconds() * per_second)

        def make() -> str:
            n = base + self.rng.randrange(2000)
            out = ""
            while n:
                n, r = divmod(n, 36)
                out = B36[r] + out
            return out

        return self._unique(make)

    def reddit_post(self, ts: datetime) -> str:
        return "t3_" + self.base36("1pa0000", ts, 0.012)

    def reddit_comment(self, ts: datetime) -> str:
        return "t1_" + self.base36("o3k0000", ts, 0.7)

    def tweet(self, ts: datetime) -> str:
        ms = int(ts.timestamp() * 1000) + self.rng.randrange(1000)
        return self._unique(lambda: str(((ms - TWITTER_EPOCH_MS) << 22) | self.rng.getrandbits(22)))

    def forum(self, style: str, ts: datetime) -> str:
        if style == "micro":  # microblog entries are numbered in time order
            base = 81_200_000 + int((ts - PERIOD_START).total_seconds() * 0.9)
            return self._unique(lambda: f"f-{base + self.rng.randrange(500)}")
        if style == "tweak":
            base = 83_400_000 + int((ts - PERIOD_START).total_seconds() * 0.35)
            return self._unique(lambda: f"f-{base + self.rng.randrange(300)}")
        return self._unique(lambda: f"f-{self.rng.randrange(100000, 999999)}")

    def instagram(self) -> str:
        return self._unique(lambda: "D" + "".join(self.rng.choice(B64URL) for _ in range(10)))

    def app_store(self) -> str:
        return self._unique(lambda: str(self.rng.randrange(11_800_000_000, 12_400_000_000)))

    def google_play(self) -> str:
        def make() -> str:
            h = f"{self.rng.getrandbits(128):032x}"
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

        return self._unique(make)

    def trustpilot(self) -> str:
        return self._unique(lambda: f"{self.rng.getrandbits(96):024x}")


def female_surname(last: str) -> str:
    """Polish -ski/-cki/-dzki surnames take -ska/-cka/-dzka for women."""
    return last[:-1] + "a" if last.endswith(("ski", "cki", "dzki")) else last


class Authors:
    """Per-platform (handle, gender) pools with Zipf-like reuse, so some people post several times."""

    def __init__(self, rng: Random, names: dict, sizes: dict[str, int]):
        self.rng = rng
        self.names = names
        self.pools: dict[str, list[tuple[str, str]]] = {}
        for platform, size in sizes.items():
            pool: list[tuple[str, str]] = []
            seen: set[str] = set()
            while len(pool) < size:
                h, g = self.make(platform)
                if h.lower() not in seen:
                    seen.add(h.lower())
                    pool.append((h, g))
            self.pools[platform] = pool
        self.weights = {p: [1.0 / (i + 1) ** 0.55 for i in range(len(pool))] for p, pool in self.pools.items()}

    def pick(self, platform: str) -> tuple[str, str]:
        return self.rng.choices(self.pools[platform], weights=self.weights[platform])[0]

    def person(self) -> tuple[str, str, str]:
        g = self.rng.choice("mf")
        first = self.rng.choice(self.names[g])
        last = self.rng.choice(self.names["last"])
        return first, (female_surname(last) if g == "f" else last), g

    def make(self, platform: str) -> tuple[str, str]:
        rng, nm = self.rng, self.names
        first, last, g = self.person()
        f, lst = ascii_fold(first), ascii_fold(last).replace(" ", "")
        adj, noun, noun2 = rng.choice(nm["adj"]), rng.choice(nm["noun"]), rng.choice(nm["noun"])
        city, hobby = rng.choice(nm["city"]), rng.choice(nm["hobby"])
        nn, yy = rng.randrange(1, 100), rng.choice(["88", "91", "93", "95", "97", "99", "01", "03", "04", "07"])
        anon = rng.choice("mf")
        if platform == "reddit":
            options = [
                (f"{rng.choice(EN_ADJ)}-{rng.choice(EN_NOUN)}-{rng.randrange(1000, 9999)}", anon),
                (f"{rng.choice(EN_ADJ)}_{rng.choice(EN_NOUN)}{rng.randrange(10, 999)}", anon),
                (f"{adj}_{noun}{nn}", anon),
                (f"{f.lower()}_{city}", g),
                (f"throwaway_{self.names_tag()}{rng.randrange(100, 9999)}", anon),
                (f"{noun}{noun2}{nn}", anon),
                (f"{f}{lst[:1]}{yy}", g),
            ]
            return options[rng.choices(range(len(options)), weights=[26, 12, 18, 12, 5, 12, 15])[0]]
        if platform == "twitter":
            options = [
                (f"{f}{lst}{nn}", g),
                (f"{f.lower()}_{lst.lower()}", g),
                (f"{adj}{noun}{nn}", anon),
                (f"{f}{yy}", g),
                (f"{f.lower()}_{city}", g),
                (f"{f.lower()}{hobby}", g),
                (f"{noun}_{f.lower()}", g),
            ]
            h, gg = rng.choice(options)
            return h[:15], gg
        if platform == "instagram":
            options = [
                (f"{f.lower()}.{lst.lower()}", g),
                (f"{f.lower()}_{hobby}", g),
                (f"{noun}.and.{noun2}", anon),
                (f"_{f.lower()}.{yy}", g),
                (f"{adj}.{noun}", anon),
                (f"{f.lower()}.{city}", g),
            ]
            return rng.choice(options)
        options = [  # forum / microblog display names
            (f"{f}{lst[:1]}", g),
            (f"{noun.capitalize()}{nn}", anon),
            (f"{adj.capitalize()}{noun.capitalize()}", anon),
            (f"{f.lower()}{yy}", g),
            (f"{f}_{city}", g),
            (f"{nm['old']}{noun.capitalize()}", "m"),
        ]
        return rng.choice(options)

    def names_tag(self) -> str:
        return "pl_" if "Nowak" in self.names["last"] else "nl_"


def reviewer(rng: Random, names: dict, store: str) -> tuple[str, str]:
    """(user_name, gender) as the store shows it."""
    g = rng.choice("mf")
    first = rng.choice(names[g])
    last = rng.choice(names["last"])
    last = female_surname(last) if g == "f" else last
    initial = last.split()[-1][0]
    if store == "google_play":
        name = rng.choices([f"{first} {last}", first, names["google"]], weights=[78, 15, 7])[0]
        return name, g
    if store == "trustpilot":
        options = [f"{first} {initial}.", f"{first} {last}", first.upper(), names["trustpilot"]]
        return rng.choices(options, weights=[45, 38, 8, 9])[0], g
    f = ascii_fold(first)
    options = [
        (f"{f}{rng.randrange(1, 999)}", g),
        (f"{rng.choice(names['adj'])}{rng.choice(names['noun'])}", rng.choice("mf")),
        (rng.choice(names["store_nicks"]), rng.choice("mf")),
        (f"{first} {names['from']} {ascii_fold(rng.choice(names['city'])).capitalize()}", g),
        (f"{first}{initial}", g),
        (f"{f.lower()}_{initial.lower()}_{rng.randrange(80, 99)}", g),
    ]
    name, gg = options[rng.choices(range(len(options)), weights=[25, 12, 12, 8, 25, 18])[0]]
    if name in ("Klientka", "mama_dwojki", "MamaVanDrie", "Studentje"):
        gg = "f" if name != "Studentje" else gg
    return name, gg


def app_version(rng: Random, cfg: BrandConfig, ts: datetime, topic: str) -> str:
    """Version the reviewer probably ran: mostly the latest release, some lagging behind."""
    released = [v for d, v in cfg.releases if d <= (ts + utc_offset(ts)).date()]
    if topic == "incident":
        return "4.0.0"
    if topic == "tail" and ts.date() >= date(2026, 10, 17):
        return rng.choice(["4.0.1", "4.0.1", "4.0.0"])
    lag = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
    return released[max(0, len(released) - 1 - lag)]


# ====================================================================================================================
# Row builders
# ====================================================================================================================
@dataclass
class Row:
    ts: datetime
    sent: str
    kind: str  # "mention" | "review"
    record: dict
    topic: str = ""
    lang: str = ""
    malformed: str = ""  # description for deliberately malformed rows
    raw_line: str | None = None  # pre-serialised line (the truncated JSON row)


class RowBuilder:
    def __init__(self, rng: Random, cfg: BrandConfig, ids: Ids):
        self.rng = rng
        self.cfg = cfg
        self.ids = ids
        self.gen = TextGen(rng, cfg)
        expected = cfg.total * (1 - cfg.review_share)
        sizes = {p: max(10, int(expected * w / 100 * 0.75)) for p, w in cfg.platforms}
        self.authors = Authors(rng, cfg.bank["names"], sizes)

    def mention(self, ts: datetime, sent: str, phase: str, english: bool = False) -> Row:
        rng = self.rng
        platform = weighted(rng, self.cfg.platforms)
        author, gender = self.authors.pick(platform)
        local_day = (ts + utc_offset(ts)).date()
        body, topic, lang = self.gen.mention(sent, phase, platform, local_day, gender, english)
        channel = ""
        if platform == "reddit":
            subs = self.cfg.subreddits
            if lang == "en":
                subs = self.cfg.en_subreddits
            elif topic == "flemish" and self.cfg.extra_subreddits:
                subs = self.cfg.extra_subreddits
            # a post naming a city goes to that city's subreddit more often than not
            folded = ascii_fold(body).lower()
            local = [
                (name, w)
                for name, w in (*subs, *self.cfg.subreddits, *self.cfg.extra_subreddits)
                if re.search(rf"\b{name[2:].lower()}\b", folded)
                and not any(st in name.lower() for st in self.cfg.stems)
            ]
            if local and rng.random() < 0.6:
                subs = local
            channel = weighted(rng, subs)
            sub = channel[2:]
            if ("\n\n" in body and rng.random() < 0.8) or rng.random() < 0.3:
                post_id = self.ids.reddit_post(ts)
                link = f"https://www.reddit.com/r/{sub}/comments/{post_id[3:]}/{slugify(body)}/"
            else:
                post_id = self.ids.reddit_comment(ts)
                parent = self.ids.reddit_post(ts - timedelta(hours=rng.randint(1, 30)))[3:]
                link = f"https://www.reddit.com/r/{sub}/comments/{parent}/comment/{post_id[3:]}/"
            likes = heavy_tail(rng, 3.0, 1.15, 4000)
            replies = heavy_tail(rng, 0.8, 1.3, 300)
        elif platform == "twitter":
            post_id = self.ids.tweet(ts)
            if topic == "news":
                author = rng.choice(self.cfg.news_accounts)
            link = f"https://x.com/{author}/status/{post_id}"
            likes = heavy_tail(rng, 1.5, 1.15, 15000)
            replies = heavy_tail(rng, 0.5, 1.4, 600)
        elif platform == "forum":
            forum_name, domain, style = rng.choice(self.cfg.forums)
            channel = forum_name
            post_id = self.ids.forum(style, ts)
            num = post_id[2:]
            slug = slugify(body, 7).replace("_", "-")
            if style == "micro":  # microblog entries carry tags
                tags = self.cfg.bank["names"]["micro_tags"]
                if "#" not in body and lang != "en" and rng.random() < 0.75:
                    pool = tags["any"] * 2 + tags[sent]
                    chosen = list(dict.fromkeys(rng.choice(pool) for _ in range(rng.randint(1, 3))))
                    body = body + ("\n\n" if rng.random() < 0.5 else " ") + " ".join(chosen)
                link = f"https://{domain}/wpis/{num}/{slug}"
                likes = heavy_tail(rng, 2.5, 1.25, 1200)  # "plusy"
            elif style == "tweak":
                link = f"https://{domain}/forum/list_message/{num}"
                likes = heavy_tail(rng, 0.8, 1.8, 120)
            else:
                thread = rng.randrange(40000, 480000)
                path = "watek" if self.cfg.lang == "pl" else "topic"
                link = f"https://{domain}/{path}/{slug}.{thread}/post-{num}"
                likes = heavy_tail(rng, 1.0, 1.8, 150)
            replies = heavy_tail(rng, 1.0, 1.6, 120)
        else:
            post_id = self.ids.instagram()
            link = f"https://www.instagram.com/p/{post_id}/"
            likes = heavy_tail(rng, 10.0, 1.3, 6000)
            replies = heavy_tail(rng, 0.8, 1.4, 200)
        if phase == "incident" and sent == "neg":  # outrage travels further
            likes = int(likes * rng.uniform(1.0, 3.0))
        record = {
            "post_id": post_id,
            "platform": platform,
            "channel": channel,
            "author": author,
            "posted_at": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": body,
            "link": link,
            "likes": likes,
            "replies": replies,
        }
        return Row(ts, sent, "mention", record, topic, lang)

    def review(self, ts: datetime, sent: str, phase: str, english: bool = False) -> Row:
        rng = self.rng
        store = weighted(rng, self.cfg.stores)
        user_name, gender = reviewer(rng, self.cfg.bank["names"], store)
        local_day = (ts + utc_offset(ts)).date()
        title, content, lang, topic = self.gen.review(sent, phase, local_day, gender, english)
        rating = review_rating(rng, sent, topic)
        if re.search(r"\b(3 gwiazdki|3 sterren|three stars)\b", content.lower()):
            rating = 3
        review_id = {"app_store": self.ids.app_store, "google_play": self.ids.google_play}.get(
            store, self.ids.trustpilot
        )()
        thumbs = heavy_tail(rng, 1.2 if sent == "neg" else 0.6, 1.3, 1500)
        if topic == "incident":
            thumbs = int(thumbs * rng.uniform(1.5, 4.0)) + rng.randint(0, 5)
        record = {
            "review_id": review_id,
            "store": store,
            "user_name": user_name,
            "date": local_iso(ts),
            "rating": rating,
            "title": title,
            "content": content,
            "thumbs_up": thumbs,
            "lang": lang,
            "app_version": None if store == "trustpilot" else app_version(rng, self.cfg, ts, topic),
        }
        return Row(ts, sent, "review", record, topic, lang)


def review_rating(rng: Random, sent: str, topic: str) -> int:
    """Star rating consistent with the text, with a little noise."""
    if sent == "neg":
        rating = 1 if rng.random() < (0.88 if topic == "incident" else 0.68) else 2
    elif sent == "neu":
        rating = rng.choices([2, 3, 4], weights=[10, 80, 10])[0]
    else:
        rating = 5 if rng.random() < 0.65 else 4
    if rng.random() < 0.03:
        rating = min(5, max(1, rating + rng.choice([-1, 1])))
    return rating


# ====================================================================================================================
# Deliberately malformed rows (3 per brand)
# ====================================================================================================================
def add_malformed(rng: Random, builders: dict[str, RowBuilder], rows: dict[str, list[Row]]) -> None:
    def at(d: str, hh: int) -> datetime:
        y, m, dd = map(int, d.split("-"))
        return local_to_utc(datetime(y, m, dd, hh, rng.randrange(60), rng.randrange(60)))

    def phase_of(slug: str, ts: datetime) -> str:
        return day_phase(builders[slug].cfg, (ts + utc_offset(ts)).date())

    def mention(slug: str, ts: datetime, sent: str, how: str, **changes) -> None:
        row = builders[slug].mention(ts, sent, phase_of(slug, ts))
        row.record.update(changes)
        row.malformed = how
        rows[slug].append(row)

    def review(slug: str, ts: datetime, sent: str, how: str, **changes) -> Row:
        row = builders[slug].review(ts, sent, phase_of(slug, ts))
        row.record.update(changes)
        row.malformed = how
        rows[slug].append(row)
        return row

    mention("paczkolot", at("2026-09-09", 12), "neg", "mention with an empty body", body="")
    mention(
        "paczkolot", at("2026-10-15", 19), "neg", 'unparseable posted_at "wczoraj" (yesterday)', posted_at="wczoraj"
    )
    bad = review("paczkolot", at("2026-10-15", 9), "neg", "truncated line, not valid JSON")
    full = json.dumps({k: bad.record[k] for k in REVIEW_KEYS}, ensure_ascii=False)
    bad.raw_line = full[: full.index('"content"') + 40]
    mention("zoefiets", at("2026-09-22", 20), "neu", 'non-numeric likes "1,2k"', likes="1,2k")
    review("zoefiets", at("2026-09-30", 8), "neu", "rating 0 (out of range)", rating=0)
    review("zoefiets", at("2026-10-20", 19), "neg", 'unparseable date "gisteren" (yesterday)', date="gisteren")


# ====================================================================================================================
# Output
# ====================================================================================================================
def write_brand(out_dir: Path, slug: str, rows: list[Row]) -> dict[str, list[tuple[int, str, str]]]:
    """Write mentions.csv / reviews.jsonl sorted by time; return malformed rows as (record no., id, how)."""
    out = out_dir / slug
    out.mkdir(parents=True, exist_ok=True)
    malformed: dict[str, list[tuple[int, str, str]]] = {"mentions.csv": [], "reviews.jsonl": []}
    mentions = sorted((r for r in rows if r.kind == "mention"), key=lambda r: r.ts)
    reviews = sorted((r for r in rows if r.kind == "review"), key=lambda r: r.ts)
    with open(out / "mentions.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(MENTION_COLUMNS)
        for i, row in enumerate(mentions, start=1):
            writer.writerow([row.record[c] for c in MENTION_COLUMNS])
            if row.malformed:
                malformed["mentions.csv"].append((i, row.record["post_id"] or "(empty post_id)", row.malformed))
    with open(out / "reviews.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for i, row in enumerate(reviews, start=1):
            line = row.raw_line or json.dumps({k: row.record[k] for k in REVIEW_KEYS}, ensure_ascii=False)
            f.write(line + "\n")
            if row.malformed:
                malformed["reviews.jsonl"].append((i, row.record["review_id"], row.malformed))
    return malformed


def alias_list(cfg: BrandConfig) -> str:
    forms = [a for case in cfg.bank["forms"].values() for a in case if not a.isupper()]
    return ", ".join(dict.fromkeys([*forms, cfg.bank["handle"], cfg.bank["hashtag"]]))


def local_day(r: Row) -> date:
    return (r.ts + utc_offset(r.ts)).date()


def neg_share(rs: list[Row]) -> float:
    return sum(r.sent == "neg" for r in rs) / max(1, len(rs))


def price_share(rs: list[Row]) -> float:
    negs = [r for r in rs if r.sent == "neg"]
    return sum(r.topic in ("hike", "price") for r in negs) / max(1, len(negs))


def shift_figures(rows: dict[str, list[Row]]) -> dict[str, float]:
    """The numbers the README quotes, measured on the generated rows (latent labels)."""
    pl = [r for r in rows["paczkolot"] if not r.malformed]
    nl = [r for r in rows["zoefiets"] if not r.malformed]
    base = [r for r in pl if local_day(r) < date(2026, 10, 14)]
    inc = [r for r in pl if date(2026, 10, 14) <= local_day(r) <= date(2026, 10, 16)]
    same_days = [r for r in base if local_day(r) >= date(2026, 9, 16) and local_day(r).weekday() in (2, 3, 4)]
    sept = [r for r in nl if date(2026, 9, 1) <= local_day(r) <= date(2026, 9, 30)]
    late = [r for r in nl if date(2026, 10, 15) <= local_day(r)]
    return {
        "pl_base_neg": neg_share(base),
        "pl_inc_neg": neg_share(inc),
        "pl_inc_x": (len(inc) / 3) / (len(same_days) / 12),
        "nl_sept_neg": neg_share(sept),
        "nl_late_neg": neg_share(late),
        "nl_sept_price": price_share(sept),
        "nl_late_price": price_share(late),
    }


def readme_section(
    stats: dict[str, dict[str, int]], malformed: dict[str, dict[str, list]], fig: dict[str, float]
) -> str:
    pl, nl = stats["paczkolot"], stats["zoefiets"]
    n_bad = sum(len(items) for files in malformed.values() for items in files.values())
    lines_ = [
        "## Polish and Dutch brands",
        "",
        "Two more fictional brands whose texts are written the way people in Poland and the Netherlands/Flanders",
        f"write online. Generated deterministically by `generate_pl_nl.py` (seed {SEED}; standalone, standard",
        "library only); regenerate with `.venv/bin/python -m demo.generate_pl_nl --out demo/sample`.",
        "Do not edit by hand.",
        "Rows for the Brands table:",
        "",
        "| slug | brand | what | aliases in texts | competitor | valid mentions | valid reviews |",
        "|---|---|---|---|---|---|---|",
    ]
    for cfg in BRAND_CONFIGS:
        s = stats[cfg.slug]
        lines_.append(
            f"| `{cfg.slug}` | {cfg.name} | {cfg.what} | {alias_list(cfg)} | {cfg.competitor} "
            f"| {s['mentions']} | {s['reviews']} |"
        )
    lines_ += [
        "",
        f"Same period ({START} to {END}, UTC) and file formats as above. Paczkolot's texts are Polish"
        f" ({pl['lang_pl']} of {pl['mentions'] + pl['reviews']} valid rows; `lang` pl), Zoefiets' Dutch"
        f' ({nl["lang_nl"]} of {nl["mentions"] + nl["reviews"]}; `lang` nl, a few Flemish: "ge", "amai", "velo"),'
        f" and about 3 % of each are English (expats; `lang` en, {pl['lang_en']} and {nl['lang_en']} rows). Polish"
        ' texts often drop diacritics ("gdzie jest moja paczka" / "paczke"), use slang and abbreviations'
        ' ("nwm", "wgl", "xD", "sztos", "ogarnijcie się") and decline the brand name (Paczkolotu,'
        " Paczkolotem, Paczkolocie: list those forms as aliases, as `demo/brandpulse.yaml` does); Dutch texts use"
        ' "ff", "idd", "mss", "m\'n", "\'t" and the odd dt-error. Platforms: Paczkolot reddit ~30 %'
        " (r/Polska, r/warszawa, ...; English posts in r/poland), twitter ~30 %, forum ~30 % (a microblog and two"
        " shopping forums), instagram ~10 %; Zoefiets reddit ~40 % (r/thenetherlands, r/amsterdam, ...; Flemish"
        " posts in r/belgium), twitter ~30 %, forum ~18 %, instagram ~12 %. Mentions' `posted_at` is UTC; the"
        " reviews' `date` carries the local offset (`+02:00`, `+01:00` from 2026-10-25). Outside the incident and"
        " the price increase both brands have roughly 20-25 % negative, 40 % neutral and 35-40 % positive posts.",
        "",
        "### Planted incident (Paczkolot)",
        "",
        '2026-10-14 to 2026-10-16: app update **4.0** (4.0.0) crashes on launch, "otwórz skrytkę" (remote locker'
        ' opening) spins forever and pick-up codes ("kod odbioru") are missing or rejected at the lockers, so'
        " people stand at the lockers unable to collect parcels; the hotline and chat are swamped. Volume is"
        f" {fig['pl_inc_x']:.1f}x that of the Wednesdays-Fridays of the four weeks before, and the negative share"
        " jumps from"
        f" {fig['pl_base_neg']:.0%} to {fig['pl_inc_neg']:.0%} (daily 65-75 %; aspects: app and delivery; driver terms"
        ' such as "aktualizacji", "kod odbioru", "skrytka", "apka", "nie działa"); one-star reviews'
        " (app_version 4.0.0) spike. On 10-17/10-18 it tails off (hotfix 4.0.1, pick-up deadlines extended,"
        ' "wreszcie działa" posts), with a few aftermath mentions until the end of October.',
        "",
        "### Slow shift (Zoefiets, no incident)",
        "",
        "A price increase (€19,90 -> €22,90 a month, e-bike €64,90 -> €72,50) is announced on 2026-09-16 (neutral"
        ' questions, "prijsverhoging") and takes effect on 2026-10-01. Through October price/billing complaints'
        ' ("te duur", "dubbel afgeschreven", "opzeggen", "€22,90") grow from'
        f" {fig['nl_sept_price']:.0%} of the negative posts in September to {fig['nl_late_price']:.0%} from 10-15 on,"
        f" the negative share creeps up from {fig['nl_sept_neg']:.0%} to {fig['nl_late_neg']:.0%} and volume rises"
        " a little: a slow level shift for the change-point view, not a spike (daily volume stays under the"
        " detector's minimum of 20).",
        "",
        f"### Deliberately malformed rows ({n_bad}, for the quarantine demo)",
        "",
        "As above: in time order inside the files, not counted in the valid totals; record numbers are 1-based data"
        " records (CSV header excluded).",
        "",
        "| file | record | id | problem |",
        "|---|---|---|---|",
    ]
    for slug, files in malformed.items():
        for fname, items in files.items():
            for rec, rid, how in items:
                lines_.append(f"| `{slug}/{fname}` | {rec} | `{rid}` | {how} |")
    lines_ += [
        "",
        "### How `make demo` reads these files",
        "",
        "The replay server serves only parcelo, brewbird and novabank, so the config entries in `demo/brandpulse.yaml`"
        " read both files of these brands with file drops and no `platforms:` filter (every platform, and every"
        " malformed row reaches the file drop's quarantine). To serve their Reddit/forum/app-store rows over the"
        " replayed APIs instead, add the slugs (and app ids) to `demo/replay/sample.py` and copy the English"
        " brands' source lists.",
        "",
    ]
    return "\n".join(lines_)


def brands_yaml() -> str:
    out = [
        "# Polish and Dutch demo brands, written by generate_pl_nl.py: paste the two entries under `brands:` in",
        "# demo/brandpulse.yaml. The replay server does not serve these slugs, so both file drops read every",
        "# platform of their export (no `platforms:` filter).",
        "brands:",
    ]
    comments = {
        "paczkolot": "# Polish declines the name: list the case forms",
        "zoefiets": '# "Zoef" is the nickname',
    }
    for cfg in BRAND_CONFIGS:
        aliases = [f'"{a}"' if a[0] in "@#" else a for a in cfg.yaml_aliases]
        if cfg.slug == "zoefiets":
            aliases.append("Zoef")
        out += [
            f"  - name: {cfg.name}",
            f"    slug: {cfg.slug}",
            f"    aliases: [{', '.join(aliases)}]   {comments[cfg.slug]}",
        ]
        if cfg.slug == "zoefiets":
            out.append('    exclude: ["zoef zoef", "en zoef weg"]   # the sound, not the brand')
        out += [
            f"    competitors: [{cfg.competitor}]",
            "    sources:",
            "      - type: file_drop",
            "        name: listening",
            f"        path: sample/{cfg.slug}/mentions.csv",
            "        columns: {native_id: post_id, text: body, created_at: posted_at, author: author, url: link,",
            "                  platform: platform, channel: channel, engagement: [likes, replies]}",
            "      - type: file_drop",
            "        name: reviews",
            f"        path: sample/{cfg.slug}/reviews.jsonl",
            "        kind: review",
            "        columns: {native_id: review_id, text: content, title: title, created_at: date, author: user_name,",
            "                  rating: rating, language: lang, platform: store, engagement: [thumbs_up]}",
            "",
        ]
    return "\n".join(out)


# ====================================================================================================================
# Checks and summary
# ====================================================================================================================
def check_files(out_dir: Path) -> dict[str, dict[str, int]]:
    """Read the files back with csv/json; count good and bad records and check order and columns."""
    res = {}
    for cfg in BRAND_CONFIGS:
        d = out_dir / cfg.slug
        with open(d / "mentions.csv", encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == MENTION_COLUMNS, reader.fieldnames
            recs = list(reader)
        times = [r["posted_at"] for r in recs if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["posted_at"])]
        assert times == sorted(times), "mentions not sorted"
        assert all("2026-08-25" <= t[:10] <= "2026-10-31" for t in times)
        good_json, bad_json, dates = 0, 0, []
        with open(d / "reviews.jsonl", encoding="utf-8") as f:
            for line in f:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    bad_json += 1
                    continue
                assert list(obj) == REVIEW_KEYS
                good_json += 1
                try:
                    dates.append(datetime.fromisoformat(obj["date"]))
                except (TypeError, ValueError):
                    pass
        assert dates == sorted(dates), "reviews not sorted"
        res[cfg.slug] = {"csv_records": len(recs), "jsonl_ok": good_json, "jsonl_bad": bad_json}
    return res


def valid_stats(rows: dict[str, list[Row]]) -> dict[str, dict[str, int]]:
    stats = {}
    for slug, rs in rows.items():
        valid = [r for r in rs if not r.malformed]
        n_mentions = sum(r.kind == "mention" for r in valid)
        langs = Counter(r.lang for r in valid)
        stats[slug] = {"mentions": n_mentions, "reviews": len(valid) - n_mentions}
        stats[slug].update({f"lang_{k}": v for k, v in langs.items()})
        stats[slug].setdefault("lang_en", 0)
    return stats


def shares(rs: list[Row]) -> str:
    c = Counter(r.sent for r in rs)
    n = max(1, len(rs))
    return f"neg/neu/pos={c['neg'] / n:.2f}/{c['neu'] / n:.2f}/{c['pos'] / n:.2f} (n={len(rs)})"


def text_of(r: Row) -> str:
    return r.record["body"] if r.kind == "mention" else r.record["content"]


def print_summary(rng: Random, rows: dict[str, list[Row]], out_dir: Path, checks: dict) -> None:
    print("== valid rows per brand ==")
    for cfg in BRAND_CONFIGS:
        valid = [r for r in rows[cfg.slug] if not r.malformed]
        m = [r for r in valid if r.kind == "mention"]
        langs = Counter(r.lang for r in valid)
        plats = Counter(r.record["platform"] for r in m)
        stores = Counter(r.record["store"] for r in valid if r.kind == "review")
        comp = sum(cfg.competitor.lower() in text_of(r).lower() for r in m)
        named = sum(any(s in text_of(r).lower() for s in cfg.stems) for r in m)
        texts = [text_of(r) for r in valid]
        print(f"{cfg.slug}: mentions={len(m)} reviews={len(valid) - len(m)}  overall {shares(valid)}")
        print(f"  languages: {dict(langs.most_common())}  ({langs['en'] / len(valid):.1%} English)")
        print(f"  platforms: {dict(plats.most_common())}  stores: {dict(stores.most_common())}")
        print(f"  brand named in {named / len(m):.1%} of mentions, competitor in {comp / len(m):.1%}")
        print(
            f"  distinct texts {len(set(texts))}/{len(texts)} = {len(set(texts)) / len(texts):.1%}; "
            f"length (chars) min {min(map(len, texts))} median {sorted(map(len, texts))[len(texts) // 2]} "
            f"max {max(map(len, texts))}"
        )
        ratings = Counter(r.record["rating"] for r in valid if r.kind == "review")
        print(f"  review ratings: {dict(sorted(ratings.items()))}")
        print(f"  read back: {checks[cfg.slug]}")

    pl = [r for r in rows["paczkolot"] if not r.malformed]
    inc = [r for r in pl if date(2026, 10, 14) <= (r.ts + utc_offset(r.ts)).date() <= date(2026, 10, 16)]
    base = [r for r in pl if (r.ts + utc_offset(r.ts)).date() < date(2026, 10, 14)]
    print("\n== paczkolot incident ==")
    print(f"baseline (before 10-14): {shares(base)}; per day {len(base) / 50:.1f}")
    print(f"incident 10-14..16:      {shares(inc)}; per day {len(inc) / 3:.1f}")
    by_day: dict[date, list[Row]] = {}
    for r in pl:
        by_day.setdefault(r.ts.date(), []).append(r)
    print("per UTC day (mentions+reviews):")
    for i in range(11):
        d = date(2026, 10, 10) + timedelta(days=i)
        rs = by_day.get(d, [])
        neg = sum(r.sent == "neg" for r in rs)
        one = sum(r.kind == "review" and r.record["rating"] == 1 for r in rs)
        print(f"  {d} {d:%a} rows={len(rs):3d} neg={neg:3d} neg_share={neg / max(1, len(rs)):.2f} one_star={one}")
    words = Counter()
    for r in inc:
        if r.sent == "neg":
            words.update(set(re.findall(r"[^\W\d_]{4,}", ascii_fold(text_of(r).lower()))))
    print(
        "most frequent words in incident negatives (4+ letters, folded):",
        ", ".join(f"{w}:{n}" for w, n in words.most_common(14)),
    )

    nl = [r for r in rows["zoefiets"] if not r.malformed]
    print("\n== zoefiets price shift (per ISO week: rows, negative share, share of negatives about the increase) ==")
    weeks: dict[str, list[Row]] = {}
    for r in nl:
        ld = (r.ts + utc_offset(r.ts)).date()
        weeks.setdefault(f"{ld - timedelta(days=ld.weekday()):%Y-%m-%d}", []).append(r)
    for wk in sorted(weeks):
        rs = weeks[wk]
        negs = [r for r in rs if r.sent == "neg"]
        hike = sum(r.topic == "hike" or (r.topic == "price") for r in negs)
        print(
            f"  week of {wk}: rows={len(rs):3d} neg_share={len(negs) / len(rs):.2f} "
            f"price/billing share of negatives={hike / max(1, len(negs)):.2f}"
        )

    print("\n== files ==")
    for path in sorted(out_dir.rglob("*")):
        if path.is_file() and path.parent.name in {c.slug for c in BRAND_CONFIGS}:
            print(f"{path}  {path.stat().st_size / 1024:.1f} KiB")

    print("\n== examples (5 per brand) ==")
    for cfg in BRAND_CONFIGS:
        valid = [r for r in rows[cfg.slug] if not r.malformed]
        for r in rng.sample(valid, 5):
            if r.kind == "mention":
                where = r.record["channel"] or r.record["platform"]
                text = f"[{r.record['platform']} {where}] {r.record['body']}"
            else:
                text = f"[{r.record['store']} {r.record['rating']}*] {r.record['title']} | {r.record['content']}"
            print(f"- {cfg.slug} {r.ts:%m-%d} ({r.sent}): {text!r}")


def build_rows() -> tuple[Random, dict[str, list[Row]], dict[str, RowBuilder]]:
    """Every brand's rows, with their intended sentiment (``Row.sent``), as the sample is written: the RNG after
    them (the malformed rows draw from it next), the rows per brand slug, and the builders."""
    rng = Random(SEED)
    ids = Ids(rng)
    rows: dict[str, list[Row]] = {}
    builders: dict[str, RowBuilder] = {}
    for cfg in BRAND_CONFIGS:
        builder = builders[cfg.slug] = RowBuilder(rng, cfg, ids)
        # plan the rows first: per day an exact number of reviews; exactly ENGLISH_SHARE of the rows in English
        plan: list[tuple[datetime, str, str, bool]] = []
        for d, n in daily_counts(rng, cfg).items():
            phase = day_phase(cfg, d)
            review_share = cfg.review_share + {"incident": 0.06, "tail": 0.04}.get(phase, 0.0)
            n_rev = min(n, max(0, round(n * review_share + rng.uniform(-0.5, 0.5))))
            kinds = [True] * n_rev + [False] * (n - n_rev)
            rng.shuffle(kinds)
            for sent, is_review in zip(day_sentiments(rng, cfg, d, n), kinds, strict=True):
                plan.append((random_time(rng, cfg, d), sent, phase, is_review))
        english = set(rng.sample(range(len(plan)), round(len(plan) * ENGLISH_SHARE)))
        brand_rows: list[Row] = []
        for i, (ts, sent, phase, is_review) in enumerate(plan):
            make = builder.review if is_review else builder.mention
            brand_rows.append(make(ts, sent, phase, english=i in english))
        rows[cfg.slug] = brand_rows
    return rng, rows, builders


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--out", type=Path, required=True, help="sample folder; writes <out>/<slug>/...")
    ap.add_argument("--readme-section", type=Path, help="also write the sample README's section here")
    ap.add_argument("--brands-yaml", type=Path, help="also write the brands' config entries here")
    args = ap.parse_args()

    rng, rows, builders = build_rows()
    add_malformed(rng, builders, rows)

    malformed = {cfg.slug: write_brand(args.out, cfg.slug, rows[cfg.slug]) for cfg in BRAND_CONFIGS}
    stats = valid_stats(rows)
    fig = shift_figures(rows)
    if args.readme_section:
        args.readme_section.write_text(readme_section(stats, malformed, fig), encoding="utf-8")
    if args.brands_yaml:
        args.brands_yaml.write_text(brands_yaml(), encoding="utf-8")
    checks = check_files(args.out)
    print_summary(Random(SEED + 1), rows, args.out, checks)
    print("\n== malformed rows ==")
    for slug, files in malformed.items():
        for fname, items in files.items():
            for rec, rid, how in items:
                print(f"{slug}/{fname} record {rec} ({rid}): {how}")
    for extra in filter(None, (args.readme_section, args.brands_yaml)):
        print(f"wrote {extra}")


if __name__ == "__main__":
    main()
