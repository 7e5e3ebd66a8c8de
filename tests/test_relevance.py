"""Alias matching, exclusions and the repost key; reposts and cross-posts stored once, with a count."""

from __future__ import annotations

import unicodedata
from datetime import date

import duckdb

from pipeline.config import BrandSpec, load_config
from pipeline.night import run_day
from pipeline.sources.relevance import AliasMatcher, repost_key
from pipeline.textfold import MARKS
from tests.helpers import csv_rows, write_config


def brand(**kw) -> BrandSpec:
    return BrandSpec.model_validate({"name": "Apple", "sources": [{"type": "hackernews", "name": "hn"}], **kw})


def test_aliases_match_whole_words_and_phrases_only():
    m = AliasMatcher(brand(name="Parcelo", aliases=["Parcelo", "@parcelo", "#parcelo", "parcelo app"]))
    assert m.matches("Parcelo lost my parcel")
    assert m.matches("so done with @Parcelo.")
    assert m.matches("#parcelo #fail")
    assert m.matches("the parcelo\napp crashed")  # inner whitespace of an alias matches any whitespace
    assert not m.matches("parcelos everywhere")  # no partial words
    assert not m.matches("myparcelo account")
    assert not m.matches("email me at x@parcelo")  # part of an address, not a mention
    assert not m.matches(None, "")
    nova = AliasMatcher(brand(name="Nova Bank", aliases=["Nova Bank"]))
    assert not nova.matches("Moving to Nova", "Bank fees are crazy")  # a title and a body: no phrase across them
    assert nova.matches("Moving", "to Nova\nBank") and nova.matches("Nova Bank", None)
    assert m.query_terms() == ["Parcelo", "parcelo app"]  # prefixes dropped, case-insensitive duplicates too


def test_a_brand_without_aliases_is_matched_by_its_name_alone():
    nova = AliasMatcher(brand(name="Nova Bank"))
    assert nova.matches("the nova bank app is down") and not nova.matches("the weather is nice")
    assert nova.query_terms() == ["Nova Bank"]


def test_exclusion_terms_and_case_rules():
    m = AliasMatcher(brand(aliases=["Apple"], exclude=["apple pie", "apple juice"]))
    assert not m.matches("grandma's apple pie is the best")
    assert m.matches("apple pie at the Apple store")  # the alias also occurs outside the excluded phrase
    assert m.matches("my APPLE watch")  # case-insensitive by default
    strict = AliasMatcher(brand(aliases=["Apple"], exclude=["apple pie"], case_sensitive=True))
    assert strict.matches("my Apple watch") and not strict.matches("an apple a day")
    assert strict.matches("Apple pie recipe")  # case-sensitive exclusion 'apple pie' does not hide 'Apple pie'
    assert m.matches("Apple", "pie for dessert")  # an exclusion does not run from a title into its body either


def test_the_longest_exclusion_is_hidden_first_so_a_phrase_that_extends_a_shorter_one_hides_whole():
    """Exclusions "bossa" and "bossa nova": in "bossa nova playlist" the whole phrase is hidden, not "bossa" alone,
    which would leave "nova" to match the alias."""
    nova = AliasMatcher(brand(name="Nova", aliases=["Nova"], exclude=["bossa", "bossa nova"]))
    assert not nova.matches("my bossa nova playlist") and nova.matches("bossa on my Nova phone")


def test_an_exclusion_hides_every_alias_inside_one_of_its_occurrences_overlapping_ones_too():
    """An exclusion was cut out of the text: in "zoef zoef zoef" (the sound, excluded as "zoef zoef") the third
    "zoef" was left to match, and cutting "apple pie" out of "nova apple pie bank" joined "nova" to "bank"."""
    zoef = AliasMatcher(brand(name="Zoefiets", aliases=["Zoefiets", "Zoef"], exclude=["zoef zoef"]))
    assert not zoef.matches("en toen ging het zoef zoef zoef")
    assert zoef.matches("zoef zoef, en mijn Zoef is weer kapot")  # the alias also occurs outside the exclusion
    nova = AliasMatcher(brand(name="Nova Bank", aliases=["Nova Bank"], exclude=["apple pie"]))
    assert not nova.matches("nova apple pie bank") and nova.matches("apple pie at Nova Bank")


