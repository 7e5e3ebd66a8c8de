"""Which words explain an alert: weighted log-odds with an informative Dirichlet prior (pure functions).

:func:`weighted_log_odds` compares the texts behind an alert (``focus``, e.g. the negative mentions of a
spike day) with a ``background`` (e.g. the brand's mentions of the baseline weeks) and returns the terms
most over-represented in the focus, following Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical
Feature Selection and Evaluation for Identifying the Content of Political Conflict", Political Analysis
16(4), section 3.5:

- counts ``y_f[w]`` and ``y_b[w]`` (each term counted once per text, so one post repeating a word, or a
  burst of identical reposts' wording inside one text, does not dominate), totals ``n_f`` and ``n_b``;
- informative Dirichlet prior from the pooled corpus: ``a[w] = prior_scale * (y_f[w] + y_b[w])``,
  ``a0 = sum(a)``; the prior pulls both groups towards the pooled rate, which damps rare terms;
- ``delta[w] = log((y_f + a) / (n_f + a0 - y_f - a)) - log((y_b + a) / (n_b + a0 - y_b - a))``;
- ``var[w] ~ 1 / (y_f + a) + 1 / (y_b + a)``; ``z = delta / sqrt(var)``.

Unigrams and bigrams are scored separately (each against its own totals) and merged by ``z``. Only terms
seen at least ``min_count`` times in the focus and with ``z > 1.96`` are returned, best first.

A text is a string, or a ``(text, language)`` pair with the mention's detected language (ISO 639-1, as in
``v_mentions_scored.language``; None when unknown), which only settles the few words listed below.

Normalisation: HTML entities read as the characters they stand for, as the scorer reads them ("&gt;", "&lt;3", "&nbsp;"
of an exported tweet were the terms "gt", "lt", "nbsp"; "don&#39;t" is "don't"), then (:func:`pipeline.textfold.fold`,
the form the relevance filter compares aliases in too) the soft hyphen and the invisible joiners and spaces (U+00AD,
U+200B-U+200D, U+2060, U+FEFF) and the emoji presentation selectors (U+FE0E, U+FE0F) removed, "™" and "℠" read as a
space, then Unicode NFKC and case folding, so a word typed with separate accent marks or composed ones, in full-width
letters or with a ligature ("ﬁ"), is one word; the single quotes and the modifier apostrophe become "'". Terms are shown
in this form (NFC, lower case; "ß" reads "ss").

Tokenizer (:func:`tokenize`): URLs, e-mail-like and ``@mentions`` removed; ``#`` dropped from hashtags;
tokens are runs of letters with their combining marks (:data:`pipeline.textfold.MARKS`: Devanagari vowel signs,
Arabic harakat), with inner apostrophes ("don't"); a final "'s" is removed and a French or Italian elided
article or preposition is split off ("l'appli" gives "appli", "dell'ordine" "ordine"), and in Polish mentions an
acronym's case ending after a hyphen goes ("SMS-ami", "SMS-ów" give "sms"; the ending was a term); digits, emoji and
punctuation go; one-letter tokens, the function words of the served Latin-script languages (:data:`STOP_WORDS`:
English, Polish, Dutch, German, French, Spanish, Italian, Portuguese; Polish ones also typed without diacritics,
"bylo" as "było"; Arabic and Hindi keep theirs) and the
words of the caller's ``drop`` list (the brand's aliases, normalised the same way: they are in every mention and
say nothing) are dropped, and so are the caller's ``names`` that share a content word with them (the brand's
competitors named with its own word: "switching to Parcelo Express" gives Parcelo no "express"), each only
where it occurs whole. A word
that is a function word in one of those languages and a content word in English ("die", "den", "pod", "ale",
"con", "come", ...: :data:`ENGLISH_CONTENT`) is kept in mentions detected as English and dropped in the rest; so
are, in Polish mentions, "wie" (knows: "nikt nic nie wie") and "dal" ("dał" typed plainly), and in Dutch ones "mis"
(wrong: "ging mis"), "nam" (took: "niemand nam op"), "los" (loose) and "man" (:data:`CONTENT_WORDS`; dropped as the
German "wie", the Polish "nam", the Spanish "mis", they were lost, and "nie wie gdzie jest paczka" was "nie paczka").
Everything else is kept: the words are brand-agnostic.

Negation (:data:`NEGATORS`): "not", "doesn't", "nie", "niet", "geen", "nicht", "kein", "pas", "non", "não",
"no" and the like are kept, so that a negated word keeps its negator. A negator is never a term alone; it
forms a bigram with the next word of its clause ("doesn't work", "nie działa", "geen reactie"), and the ones
that may follow their verb (Dutch "niet", "niets", "niks", "nooit", German "nicht", "nichts", "niemals",
French "pas", "rien", "jamais", Italian "niente", "nulla") with the word before too ("werkt niet",
"funktioniert nicht", "marche pas"): which of the two phrases stands out is left to the counts; not the word
before where a negator before it binds it already ("niet stabiel en niet snel" gives no "stabiel niet"). A Dutch
or German one at the end of a clause whose verb came earlier ("Mijn internet doet het al drie dagen niet") binds
the word before it ("dagen niet", with "doet" counted alone): telling the verb apart takes a parser (the clause's
second word is its verb only where its subject is one word: "Mijn nieuwe router werkt niet"). A word a
negator binds is not counted alone in that text ("doesn't work" gives no "work"), nor in a bigram without the
negator ("app doesn't work" gives no "app work"), unless the negator is a determiner (:data:`DETERMINERS`: "no",
"geen", "kein", "żaden", "aucun", ... before a noun; the Polish "bez" and Dutch "zonder", without, and the Polish
"brak", "braku" (lack of) are such negators too, as the other languages' "without", "ohne", "sans", "senza", "sin",
"sem": "bez odpowiedzi", "zonder bericht", "brak kontaktu", "sin internet"; they were terms alone): "no update",
"geen reactie" say that something is missing, and the thing itself is the topic, so "update" and "reactie" count
alone too (the app update of an incident stays among its terms when one text says "still no update"); but not a
trouble whose absence is praise (:data:`_NO_TROUBLE`: "bez stresu", "bez problemu", "brak problemów", "geen gedoe",
"no hassle" give the phrase, no "stresu" or "problemu"; "brak" was a term alone, and "brak problemów" gave
"problemów"). The Polish "nie ma" (there is no, has no; and "nie mam", "nie było", ...: "ma" and "było" are function
words) is one such negator, counted as "nie ma": "nie ma kontaktu" gives "nie ma kontaktu" and "kontaktu", as "brak
kontaktu" gives "kontaktu" (read as "nie" alone it was "nie kontaktu", with no "kontaktu"); so is "nie będzie"
(there will be no) before a noun ("nie będzie zwrotu"), not before a verb, an adjective or an adverb ("nie będzie
działać", "nie będzie dostępna": the future's auxiliary, a copula); after a preposition or a question word it
denies nothing, nor does "brak" ("dostawy nie ma od tygodnia", "paczki brak od tygodnia", "nie ma co czekać": no
"nie ma tygodnia", "brak tygodnia"). In Spanish mentions "no" denies a verb ("no funciona" gives no "funciona", which
was a term of every "no funciona" spike), and "no hay" (there is no) is the determiner, counted as "no hay" ("no hay
respuesta" gives "respuesta" too). A clause ends at . , ; : ! ? and the like: negators bind no word beyond it.
In Polish and Portuguese mentions "no" is a function word ("well"; "in the"), not a negator, and so is "pas" in
Dutch ones ("only", "not until": "geld pas na drie weken terug" lost its "geld"), and "sin" in Italian ones ("sin da
ieri", since yesterday: "sin ieri" was a term).
Word order is all it reads: in "why doesn't the app work?" the negator binds "app", and "work" counts alone.

Bigrams are pairs of adjacent kept words of one clause, so "lost my parcel" gives "lost parcel" and "lost
parcel, refund" gives no "parcel refund".

Forms counted as one term, shown in the form the focus texts write most (ties: the first in alphabetical
order), their counts covering all the forms: a negator's forms (the English "n't" forms, "cannot" and "not";
German "kein", "keine", ...; Polish "żaden", "żadna", ..., "brak", "braku", and "nie ma", "nie mam", "nie było",
...), so "doesn't work" and "won't work" are one term;
and in Polish mentions, the forms of a word: words that are one stem of at least 4 letters with an inflectional
ending each, from a list (:data:`_PL_ENDINGS`): the noun and adjective endings ("", a, ą, e, ę, i, y, o, u, ie,
em, om, ach, ami, ów, owi, ego, ej, ym, ych, ...) and a verb's after its stem vowel (ć, ł, ła, ło, li, ły, łem,
łam, ją). So "paczka", "paczki", "paczkę", "paczkami" and, its fleeting e dropped, "paczek" are one term,
"działa", "działają", "działało" another (a negator's word too: "nie działa", "nie działają" are one term; they were
two where no text wrote the verb alone), and "reklamacja" (complaint) and "reklama" (advert), "dostawca"
(supplier) and "dostawa" (delivery), "płatny" and "płatność", "zamówił" and "zamówienie" are not. A group is the
words of one stem, never a chain through different stems: a word of two stems joins the group of the one more
of the texts' words share (:func:`_polish_groups`), so "działa" goes with "działają", "działać" and "dział"
(department) with "działu", but "działa" alone beside "dział" and "działu" is counted with them. A word of a
group counts with it in a mention detected as another language or none too (short Polish posts are: "Szok" is
Hungarian, "Brak kontaktu" Basque), or the term was shown twice, its counts split between the two. A Polish form
of a ``drop`` word is dropped too, by a looser rule that also catches the alternation of the name's last
consonant (a prefix of at least 5 letters that is all but at most the last two letters of the name: "Biedronce"
of "Biedronka", not "paczka" of "Paczkolot"), and catches the forms of a short name as above ("Żabki" of "Żabka",
"Lidlu" of "Lidl"): losing a word that merely resembles the brand's name costs little.
Limits: no other language is stemmed ("parcel" and "parcels", "pakket" and "pakketten" are separate terms); in
Polish an alternation of a stem's last consonant ("paczce", "kurierzy", "koncie"), a vowel change ("zamówień")
and the present tense's first and second persons ("czekam", "czekasz") are not caught.

:func:`terms` gives the unigrams and bigrams of one text as written (unigrams have no space, bigrams one, or two
with the "nie ma" and "no hay" above): a term :func:`weighted_log_odds` shows is in it for the texts that wrote it in
that form.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from pipeline.textfold import HANDLE, MARKS, casefold, fold, unescape_html

__all__ = [
    "CONTENT_WORDS",
    "DETERMINERS",
    "ENGLISH_CONTENT",
    "NEGATORS",
    "STOP_WORDS",
    "Term",
    "terms",
    "tokenize",
    "weighted_log_odds",
]

Text = str | tuple[str, str | None]
"""A text, or a ``(text, language)`` pair with the mention's detected language (None when unknown)."""

