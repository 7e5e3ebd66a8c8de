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

Tokenizer (:func:`tokenize`): lower-case; URLs, e-mail-like and ``@mentions`` removed; ``#`` dropped from
hashtags; tokens are runs of letters (with inner apostrophes: "don't"; a final "'s" is removed); digits,
emoji and punctuation go; one-letter tokens and the function words of the served languages (:data:`STOP_WORDS`:
English, Polish, Dutch, German, French, Spanish, Italian, Portuguese) are dropped, as are
the words of the caller's ``drop`` list (the brand's aliases: they are in every mention and say nothing).
Everything else is kept: the words are brand-agnostic. Bigrams are pairs of adjacent kept words, so "lost
my parcel" gives "lost parcel".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["STOP_WORDS", "Term", "tokenize", "weighted_log_odds"]

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further get gets got had hadn't has hasn't have haven't having he he'd he'll he's
    her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its
    itself just let's me more most mustn't my myself no nor not now of off on once only or other ought our ours
    ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that that's
    the their theirs them themselves then there there's these they they'd they'll they're they've this those
    through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when
    when's where where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves im ive dont cant wont didnt doesnt isnt wasnt arent u ur
    rt amp via one still even really us
    """.split()
) | frozenset(  # the function words of the other served languages: pl, nl, de, fr, es, it, pt
    """
    i w z na do że się nie to jest jak co po od za o ale czy tak już mi mnie ja ty on ona my wy oni ich jej jego
    ten ta te tym tego tej też jeszcze tylko by był była było są być mam ma przez dla przy pod nad bo więc gdy
    de het een en van ik je jij u hij zij wij we ze is zijn was waren niet geen met op aan voor dat die dit er
    maar om als bij ook nog al dan naar uit of tot mijn me mij jullie wel heb hebt heeft hebben wordt worden te
    der die das ein eine einen einem und ist nicht mit auf für von zu im ich du er sie es wir ihr den dem des
    le la les un une des et est pas ne que qui je tu il elle nous vous ils du au aux en pour sur dans avec ce
    el los las una unos y es no que en por para con lo se mi su al del muy pero como
    il lo gli uno di da non che per con mi si ho ha sono del della nel ma come anche
    os um uma não em por com se meu minha seu sua ao da do dos das mas como já muito
    """.split()
)

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True)
class Term:
    """A term over-represented in the focus texts; ``z`` is the weighted log-odds z-score."""

    term: str
    z: float
    focus_count: int
    background_count: int


def tokenize(text: str, drop: Iterable[str] = ()) -> list[str]:
    """Lower-cased content words of ``text`` (see the module docstring); words of ``drop`` are removed."""
    return _tokens(text, _drop_set(drop))


def _tokens(text: str, dropped: frozenset[str]) -> list[str]:
    text = _MENTION.sub(" ", _URL.sub(" ", text.lower().replace("\u2019", "'")))
    out = []
    for tok in _TOKEN.findall(text):
        tok = tok.removesuffix("'s")
        if len(tok) > 1 and tok not in STOP_WORDS and tok not in dropped:
            out.append(tok)
    return out


def _drop_set(drop: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for alias in drop:
        alias = alias.lower().replace("\u2019", "'").lstrip("@#")
        words.add(alias)
        words.update(t.removesuffix("'s") for t in _TOKEN.findall(alias))
    return frozenset(words)


def _term_counts(texts: Iterable[str], drop: frozenset[str]) -> tuple[Counter[str], Counter[str]]:
    """Unigram and bigram counts, each term counted once per text."""
    uni: Counter[str] = Counter()
    bi: Counter[str] = Counter()
    for text in texts:
        toks = _tokens(text, drop)
        uni.update(set(toks))
        bi.update({f"{a} {b}" for a, b in pairwise(toks)})
    return uni, bi


def _log_odds_z(focus: Counter[str], background: Counter[str], prior_scale: float) -> dict[str, float]:
    n_f, n_b = sum(focus.values()), sum(background.values())
    if n_f == 0 or n_b == 0:
        return {}
    vocab = focus.keys() | background.keys()
    if len(vocab) < 2:  # one term: its odds against the rest are 0/0 (the rest is empty), so nothing stands out
        return {}
    alpha = {w: prior_scale * (focus[w] + background[w]) for w in vocab}
    a0 = sum(alpha.values())
    out = {}
    for w in vocab:
        yf, yb, a = focus[w], background[w], alpha[w]
        delta = math.log((yf + a) / (n_f + a0 - yf - a)) - math.log((yb + a) / (n_b + a0 - yb - a))
        out[w] = delta / math.sqrt(1.0 / (yf + a) + 1.0 / (yb + a))
    return out


def weighted_log_odds(
    focus: list[str],
    background: list[str],
    top: int = 10,
    min_count: int = 3,
    *,
    drop: Iterable[str] = (),
    prior_scale: float = 0.1,
    bigrams: bool = True,
) -> list[Term]:
    """The ``top`` unigrams and bigrams most over-represented in ``focus`` vs ``background`` (z > 1.96).

    ``drop``: words to ignore (the brand's aliases). ``min_count``: least number of focus texts a term must
    appear in. ``prior_scale``: the prior's weight relative to the pooled counts (module docstring).
    """
    if prior_scale <= 0:
        raise ValueError("prior_scale must be > 0")
    dropped = _drop_set(drop)
    f_uni, f_bi = _term_counts(focus, dropped)
    b_uni, b_bi = _term_counts(background, dropped)
    terms: list[Term] = []
    pairs = [(f_uni, b_uni), (f_bi, b_bi)] if bigrams else [(f_uni, b_uni)]
    for f_counts, b_counts in pairs:
        for w, z in _log_odds_z(f_counts, b_counts, prior_scale).items():
            if z > 1.96 and f_counts[w] >= min_count:
                terms.append(Term(term=w, z=z, focus_count=f_counts[w], background_count=b_counts[w]))
    terms.sort(key=lambda t: (-t.z, t.term))
    return terms[:top]