def test_a_shorter_alias_clear_of_an_exclusion_matches_where_a_longer_one_at_the_same_place_is_not():
    """Aliases "Nova" and "Nova Bank", exclusion "bank holiday": in "Nova bank holiday hours" the alias "Nova"
    occurs clear of the exclusion, though "Nova Bank" overlaps it (only the longest alias at each place was tried)."""
    nova = AliasMatcher(brand(name="Nova Bank", aliases=["Nova Bank", "Nova"], exclude=["bank holiday"]))
    assert nova.matches("Nova bank holiday hours?")
    assert not nova.matches("a bank holiday again")


def test_thousands_of_aliases_and_exclusions_compile_to_one_pair_of_boundaries():
    # each term once held the class of every combining mark twice: 2,000 aliases and 2,000 exclusions took 7 s to
    # compile and 0.1 s a text (1,000 s for a night of 10,000 mentions); the boundaries now sit around the whole
    aliases = [f"brand{i} app" for i in range(2000)] + ["C++ (beta)", "a.b*c?", "🚀 rocket", "שלום עולם", "x" * 1000]
    m = AliasMatcher(brand(name="Parcelo", aliases=aliases, exclude=[f"pie{i} crust" for i in range(2000)]))
    assert m._alias.pattern.count(MARKS) == m._exclude.pattern.count(MARKS) == 2
    assert m.matches("the brand1999 app is down") and m.matches("c++ (beta) crashed") and m.matches("a.b*c? again")
    assert m.matches("שלום עולם!") and m.matches("go 🚀 rocket") and m.matches("x" * 1000 + ".")
    assert not m.matches("brand1999 apps") and not m.matches("abbbc") and not m.matches("x" * 1001)
    assert not AliasMatcher(brand(aliases=["brand7 app"], exclude=["brand7 app pie"])).matches("brand7 app pie")


def nfd(text: str) -> str:
    """``text`` decomposed (a letter and its combining marks), as macOS and some keyboards write it."""
    return unicodedata.normalize("NFD", text)


def test_aliases_and_exclusions_match_in_any_unicode_form():
    zabka = AliasMatcher(brand(name="Żabka", aliases=["Żabka"], exclude=["Żabka Nano"]))
    assert zabka.matches(nfd("Kupiłem to w Żabce, nie, w Żabka przy dworcu"))  # NFD text, NFC alias
    assert not zabka.matches(nfd("Otwarto nową Żabka Nano"))  # the NFD text's exclusion is still excluded
    assert AliasMatcher(brand(aliases=[nfd("Żabka")])).matches("ŻABKA znowu zamknięta")  # NFD alias, NFC text
    orlen = AliasMatcher(brand(aliases=["Orlen"], exclude=["Orlen Superliga ręczna"]))
    assert not orlen.matches(nfd("Orlen Superliga ręczna: wyniki"))  # the exclusion's ę decomposed in the text
    assert orlen.matches(nfd("Orlen Superliga ręczna, a potem tankowanie na Orlen"))
    rijks = AliasMatcher(brand(aliases=["Rijksmuseum"]))
    assert rijks.matches("Bezoek het R\u0133ksmuseum")  # the Dutch ligature ĳ is i + j
    assert rijks.matches("RĲKSMUSEUM open")  # and its capital Ĳ
    assert not AliasMatcher(brand(aliases=["Rijksmuseum"], exclude=["Rijksmuseum ijsbaan"])).matches(
        "de R\u0133ksmuseum \u0133sbaan"
    )
    assert AliasMatcher(brand(aliases=["Parcelo"])).matches("ＰＡＲＣＥＬＯ 最高")  # fullwidth letters
    assert AliasMatcher(brand(aliases=["Straße"])).matches("STRASSE")  # full case folding: ß is ss
    assert not AliasMatcher(brand(aliases=["Cafe"])).matches(nfd("Café Noir"))  # é is not e, composed or not
    assert not AliasMatcher(brand(aliases=["Parcelo"])).matches("Parcelo\u0331 app")  # a mark NFKC keeps apart
    strict = AliasMatcher(brand(aliases=["Żabka"], case_sensitive=True))
    assert strict.matches(nfd("w Żabka")) and not strict.matches(nfd("w żabka"))  # the form, not the case
    assert AliasMatcher(brand(aliases=["Żabka", nfd("ŻABKA"), "Straße"])).query_terms() == ["Żabka", "Straße"]