# The function words of each served Latin-script language (negators are not here: see NEGATORS).
_FUNCTION_WORDS = {
    "en": """
    a about above after again against all also already am an and any anyone anything are as at be because been
    before being below between both but by can could did do does doing down during each either even ever every
    everyone everything few for from further get gets got had has have having he he'd he'll he's her here here's
    hers herself him himself his how how's i i'd i'll i'm i've if im in into is it it's its itself ive just let's
    many may me might more most much must my myself nor now of off on once one only or other ought our ours
    ourselves out over own really rt same shall she she'd she'll she's should since so some someone something
    still such than that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those though through to too u under until up ur us very via was we we'd we'll we're
    we've were what what's when when's where where's which while who who's whom why why's will with would yet
    you you'd you'll you're you've your yours yourself yourselves amp
    """,
    "pl": """
    i w z na do że się to jest jak co po od za o ale czy tak już mi mnie ja ty on ona my wy oni ich jej jego ten
    ta te tę tą tym tych tymi tego tej też jeszcze tylko by był była było były byli byłem byłam są być mam ma
    masz macie mają mieć miał miała miałem miałam przez dla przy pod nad bo więc gdy gdzie kiedy dlaczego czemu
    kto ktoś coś który która które którego której których mój moja moje mojej moją mojego moich mym twój twoja
    twoje twojej twoją twojego wasz wasza wasze waszej waszą waszego waszych nasz nasza nasze naszej naszą
    naszego naszych swój swoja swoje swojej swoją swojego znowu znów nadal wciąż jestem jesteś jesteście
    jesteśmy będzie będę będą można może mogę mogą musi muszę nas nam nami wam wami tu tutaj tam teraz go mu
    im nim nią ją ci cię sobie siebie oraz lub albo czyli jednak ze we aż bardzo jako niż żeby aby jeśli ani sie
    juz tez moze bedzie wiec sa byc dalej przed zanim ode nawet ile ogóle wszystko wszystkie wszystkich
    wszystkim wszyscy jakiś jakaś jakieś jakiegoś jakiejś jakichś jakimś jakąś każdy każda każde każdego każdej
    każdym samo sama więcej bardziej raz podczas między także również razie kogoś komuś czegoś czego nikomu
    """,
    "nl": """
    de het een en van ik je jij u hij zij wij we ze is zijn was waren met op aan voor dat die dit er maar om als
    bij ook nog al dan naar uit of tot mijn me mij jullie wel heb hebt heeft hebben had wordt worden werd
    geweest te waar wanneer waarom hoe wat wie welke weer alweer steeds iemand iets ben bent zal zullen zou
    zouden kan kunnen kon konden moet moeten wil willen ons onze jou jouw uw hier daar nu zo deze dus want
    omdat hun hen hem haar z'n zo'n zich men door over sinds meer nou toch even gewoon echt heel toen zelf alleen
    tegen tijdens vanaf tussen zelfs alle alles iedereen enkel enkele elk elke ieder iedere hetzelfde dezelfde
    voordat nadat terwijl onder boven zeer mee weinig ge gij zijt ie ff
    """,
    "de": """
    der die das ein eine einen einem einer eines und ist mit auf für von zu im ich du er sie es wir ihr den dem
    des mich mir dich dir sich uns euch mein meine meinen meinem meiner dein deine deinen ihre ihren unser
    unsere unseren euer eure sein seine kann können konnte muss müssen will wollen soll sollte habe hast hat
    haben hatte wurde wurden wird werden war waren bin bist sind noch schon mehr immer wieder aber oder wie
    was wo wann warum wer hier da dort jetzt auch nur sehr so dann denn doch mal man nach bei aus um über
    unter durch am vom zum zur beim ins dass weil wenn als ob seit etwas jemand
    """,
    "fr": """
    le la les un une des et est ne que qui je tu il elle nous vous ils elles du au aux en pour sur dans avec ce
    cette ces cet se sa son ses mon ma mes ton ta tes notre nos votre vos leur leurs ai as avons avez ont avait
    suis es sommes êtes sont était été être avoir y où quand pourquoi comment quoi toujours encore déjà très
    moi toi lui eux on mais ou donc car ni si par chez ça cela depuis
    """,
    "es": """
    el los las una unos y es que en por para con lo se mi mis tu tus su sus al del muy pero como nuestro
    nuestra nuestros le les me te nos yo él ella ellos ellas este esta estos estas ese esa eso esto está
    están estoy estaba fue ser estar hay han ha he has hace ya todavía otra otro vez donde dónde cuando
    cuándo porque qué cómo quién también más sobre entre hasta desde
    """,
    "it": """
    il lo gli uno una un di da che per con mi si ho ha sono del della nel ma come anche io tu lui lei noi voi
    loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra vostro vostra questo questa questi
    queste quello quella quel è le la al allo alla ai agli alle dal dallo dalla dai dalle nello nella nei
    nelle sul sulla sui col tra fra ti ci vi ne stato stata essere hanno abbiamo avete ancora dove quando
    perché cosa chi più già poi solo sempre molto tutto tutti ed se altro altra altri altre
    """,
    "pt": """
    os um uma em por com se meu minha seu sua ao da do dos das mas como já muito o as e é eu você vocês ele
    ela eles elas nós meus minhas seus suas nosso nossa este esta isso isto esse essa aquele na nas nos num
    numa pelo pela pelos pelas foi ser estar está estão estou tem têm ter era ainda onde quando porque quê
    quem mais também só sempre
    """,
}

# Polish is often typed without its diacritics ("bylo" for "było", "zeby" for "żeby"): the function words in that
# form too (none is a content word of a served language that is not a function word already)
_PL_PLAIN = str.maketrans("ąćęłńóśźż", "acelnoszz")

STOP_WORDS = frozenset(w for words in _FUNCTION_WORDS.values() for w in words.split()) | frozenset(
    _FUNCTION_WORDS["pl"].translate(_PL_PLAIN).split()
)
"""The function words dropped from every text (the served languages' lists merged; Polish ones also as typed
without diacritics)."""

ENGLISH_CONTENT = frozenset(
    "die den pod ale con come pour son bin hat man door men want war ten hem ode elk ge ie".split()  # ge: GE, ie: IE
)
"""Function words of another served language (de/nl "die", pl "ale", it "come", ...) that are content words
in English: kept in mentions detected as English (``language`` "en"), dropped in the rest."""

CONTENT_WORDS = {
    "en": ENGLISH_CONTENT | {"sin"},  # the Spanish negator "sin" (without), a word in English
    "pl": frozenset("wie dal".split()),
    "nl": frozenset("mis nam los man".split()),
}
"""Function words (or negators) of another served language that are content words of a language (by its ISO 639-1
code): kept as words in mentions detected as that language, dropped (or negators) in the rest."""