def test_aliases_match_through_invisible_characters_and_stop_at_any_scripts_marks():
    """Relevance folded texts without removing soft hyphens and zero-width characters, which the alert terms
    removed ("Par\u00adcelo" was "parcelo" among the terms and no mention of Parcelo), and its combining marks
    were a few Latin blocks, so a Devanagari vowel sign ended a word. Both now use pipeline.textfold."""
    m = AliasMatcher(brand(name="Parcelo", aliases=["Parcelo"], exclude=["Parcelo Points"]))
    assert m.matches("Par\u00adcelo lost my parcel")  # a soft hyphen
    assert m.matches("Par\u200bcelo lost it") and m.matches("\ufeffParcelo\u2060 lost it")  # zero-width, BOM
    assert m.matches("Par\u034fcelo lost it")  # the combining grapheme joiner, which the scorer removes too
    assert not m.matches("my Parcelo\u200c Points balance")  # an exclusion with a zero-width non-joiner
    assert AliasMatcher(brand(aliases=["McDonald's"])).matches("McDonald’s fries were cold")  # a curly apostrophe
    hindi = AliasMatcher(brand(aliases=["पार्सल"]))  # "parcel"
    assert hindi.matches("मेरा पार्सल कहाँ है") and not hindi.matches("मेरे पार्सलों का क्या हुआ")  # not "parcels"


def test_aliases_match_in_scripts_written_without_spaces():
    """Han, Kana, Hangul and Thai letters are word characters, so an alias written next to one (as those scripts
    write every word) was never matched: Reddit's search found the post and the filter dropped it."""
    m = AliasMatcher(brand(name="Parcelo", aliases=["Parcelo"], exclude=["Parcelo Points"]))
    assert m.matches("我很喜欢Parcelo的服务") and m.matches("Parceloの配達が早い")
    assert m.matches("ส่งของกับParceloเร็วมาก") and m.matches("Parcelo는 빨라요")
    assert not m.matches("我的Parcelo Points没了") and not m.matches("parcelos的")  # exclusions, Latin words stay
    assert AliasMatcher(brand(aliases=["小米"], exclude=["小米粥"])).matches("我买了小米手机")
    assert not AliasMatcher(brand(aliases=["小米"], exclude=["小米粥"])).matches("今天喝小米粥")
    assert AliasMatcher(brand(aliases=["ソニー"])).matches("ソニーのテレビ")
    assert AliasMatcher(brand(aliases=["삼성"])).matches("삼성은 좋다")


def test_repost_key_ignores_case_whitespace_urls_and_edge_punctuation():
    text = "Parcelo lost my parcel for the third time this month, absolutely done with them"
    assert repost_key(text) == repost_key(f"  {text.upper()}!!! https://t.co/abc ")
    assert repost_key(text) == repost_key(text.replace(" ", "\n  "))
    assert repost_key(text) != repost_key(text + " and their support")
    assert repost_key("love it!") is None  # short texts are said independently by many people
    # REPOST_MIN_CHARS (40) counts the normalised text: the URL, edge punctuation and outer whitespace are not in it
    edge = "Parcelo lost my parcel, absolutely done"  # 39 characters
    assert len(edge) == 39 and len(edge + "!") == 40
    assert repost_key(f"  {edge}!!! https://t.co/abc ") is None
    key = repost_key(edge + "X")  # exactly 40
    assert key is not None and repost_key(f"  {edge}x!!! https://t.co/abc ") == key