# "without" in pl, nl, de, fr, it, es, pt: negators that deny a noun ("bez odpowiedzi", "sin internet"): DETERMINERS
_WITHOUT = "bez zonder ohne sans senza sin sem".split()
# Negators that bind the next word of their clause, and those that may follow their verb, which bind the word
# before too (the counts decide which phrase stands out). Each is counted as the first word of its group: the
# English "n't" forms as "not", the inflected "keine", "żadnej", "ninguna" as "kein", "żaden", "ningún".
_NEGATE_NEXT_GROUPS = {
    "not": """not cannot can't cant don't dont doesn't doesnt didn't didnt won't wont isn't isnt aren't arent
    wasn't wasnt weren't werent haven't havent hasn't hasnt hadn't hadnt couldn't couldnt wouldn't wouldnt
    shouldn't shouldnt mustn't shan't needn't ain't""",
    "żaden": "żaden żadna żadne żadnej żadnego żadnych zaden zadna zadne zadnej zadnego zadnych",
    "kein": "kein keine keinen keinem keiner keines",
    "aucun": "aucun aucune",
    "ningún": "ningún ninguna ninguno",
    "nessun": "nessun nessuna nessuno",
    "nenhum": "nenhum nenhuma",
    "brak": "brak braku",  # pl: lack of ("brak kontaktu"; "z powodu braku odpowiedzi")
    **dict.fromkeys(
        # en, pl, nl, de, fr/it, es, pt, and their "without" (_WITHOUT); hi नहीं मत, ar لا لم لن ليس
        """no never nothing nobody nie nic nigdy nikt geen niemand non nunca nada nadie não nem
        नहीं मत لا لم لن ليس""".split()
        + _WITHOUT
    ),
}
# The Polish "nie ma" (there is no; has no) and its forms: "ma", "było" are function words, so "nie" bound the noun
# ("nie ma kontaktu" was the term "nie kontaktu" and no "kontaktu"). "nie" and the verb read as one negator
# (:func:`_clauses`), a determiner, counted as "nie ma"; not "nie jest" (is not). "nie będzie" (there will be no) is
# one only before a noun: it is also the future's auxiliary and a copula ("nie będzie działać", it will not work;
# "nie będzie dostępna", it will not be available), so not where its next kept word is a verb's infinitive or past
# form, an adjective's or a passive participle's ending, or an adverb's (:data:`_NOT_A_NOUN`).
_THERE_IS = frozenset("ma mam masz mamy macie mają miał miała miało mieli miały miałem miałam było".split())
_THERE_IS |= frozenset(w.translate(_PL_PLAIN) for w in _THERE_IS)
_THERE_WILL_BE = frozenset({"będzie", "bedzie"})
_THERE_IS_NOT = frozenset(f"nie {w}" for w in _THERE_IS | _THERE_WILL_BE)
# The Spanish "no hay" (there is no) is one such determiner too: in Spanish "no" denies a verb ("no funciona")
_NO_HAY = "no hay"
# After "nie będzie": an infinitive ("działać", typed plainly "dzialac"), a past form ("działał", "działała", "mógł",
# "mogła", "mogli"), an adjective, a comparative ("lepszy", "tańsza") or a passive participle ("dostępna",
# "możliwe", "dostarczona", "otwarty", "gotowy"), an adverb ("tanio", "lepiej"): no noun, so "nie" denies it as a
# verb's negator. A noun of those endings ("ceny", "opłaty") is read so too: it keeps its "nie" bigram and is not
# counted alone, as before; an adjective with a noun's ending ("łatwy", "szybki", "dobra") is read as a noun.
_NOT_A_NOUN = re.compile(
    r"(?:ć|[aeiouyąęó]c|[aeiouyąęó][łl][aoiy]?|ł[aoy]?|g[łl][aoiy]?|[^aeiouyąęó]li|[nt][yaei]|[io]w[yae]|sz[yae]|o|ej)$"
)
# The words after which "nie ma" denies no word: a preposition's phrase ("dostawy nie ma od tygodnia", the delivery
# has not come for a week, is no "nie ma tygodnia") and a question word's ("nie ma co czekać", no point waiting;
# "nie ma jak się dodzwonić", no way to get through)
_THERE_IS_NOT_ENDS = frozenset(
    "w we z ze na do po od ode za o przez dla przy pod nad przed u co czego jak gdzie kiedy kto".split()
)
# "brak" (lack of) is such a determiner too, ended by the same words ("paczki brak od tygodnia": no "brak tygodnia")
_LACK = frozenset(_NEGATE_NEXT_GROUPS["brak"].split())
_NEGATE_NEXT = frozenset(w for key, forms in _NEGATE_NEXT_GROUPS.items() for w in (forms or key).split())
_NEGATE_NEXT |= _THERE_IS_NOT | {_NO_HAY}
DETERMINERS = frozenset(
    w for key in ("żaden", "kein", "aucun", "ningún", "nessun", "nenhum") for w in _NEGATE_NEXT_GROUPS[key].split()
) | frozenset({"no", "geen", *_WITHOUT, _NO_HAY} | _THERE_IS_NOT | _LACK)
"""Negators that deny a noun ("no update", "geen reactie", "nie ma kontaktu", "brak kontaktu", "zonder bericht"), not
a verb: the word they bind counts alone too."""
# Nouns of a trouble whose absence is praise ("bez stresu", stress-free; "bez problemu", "nie ma problemu", "geen
# probleem", "zonder gedoe", "no hassle", "no complaints"): a determiner negator denies them as a verb's does, so
# the phrase is a term and the trouble is not (a complaint that "always worked without a problem" had "problemu").
# Polish in the cases a negator takes (genitive), also typed without diacritics.
_NO_TROUBLE = frozenset(
    """problemu problemów problemow kłopotu kłopotów klopotu klopotow stresu nerwów nerwow zarzutu zarzutów
    zarzutow zastrzeżeń zastrzezen
    probleem problemen gedoe stress zorgen klachten klacht gezeur
    problem problems issue issues hassle fuss worries complaints
    probleme ärger sorgen beschwerden
    problema problemas complicaciones quejas estrés problème problèmes problemes souci soucis tracas
    problemi preoccupazioni pensieri estresse preocupações preocupacoes complicações complicacoes""".split()
)
_NEGATE_BOTH = frozenset("niet niets niks nooit nicht nichts niemals pas rien jamais niente nulla".split())
NEGATORS = _NEGATE_NEXT | _NEGATE_BOTH
"""Negation words: kept, and joined to a neighbour into a bigram (module docstring)."""
_NEGATOR_KEY = {w: key for key, forms in _NEGATE_NEXT_GROUPS.items() if forms for w in forms.split()}
_NEGATOR_KEY |= dict.fromkeys(_THERE_IS_NOT, "nie ma") | {_NO_HAY: _NO_HAY}
# In mentions of these languages, these determiners deny a verb: the Spanish "no" ("no funciona" is no "funciona")
_NOT_DETERMINERS = {"es": frozenset({"no"})}

# In mentions of these languages, these negators are function words ("no": pl "well", pt "in the"; nl "pas": "only").
# Italian "sin" (since: "sin da ieri") is no Spanish "sin" (without).
_NOT_NEGATORS = {"pl": frozenset({"no"}), "pt": frozenset({"no"}), "nl": frozenset({"pas"}), "it": frozenset({"sin"})}

# French and Italian elided articles, pronouns and prepositions split off a word ("l'appli", "dell'ordine").
_ELIDED = frozenset(
    """l d j m n s t c qu jusqu lorsqu puisqu quoiqu
    dell dall nell sull all coll pell un quell quest nessun dov cos""".split()
)

# A bare domain ("zoefiets.nl", "shop.paczkolot.pl/zwroty") is a link too, so "nl" or "com" never becomes a term.
# Only top-level domains that are no word in the supported languages: a sentence glued to the next after its full
# stop ("great.Never", "bestelling.de bezorger", "super.ca marche") stays two words ("de", "it", "no", "es", "ca",
# "eu", "co" are words, so those domains keep their last part). Those that are words too, Portuguese "com", Dutch
# "net", Italian "io", French "au", "info", end a domain in lower or upper case, not capitalised as the first word
# of a glued sentence ("atrasado.Com defeito", "rotto.Io non", "cassé.Au final" kept the word before them).
_TLDS = "org biz nl pl uk fr ch cz sk hu ro ie dk fi nz br mx jp cn kr ru ua tr pt".split()
_WORD_TLDS = "com net io au info".split()
_TLD = f"(?:{'|'.join(_TLDS)}|(?-i:{'|'.join(_WORD_TLDS + [t.upper() for t in _WORD_TLDS])}))"
# An e-mail address starts a word (?<!\S), and its domain holds no second @: the same matches as \S+@\S+\.\S+,
# which tried every start inside a long word without an @ (quadratic: a 64 KB word took 5 s, one 256 KB word in
# a negative mention 3 minutes of every report for 35 days)
_URL = re.compile(
    rf"https?://\S+|www\.\S+|(?<!\S)\S+@[^\s@]+\.\S+|(?<![\w.@/-])(?:[\w-]+\.)+{_TLD}(?:/\S*)?(?![\w-])",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.,;:!?¡¿()\[\]{}\"«»“”„\n\r\t\u060c\u061b\u061f\u0964\u0965\u3001\u3002]|\s[-\u2013\u2014]+\s")
_WORD = rf"[^\W\d_]+(?:[{MARKS}]+[^\W\d_]*)*"  # a letter, then letters and combining marks
_TOKEN = re.compile(rf"{_WORD}(?:'{_WORD})*")