def test_repost_key_drops_plain_http_links_and_dashes_at_the_edges():
    text = "Parcelo lost my parcel for the third time this month, absolutely done with them"
    assert repost_key(f"{text} http://parcelo.example/help") == repost_key(text)  # not https only
    assert repost_key(f"— {text} –") == repost_key(f"- {text} -") == repost_key(text)  # dashes of any length


def test_repost_key_does_not_count_the_handles_a_reply_starts_with_as_what_it_says():
    """Fifty customers answering the brand's outage post: each reply's text starts with the thread's handles, which
    made "where is my parcel?" 40 characters, and the day one mention and 49 reposts (the spike hidden)."""
    assert repost_key("@ParceloHelp @Parcelo_UK where is my parcel?") is None
    assert repost_key("@ParceloCustomerCare where is my parcel??? @ParceloHelp") is None
    text = "@ParceloHelp lost my parcel for the third time this month, absolutely done"  # long enough without
    assert repost_key(text) == repost_key(text.upper() + "!") is not None
    assert repost_key(text) != repost_key(text.replace("@ParceloHelp", "@Parcelo_UK"))  # the hash keeps them


def test_repost_key_keeps_its_formula_for_the_keys_already_stored():
    """The stored text_key of a mention is matched against the keys of later reposts: the key keeps NFKC and
    case folding, not the comparison form of pipeline.textfold (which removes zero-width characters and unifies
    apostrophes), or stored texts with them would stop matching their reposts. Keys from before that change."""
    text = "Parcelo’s driver lost my parcel again 👩\u200d💻 so done with them"
    assert repost_key(text) == "b4a0fccd5b9ce37effc19530db96b0f0"
    assert repost_key("Par\u00adcelo lost my parcel for the third time this month, absolutely done") == (
        "9e6e7909fae7084e281bf6182ef0f539"
    )


LONG = "Parcelo lost my parcel for the third time this month, absolutely done with them"


def test_reposts_and_cross_posts_are_stored_once_with_a_count(tmp_path, scorer):
    (tmp_path / "a.csv").write_text(
        csv_rows(
            [
                ("p1", "2026-10-01T08:00:00Z", LONG, 5),
                ("p2", "2026-10-01T09:00:00Z", LONG.upper() + "!!", 1),  # a repost, same source
                ("p3", "2026-10-01T10:00:00Z", "love it", 1),
                ("p4", "2026-10-01T11:00:00Z", "love it", 1),  # short: two people, not a repost
            ]
        )
    )
    (tmp_path / "b.csv").write_text(
        csv_rows(
            [
                ("x1", "2026-10-01T12:00:00Z", LONG + " https://t.co/x", 3),
                ("x2", "2026-10-02T12:00:00Z", LONG, 3),  # a repost on a later night
            ]
        )
    )
    config = write_config(tmp_path, [{"name": "Parcelo", "files": {"listening": "a.csv", "forum": "b.csv"}}])
    db = tmp_path / "w.duckdb"
    cfg = load_config(config)
    first = run_day(cfg, db, date(2026, 10, 1), scorer=scorer)
    assert first["status"] == "success" and first["new_mentions"] == 3
    assert first["already_present"] == 0  # p2 and x1 are new reposts, not mentions already in the warehouse
    with duckdb.connect(str(db), read_only=True) as con:
        detail = con.execute(
            "SELECT detail FROM run_steps WHERE step = 'load' AND run_id = ?", [first["run_id"]]
        ).fetchall()
    assert detail == [("0 already in the warehouse; 2 new reposts stored once",)]  # the reposts are not "seen"

    def state():
        with duckdb.connect(str(db), read_only=True) as con:
            return (
                con.execute("SELECT native_id, repost_count FROM v_mentions_scored ORDER BY native_id").fetchall(),
                con.execute("SELECT source, native_id FROM reposts ORDER BY ALL").fetchall(),
                con.execute("SELECT volume FROM daily_brand_metrics WHERE source = '_all'").fetchall(),
            )

    mentions, reposts, volume = state()
    assert mentions == [("p1", 2), ("p3", 0), ("p4", 0)]  # the earliest copy holds the text
    assert reposts == [("forum", "x1"), ("listening", "p2")]  # a cross-post from another source, and a repost
    assert volume == [(3,)]  # counted once
    again = run_day(cfg, db, date(2026, 10, 1), scorer=scorer)  # a re-run changes nothing
    assert again["new_mentions"] == 0 and state() == (mentions, reposts, volume)
    later = run_day(cfg, db, date(2026, 10, 2), scorer=scorer)
    # the look-back day read again: its five rows are already in the warehouse; x2 is its one new repost
    assert (later["new_mentions"], later["already_present"]) == (0, 5)
    mentions, reposts, _ = state()
    assert mentions[0] == ("p1", 3) and ("forum", "x2") in reposts