# Polish forms of one word: one stem of at least _PL_STEM letters, each with an inflectional ending of
# _PL_ENDINGS: the noun and adjective endings of the cases and numbers ("" for the bare stem: "kurier", "paczek"
# after its fleeting e), and a verb's after its stem vowel: the infinitive, the past tense, the present's third
# person plural ("działa", "działać", "działał", "działają"). Not the alternations of a stem's last consonant
# ("paczce").
_PL_STEM = 4
_PL_ENDINGS = frozenset(
    """a ą e ę i y o u ie iu em iem om ach ami ów owi owie ego iego emu iemu ej iej ym im ymi imi ych ich
    ć ł ła ło li ły łem łam ją""".split()
) | {""}
_PL_VOWELS = frozenset("aąeęioóuy")
# An acronym's case ending, written after a hyphen in Polish ("SMS-ami", "SMS-ów", "PIN-em"): not a word of its own
_PL_HYPHEN_ENDING = re.compile(
    rf"(?<=[^\W\d_])-(?:{'|'.join(sorted(filter(None, _PL_ENDINGS), key=lambda e: (-len(e), e)))})(?![\w{MARKS}'])"
)

# A form of a ``drop`` word (the brand's name) in Polish mentions: a common prefix of at least this many letters,
# and all but the last two letters of the name, so that the alternations of a name's last consonant go too
# ("Biedronce" of "Biedronka", "Paczkolocie" of "Paczkolot"), but not a shorter word that begins like it ("paczka",
# parcel, of "Paczkolot": the word its complaints are about).
_NAME_PREFIX = 5
_NAME_ENDING = 2


class _Lexicon(NamedTuple):
    stop: frozenset[str]
    negate_next: frozenset[str]
    negate_both: frozenset[str]
    polish: bool
    determiners: frozenset[str]


def _lexicon(language: str | None) -> _Lexicon:
    """The stop words and negators for a mention of ``language`` (an ISO 639-1 code, "en-GB" read as "en")."""
    return _lexicon_of(re.split(r"[-_]", language.strip().lower())[0] if isinstance(language, str) else None)


@cache
def _lexicon_of(code: str | None) -> _Lexicon:
    not_negators = _NOT_NEGATORS.get(code, frozenset())
    content = CONTENT_WORDS.get(code, frozenset())
    determiners = DETERMINERS - _NOT_DETERMINERS.get(code, frozenset())
    negate_next = _NEGATE_NEXT - not_negators - content  # "sin" is a word of an English mention
    return _Lexicon(
        (STOP_WORDS - content) | not_negators, negate_next, _NEGATE_BOTH - not_negators, code == "pl", determiners
    )


@dataclass(frozen=True)
class Term:
    """A term over-represented in the focus texts; ``z`` is the weighted log-odds z-score."""

    term: str
    z: float
    focus_count: int
    background_count: int


def tokenize(text: str, drop: Iterable[str] = (), language: str | None = None, names: Iterable[str] = ()) -> list[str]:
    """The kept words of ``text`` in order, negators included (module docstring); words of ``drop`` and the
    ``names`` (:func:`weighted_log_odds`) removed."""
    return [w for clause in _clauses(text, _drop_set(drop, names), _lexicon(language)) for w in clause]


def terms(text: str, drop: Iterable[str] = (), language: str | None = None, names: Iterable[str] = ()) -> set[str]:
    """The unigrams and bigrams of ``text`` as :func:`weighted_log_odds` shows them (module docstring): a term it
    returns is in this set for the texts that contain it in that form."""
    uni, bi = _text_terms(text, _drop_set(drop, names), _lexicon(language))
    return uni | {f"{a} {b}" for a, b in bi}


def _words(text: str) -> list[str]:
    """The words of an already normalised text: elided articles split off, a final "'s" removed."""
    out = []
    for tok in _TOKEN.findall(text):
        if "'" not in tok:
            out.append(tok)
            continue
        parts = tok.removesuffix("'s").split("'")
        while len(parts) > 1 and parts[0] in _ELIDED:
            parts.pop(0)
        out.append("'".join(parts))
    return out


def _polish_name_form(word: str, name: str) -> bool:
    """``word`` is a form of the drop word ``name`` in a Polish mention (:data:`_NAME_PREFIX`), or one of its forms
    as Polish words are grouped (:func:`_polish_stems`: "Żabki", "Lidlu" of the short names "Żabka", "Lidl")."""
    shared = next((i for i, (x, y) in enumerate(zip(word, name, strict=False)) if x != y), min(len(word), len(name)))
    if shared >= _NAME_PREFIX and shared >= len(name) - _NAME_ENDING:
        return True
    # a stem of both is a prefix of both, of at least _PL_STEM letters: most words are ruled out without their stems
    return shared >= _PL_STEM and bool(_polish_stems(word) & _polish_stems(name))


def _polish_stems(word: str) -> set[str]:
    """The stems ``word`` may be a form of: ``word`` less one of :data:`_PL_ENDINGS`, at least :data:`_PL_STEM`
    letters; a word ending in a consonant and "ek" also has the stem without its fleeting e ("paczek": "paczk").
    Diacritics are kept: typed without them, "dziala" is a term apart from "działa", as "paczki" (parcels) must
    stay apart from "pączki" (doughnuts: a courier's Fat Thursday promotion) and "laska" from "łaska"."""
    stems = {word[: len(word) - len(e)] for e in _PL_ENDINGS if word.endswith(e)}
    if len(word) > 3 and word.endswith("ek") and word[-3] not in _PL_VOWELS:
        stems.add(word[:-2] + "k")
    return {s for s in stems if len(s) >= _PL_STEM}


def _clauses(text: str, dropped: frozenset[str], lex: _Lexicon) -> list[list[str]]:
    # links found before the case is folded: a domain's "Com" (:data:`_WORD_TLDS`) is the word of a glued sentence
    text = unescape_html(text)  # as the model reads it ("&gt;" was the term "gt")
    text = HANDLE.sub(" ", casefold(_URL.sub(" ", fold(text, case_sensitive=True))))
    if lex.polish:  # "SMS-ami" is "sms", where "ami" was a term
        text = _PL_HYPHEN_ENDING.sub("", text)
    phrases = _phrases(dropped)
    if phrases is not None:  # "switching to Parcelo Express" is no "express" for Parcelo
        text = phrases.sub(" ", text)
    out = []
    for clause in _CLAUSE.split(text):
        kept: list[str] = []
        there_is_not = False  # the last word read is "nie ma" or "brak": a preposition ends what it denies
        words = _words(clause)
        for i, w in enumerate(words):
            if (
                (w in _THERE_IS or (w in _THERE_WILL_BE and not _NOT_A_NOUN.search(_next_word(words, i, lex))))
                and i
                and words[i - 1] == "nie"
                and kept
                and kept[-1] == "nie"
            ):
                kept[-1], there_is_not = f"nie {w}", True  # "nie ma kontaktu": "nie ma", a determiner, "kontaktu"
            elif w == "hay" and i and words[i - 1] == "no" and kept and kept[-1] == "no":
                kept[-1] = _NO_HAY  # "no hay respuesta": "no hay", a determiner, and "respuesta"
            elif (
                len(w) > 1
                and w not in lex.stop
                and w not in dropped
                and not (lex.polish and any(_polish_name_form(w, d) for d in dropped))  # "Biedronce" of "Biedronka"
            ):
                kept.append(w)
                there_is_not = w in _LACK
            elif there_is_not and w in _THERE_IS_NOT_ENDS:  # "nie ma od tygodnia": not the week is missing
                out.append(kept)
                kept, there_is_not = [], False
        if kept:
            out.append(kept)
    return out


def _next_word(words: list[str], i: int, lex: _Lexicon) -> str:
    """The first word after ``words[i]`` that is no function word ("" when none): "nie będzie można się zalogować"
    reads "zalogować"."""
    return next((w for w in words[i + 1 :] if len(w) > 1 and w not in lex.stop), "")


def _drop_set(drop: Iterable[str], names: Iterable[str] = ()) -> frozenset[str]:
    """The words of ``drop`` (each word of an alias on its own), and those of the ``names`` (competitors) that
    share a content word with them (a function word is no share), each as the whole phrase (:func:`_phrases`): a
    rival "Parcelo Express" of the brand "Parcelo" is dropped whole, where "parcelo" alone was dropped and
    "express" became a term of every switch to it; any other competitor stays a term ("switching to ShipNest"
    says where customers go)."""
    words: set[str] = set()
    for alias in drop:
        alias = fold(alias).lstrip("@#")
        words.add(alias)
        words.update(_words(alias))
    own = words - STOP_WORDS  # "La Redoute" shares no word with "La Poste" but a function word: "redoute" says who
    for name in names:
        name = fold(name).lstrip("@#")
        if own & set(_words(name)):  # a rival named with the brand's own word: its rest would be a fragment
            words.add(name)
    return frozenset(words)


@cache
def _phrases(dropped: frozenset[str]) -> re.Pattern | None:
    """The entries of several words of a drop set, longest first, as whole phrases (inner spaces: any
    whitespace), removed from a folded text before its words are read; None without any."""
    phrases = sorted((d for d in dropped if len(_words(d)) > 1), key=lambda d: (-len(d), d))
    if not phrases:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, d.split())) for d in phrases)
    return re.compile(rf"(?<![\w{MARKS}])(?:{alternatives})(?![\w{MARKS}])")


def _text_terms(text: str, dropped: frozenset[str], lex: _Lexicon) -> tuple[set[str], set[tuple[str, str]]]:
    """The unigrams and the bigrams (pairs) of one text, negators joined to the words they bind (module
    docstring)."""
    uni: set[str] = set()
    bi: set[tuple[str, str]] = set()
    negators = lex.negate_next | lex.negate_both
    for words in _clauses(text, dropped, lex):
        n = len(words)
        # after[i]: word i is bound by a verb-following negator just after it, unless a negator just before binds it
        # already ("niet stabiel en niet snel" is no "stabiel niet")
        after = [
            i + 1 < n and words[i + 1] in lex.negate_both and not (i and words[i - 1] in negators) for i in range(n)
        ]
        # bound[i]: word i is bound by a negator just before it, or by a verb-following one just after it
        bound = [(i > 0 and words[i - 1] in negators) or after[i] for i in range(n)]
        for i, w in enumerate(words):
            determined = i > 0 and words[i - 1] in lex.determiners and w not in _NO_TROUBLE
            denied = bound[i] and not (determined and not after[i])
            if w not in negators and not denied:
                uni.add(w)
        for i in range(n - 1):
            a, b = words[i], words[i + 1]
            if a in negators and b in negators:
                continue
            if a in negators or after[i]:
                bi.add((a, b))  # a negator and the word it binds
            elif b not in negators and not bound[i] and not bound[i + 1]:
                bi.add((a, b))
    return uni, bi