def test_a_repost_read_again_with_its_text_edited_stays_a_repost(tmp_path, scorer):
    """The next night's look-back re-reads the day with a repost edited (or shortened to no text key): it stays a
    repost of the mention it was stored with, as an edited mention keeps its row. It was inserted into mentions
    too, and the day counted it twice."""
    rows = [("p1", "2026-10-01T08:00:00Z", LONG, 5), ("p2", "2026-10-01T09:00:00Z", LONG, 1),
            ("p3", "2026-10-01T10:00:00Z", LONG, 1)]  # fmt: skip
    (tmp_path / "a.csv").write_text(csv_rows(rows))
    cfg = load_config(write_config(tmp_path, [{"name": "Parcelo", "files": {"listening": "a.csv"}}]))
    db = tmp_path / "w.duckdb"
    assert run_day(cfg, db, date(2026, 10, 1), scorer=scorer)["new_mentions"] == 1
    edited = [rows[0], (*rows[1][:2], LONG + " (edit: they refunded me)", 1), (*rows[2][:2], "ok", 1)]
    (tmp_path / "a.csv").write_text(csv_rows(edited))
    assert run_day(cfg, db, date(2026, 10, 2), scorer=scorer)["status"] == "success"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT native_id, repost_count FROM v_mentions_scored").fetchall() == [("p1", 2)]
        assert con.execute("SELECT native_id FROM reposts ORDER BY 1").fetchall() == [("p2",), ("p3",)]
        volume = "SELECT day, volume FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(volume).fetchall() == [(date(2026, 10, 1), 1)]


def test_a_stored_repost_is_never_taken_for_the_first_copy_of_a_new_text(tmp_path, scorer):
    """A stored repost re-read with its text edited keeps its place (a repost of its mention) and takes no part in
    finding the first copy of its new text: a new post with that text is the mention of it, not a repost of a
    repost (which no mention stands for, so the post was counted nowhere)."""
    edited = LONG + " (edit: they refunded me)"
    rows = [("p1", "2026-10-01T08:00:00Z", LONG, 5), ("p2", "2026-10-01T09:00:00Z", LONG, 1)]
    (tmp_path / "a.csv").write_text(csv_rows(rows))
    cfg = load_config(write_config(tmp_path, [{"name": "Parcelo", "files": {"listening": "a.csv"}}]))
    db = tmp_path / "w.duckdb"
    assert run_day(cfg, db, date(2026, 10, 1), scorer=scorer)["new_mentions"] == 1
    later = [rows[0], (*rows[1][:2], edited, 1), ("p9", "2026-10-02T10:00:00Z", edited, 2)]
    (tmp_path / "a.csv").write_text(csv_rows(later))
    assert run_day(cfg, db, date(2026, 10, 2), scorer=scorer)["new_mentions"] == 1  # p9
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT native_id, repost_count FROM v_mentions_scored ORDER BY 1").fetchall() == [
            ("p1", 1),
            ("p9", 0),
        ]
        reposts = (
            "SELECT r.native_id, m.native_id FROM reposts r JOIN mentions m ON m.mention_id = r.canonical_mention_id"
        )
        assert con.execute(reposts).fetchall() == [("p2", "p1")]
        volume = "SELECT day, volume FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(volume).fetchall() == [(date(2026, 10, 1), 1), (date(2026, 10, 2), 1)]