def _polish_groups(words: Iterable[str]) -> dict[str, str]:
    """Each Polish word that has other forms among ``words`` -> the alphabetically first form of its group.

    A group is words that share one stem (:func:`_polish_stems`), never a chain of words linked by different
    stems. A word with several stems joins the group of the stem most of ``words`` share (ties: the shortest
    stem, then the first in alphabetical order); a stem's words already in a group stay there.
    """
    by_stem: dict[str, set[str]] = {}
    for w in set(words):
        for stem in _polish_stems(w):
            by_stem.setdefault(stem, set()).add(w)
    group: dict[str, str] = {}
    for stem in sorted(by_stem, key=lambda s: (-len(by_stem[s]), len(s), s)):
        free = sorted(by_stem[stem] - group.keys())
        if len(free) > 1:
            group.update(dict.fromkeys(free, free[0]))
    return group


def _term_counts(
    parsed: list[tuple[set[str], set[tuple[str, str]], bool]], polish: dict[str, str]
) -> tuple[Counter[str], Counter[str], Counter[tuple[str, str]]]:
    """Unigram and bigram counts by key (a negator's group, a Polish word's group), each term counted once per
    text; and how many texts wrote each key in each form (``(key, form)``: a text that writes two forms of one
    key counts for both, so the counts do not depend on the order a set is read in)."""
    uni: Counter[str] = Counter()
    bi: Counter[str] = Counter()
    forms: Counter[tuple[str, str]] = Counter()

    def key(w: str) -> str:  # a word of a Polish group is in it in any text (a Polish post read as another language)
        return _NEGATOR_KEY.get(w, w) if w in NEGATORS else polish.get(w, w)

    for words, pairs, _ in parsed:
        written = {(key(w), w) for w in words}
        written.update((f"{key(a)} {key(b)}", f"{a} {b}") for a, b in pairs)
        for k in {k for k, _ in written}:
            (bi if " " in k else uni)[k] += 1
        forms.update(written)
    return uni, bi, forms


def _parse(texts: Iterable[Text], dropped: frozenset[str]) -> list[tuple[set[str], set[tuple[str, str]], bool]]:
    out = []
    for item in texts:
        text, language = (item, None) if isinstance(item, str) else item
        lex = _lexicon(language)
        out.append((*_text_terms(text, dropped, lex), lex.polish))
    return out


def _log_odds_z(focus: Counter[str], background: Counter[str], prior_scale: float) -> dict[str, float]:
    n_f, n_b = sum(focus.values()), sum(background.values())
    if n_f == 0 or n_b == 0:
        return {}
    vocab = focus.keys() | background.keys()
    if len(vocab) < 2:  # one term: its odds against the rest are 0/0 (the rest is empty), so nothing stands out
        return {}
    alpha = {w: prior_scale * (focus[w] + background[w]) for w in vocab}
    a0 = prior_scale * (n_f + n_b)  # sum(alpha), not summed in the set's order: the same floats in every run
    out = {}
    for w in vocab:
        yf, yb, a = focus[w], background[w], alpha[w]
        delta = math.log((yf + a) / (n_f + a0 - yf - a)) - math.log((yb + a) / (n_b + a0 - yb - a))
        out[w] = delta / math.sqrt(1.0 / (yf + a) + 1.0 / (yb + a))
    return out


def weighted_log_odds(
    focus: Sequence[Text],
    background: Sequence[Text],
    top: int = 10,
    min_count: int = 3,
    *,
    drop: Iterable[str] = (),
    names: Iterable[str] = (),
    prior_scale: float = 0.1,
    bigrams: bool = True,
) -> list[Term]:
    """The ``top`` unigrams and bigrams most over-represented in ``focus`` vs ``background`` (z > 1.96).

    ``focus``, ``background``: texts, or ``(text, language)`` pairs. ``drop``: words to ignore (the brand's
    aliases). ``names``: other brands' names (the brand's competitors), ignored where one shares a content word
    with ``drop`` (its rest would be a fragment), each only where all its words occur in turn; any other name stays
    a term. ``min_count``: least number of focus texts a term must appear in. ``prior_scale``: the prior's
    weight relative to the pooled counts (module docstring). A term is shown in its most frequent form in the
    focus (a negator's or a Polish word's group, module docstring); its counts cover the whole group.
    """
    if prior_scale <= 0:
        raise ValueError("prior_scale must be > 0")
    dropped = _drop_set(drop, names)
    f_parsed, b_parsed = _parse(focus, dropped), _parse(background, dropped)
    # the words a negator binds too, which are in no unigram ("nie działa", "nie działają" are one term)
    polish = _polish_groups(
        w
        for words, pairs, is_polish in f_parsed + b_parsed
        if is_polish
        for w in words.union(*pairs)
        if w not in NEGATORS
    )
    f_uni, f_bi, forms = _term_counts(f_parsed, polish)
    b_uni, b_bi, _ = _term_counts(b_parsed, polish)
    shown: dict[str, tuple[int, str]] = {}  # each key's most written form in the focus (ties: the first in order)
    for (k, form), n in forms.items():
        if k not in shown or (-n, form) < (-shown[k][0], shown[k][1]):
            shown[k] = (n, form)
    found: list[Term] = []
    pairs = [(f_uni, b_uni), (f_bi, b_bi)] if bigrams else [(f_uni, b_uni)]
    for f_counts, b_counts in pairs:
        for w, z in _log_odds_z(f_counts, b_counts, prior_scale).items():
            if z > 1.96 and f_counts[w] >= min_count:
                found.append(Term(term=shown[w][1], z=z, focus_count=f_counts[w], background_count=b_counts[w]))
    found.sort(key=lambda t: (-t.z, t.term))
    return found[:top]
