"""The batch scorer and the `brandpulse score-texts` command, on the shipped model, offline."""

from __future__ import annotations

import csv
import html
import itertools
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sentiment import LABELS
from pipeline.sentiment.scorer import CPU_BATCH_TOKENS, Scorer, fingerprint, model_info, model_version, native_bf16
from tests.helpers import MODEL_DIR, REPO, SHARED, brandpulse, write_config

TEXTS = [
    "I absolutely love the new update, everything is so smooth!! 😍",
    "worst delivery ever. parcel lost, support ignores me 😡",
    "The store opens at 9am on Sundays.",
]


def test_model_loads_offline_and_is_versioned(scorer):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert len(scorer.sha256) == 64  # the weights' hash, kept with each score (model_sha256)
    assert scorer.version == "2.1.0+" + fingerprint(MODEL_DIR, scorer.sha256, model_info(MODEL_DIR))[:12]
    assert model_version(scorer.model_dir, scorer.max_length, scorer.precision) == scorer.version  # not loaded
    assert scorer.name


def _model_copy(tmp_path, own: str | None = None):
    """The shipped model as links in ``tmp_path/model``, but the file named ``own``: a copy of its own, for the
    test to change (writing through a link would change the shipped model). A ``model.int8.onnx`` built in the
    shipped folder (``onnx_export``, the scoring benchmark) is left out: a test writing one wrote through the link
    and broke the built file."""
    folder = tmp_path / "model"
    folder.mkdir()
    for f in MODEL_DIR.iterdir():
        if f.name == "model.int8.onnx":
            continue
        if f.name == own:
            shutil.copyfile(f, folder / f.name)
        else:
            (folder / f.name).symlink_to(f)
    return folder


def test_new_logit_offsets_or_tokenizer_with_the_same_weights_are_another_version(tmp_path):
    """Offsets chosen anew on val change labels without touching the weights: scores under them must not pass
    for the warehouse's scores of the earlier offsets. Aspect settings change drivers only, not the version."""
    folder = _model_copy(tmp_path)
    shipped = model_version(MODEL_DIR)
    assert model_version(folder) == shipped

    def edit(**changes):
        (folder / "brandpulse.json").unlink()
        info = json.loads((MODEL_DIR / "brandpulse.json").read_text()) | changes
        (folder / "brandpulse.json").write_text(json.dumps(info))
        return model_version(folder)

    assert edit(aspect_min_similarity=0.5) == shipped
    offsets = edit(logit_offsets=[-0.3, 0.0, 0.0])
    text = edit(text={"emoji_names": True})
    assert len({shipped, offsets, text}) == 3 and all(v.startswith("2.1.0+") for v in (offsets, text))
    edit()
    (folder / "tokenizer.json").unlink()
    (folder / "tokenizer.json").write_text((MODEL_DIR / "tokenizer.json").read_text() + "\n")
    assert model_version(folder) not in (shipped, offsets, text)


def test_labels_probabilities_and_score(scorer):
    results = scorer.score(TEXTS)
    assert [r.label for r in results] == ["positive", "negative", "neutral"]
    for r in results:
        assert abs(r.negative + r.neutral + r.positive - 1) < 1e-4
        assert r.score == pytest.approx(r.positive - r.negative, abs=1e-5)
        assert r.note is None


def test_special_texts_are_handled_explicitly(scorer):
    empty, blank, url, emoji_only, mention_only = scorer.score(["", "  \n\t ", "https://t.co/abc", "😡😡🤬", "@bob"])
    assert (empty.label, empty.note, empty.neutral) == ("neutral", "empty", 1.0)
    assert (blank.label, blank.note) == ("neutral", "empty")
    assert (url.label, url.note, url.score) == ("neutral", "no_text", 0.0)
    assert (mention_only.label, mention_only.note) == ("neutral", "no_text")
    assert emoji_only.note == "emoji_only" and emoji_only.label == "negative"  # emoji are read, by name
    # a lone surrogate is scored as U+FFFD, the same as the text with that character
    [lone, replaced] = scorer.score(["zła obsługa \ud83d paczka zgubiona", "zła obsługa \ufffd paczka zgubiona"])
    assert (lone.label, lone.negative, lone.positive) == (replaced.label, replaced.negative, replaced.positive)


def test_a_script_the_vocabulary_cannot_read_is_not_scored_but_a_mixed_text_is(scorer, tmp_path):
    """The shipped vocabulary keeps the Latin, Arabic and Devanagari scripts: Russian came out positive (0.51)
    and every Chinese or Thai text the same neutral, read as strings of unknown tokens. Such a text is neutral
    with the note `unreadable`; a Polish text with a Russian clause, and the served scripts, are scored."""
    texts = ["Доставка опоздала на три дня, ужасный сервис", "这个产品太糟糕了", "สวัสดีครับ", "Η παράδοση άργησε"]
    mixed = ["Paczka nie dotarła, ужасный сервис, nigdy więcej", "التوصيل متأخر جدا", "डिलीवरी बहुत देर से आई"]
    scores = scorer.score([*texts, *mixed])
    assert [(s.label, s.note, s.neutral) for s in scores[:4]] == [("neutral", "unreadable", 1.0)] * 4
    assert all(s.note is None and s.neutral < 1.0 for s in scores[4:]), scores[4:]
    assert scores[4].label == "negative"
    # a model whose brandpulse.json sets no limit reads every text (and is another version: the limit is hashed)
    folder = _model_copy(tmp_path, own="brandpulse.json")
    info = json.loads((folder / "brandpulse.json").read_text())
    del info["text"]["max_unknown_letters"]
    (folder / "brandpulse.json").write_text(json.dumps(info))
    unlimited = Scorer(folder)
    assert unlimited.version != scorer.version
    assert [s.note for s in unlimited.score(texts)] == [None] * 4


def test_handles_and_links_do_not_make_an_unreadable_script_readable(scorer):
    """Normalisation writes a handle as "@user" and a link as "http": those letters are not the post's. A Russian
    post with two handles and a link, or a Chinese one with one of each, was over half placeholder letters and
    was scored from its unknown tokens (0.40 and 0.17, no note)."""
    texts = ["@Paczkolot @pomoc Это ужасно https://t.co/abc", "@zoefiets 太糟糕了 http://x.cn"]
    assert [(s.label, s.note, s.score) for s in scorer.score(texts)] == [("neutral", "unreadable", 0.0)] * 2
    # a readable text among handles and links is still scored
    [mixed] = scorer.score(["@a @b Paczka nie dotarła, ужасно https://t.co/x"])
    assert mixed.note is None and mixed.label == "negative"


def test_long_text_uses_head_and_tail(scorer):
    long_review = (
        "I ordered on Monday. "
        + "Then I waited and checked the tracking page. " * 3000
        + "Terrible, never again, I want a refund!"
    )
    (r,) = scorer.score([long_review])
    assert r.note == "head_tail" and r.label == "negative"  # the verdict at the end is read
    # a text past 2 x CHAR_WINDOW characters loses its middle before it is tokenised: that says so too, even when
    # what is left fits the model (here padding of spaces, which normalising collapses)
    from pipeline.sentiment.scorer import CHAR_WINDOW

    (cut,) = scorer.score(["Great parcel service, " + " " * (2 * CHAR_WINDOW) + "every time."])
    assert cut.note == "head_tail"


def test_a_long_text_keeps_a_quarter_of_the_budget_from_its_head_and_three_quarters_from_its_tail(scorer):
    text = " ".join(f"word{i}" for i in range(400))
    ids = scorer.tokenizer(text, add_special_tokens=False)["input_ids"]
    budget = scorer.max_length - 2
    assert len(ids) > 2 * budget
    [kept], [cut], _ = scorer._ids([text])
    assert cut and len(kept) == scorer.max_length
    assert kept[0] == scorer.tokenizer.cls_token_id and kept[-1] == scorer.tokenizer.sep_token_id
    head, tail = budget // 4, budget - budget // 4  # 31 and 95 tokens for the default 128
    assert kept[1:-1] == ids[:head] + ids[-tail:]


def test_a_text_past_twice_the_char_window_is_cut_before_it_is_normalised_or_tokenised(scorer):
    """A 1 MB text costs no more than a 40 kB one: only the first and last CHAR_WINDOW characters are read."""
    from pipeline.sentiment.scorer import CHAR_WINDOW

    text = "start " + "middle " * 100_000 + "finish"
    norm, note = scorer._prepare(text)
    assert note is None and len(norm) <= 2 * CHAR_WINDOW + 3
    assert norm.startswith("start middle") and norm.endswith("middle finish")


@pytest.mark.parametrize(
    ("raw", "emoji_names", "seen"),
    [
        ("@Parcelo_PL gdzie jest moja paczka?", False, "@user gdzie jest moja paczka?"),
        ("write to ola@example.com or @a_b.", False, "write to ola@example.com or @user."),  # an address is no handle
        ("see https://t.co/AbC?x=1 and WWW.parcelo.pl/track now", False, "see http and http now"),
        ("Fish &amp; chips &lt;3 &#128512;", False, "Fish & chips <3 \U0001f600"),
        ("soooooo slooow!!!!!! 1000000 zzzz", False, "sooo slooow!!! 1000 zzz"),
        ("great 😂\n\n\t thanks ", False, "great 😂 thanks"),
        ("great😂thanks", True, "great face with tears of joy thanks"),
    ],
)
def test_the_model_reads_handles_links_entities_and_repeats_as_training_wrote_them(raw, emoji_names, seen):
    """textnorm.normalise is what the model saw in training (TweetEval's conventions) and what the scorer gives it:
    a handle (not an e-mail address) is @user, a link is http, HTML entities are characters, a run of four or more
    of one character is three, whitespace is one space; emoji stay (2.x) or are spelled out (the 1.x model)."""
    from pipeline.sentiment.textnorm import normalise

    assert normalise(raw, emoji_names=emoji_names) == seen


def test_invisible_characters_inside_words_do_not_change_the_score(scorer):
    """A zero-width space, soft hyphen or direction mark inside a word (web copy, an RTL post, a filter dodged) is
    nothing a reader sees, but the tokenizer read it as a space: "I lo\\u200bve th\\u200bis ph\\u200bone" was
    negative, "terrible service" so split neutral. Normalisation removes them; also the combining grapheme joiner
    ("ter\\u034frible serv\\u034fice" was positive) and the zero-width joiner between two letters ("I
    lo\\u200dve th\\u200dis ph\\u200done" was neutral), not the joiner of emoji sequences and conjuncts."""
    plain = ["I love this phone", "terrible service", "الخدمة سيئة love it", "I love this phone", "terrible service"]
    plain.append("paczka zaginęła, okropna")
    hidden = [
        "I lo\u200bve th\u00adis ph\u2060one",
        "terr\u200cible\u200f serv\ufeffice",
        "\u2067الخدمة سيئة\u2069 love it",
        "I lo\u200dve th\u200dis ph\u200done",
        "ter\u034frible serv\u034fice",
        "pac\u200dzka zagi\u200dnęła, okropna",
    ]
    for a, b in zip(scorer.score(plain), scorer.score(hidden), strict=True):
        assert (a.label, a.score) == (b.label, b.score)
    assert scorer.score(["\u200b\u200e"])[0].note == "empty"
    # the joiners of an emoji sequence and of a conjunct (after a virama) stay
    assert scorer._prepare("👨\u200d👩\u200d👧 क्\u200dष")[0] == "👨\u200d👩\u200d👧 क्\u200dष"


def test_a_nul_or_c1_control_character_does_not_change_the_score(scorer):
    """The tokenizer drops most C0 controls but reads NUL as an unknown token: a NUL at a text's end (a C string's, a
    JSON "\\u0000" from an API or score-texts) made "the parcel arrived today" positive and "I waited two days"
    neutral. Normalisation removes it, and the C1 bytes Windows-1252 has no character for, as it removes the other
    unseen characters."""
    plain = ["the parcel arrived today", "I waited two days", "got my card", "paczka dotarła dzisiaj"]
    hidden = ["the parcel arrived today\x00", "I waited two days\x00", "got\x00 my card", "paczka dotarła dzisiaj\x81"]
    for a, b in zip(scorer.score(plain), scorer.score(hidden), strict=True):
        assert (a.label, a.score) == (b.label, b.score)
    assert scorer.score(["\x00 \x9d"])[0].note == "empty"


def test_windows_1252_text_read_as_latin_1_scores_as_its_letters(scorer):
    """Windows-1252 text read as latin-1 (a CSV source's ``encoding: latin-1``, a mis-decoded tweet: two of the
    training set's) writes its apostrophes, quotes and dashes as C1 controls: removed, "je n\\x92aime pas" was
    "je naime pas" (-0.42, its letters -0.95) and "c\\x92est génial" +0.57. They are read as that code page's
    characters, as ``&#146;`` is."""
    texts = ["je n’aime pas", "c’est génial", "Bestellung kam nicht an – schlecht", "“best” service ever, not"]
    latin1 = [t.encode("cp1252").decode("latin-1") for t in texts]
    assert all(any("\x80" <= ch < "\xa0" for ch in t) for t in latin1)
    for a, b in zip(scorer.score(texts), scorer.score(latin1), strict=True):
        assert (a.label, a.score) == (b.label, b.score)


def test_a_decimal_character_reference_of_thousands_of_digits_is_one_replacement_character(scorer):
    """html.unescape reads a decimal reference with int(), which refuses over 4,300 digits: one mention holding
    "&#111...;" raised ValueError from the score step, every night, as it stayed unscored. Past U+10FFFF a reference
    is U+FFFD, as unescape writes a shorter one; leading zeros are no digits of the number."""
    from pipeline.sentiment.textnorm import normalise

    assert normalise("late &#" + "1" * 5_000 + "; again", emoji_names=False) == "late \ufffd again"
    assert normalise("&#" + "0" * 5_000 + "65;", emoji_names=False) == "A"
    short = "&#1114112; &#01114109; &#0000000065; &#000; &#128512"
    assert normalise(short, emoji_names=False) == html.unescape(short) == "\ufffd \U0010fffd A \ufffd \U0001f600"
    [score] = scorer.score(["parcel lost &#" + "9" * 4_301])
    assert score.label in LABELS


def test_the_scorer_reads_texts_as_the_shipped_models_training_did(scorer):
    """The 2.x model was trained on texts with their emoji kept (train.py: emoji_names=False); its brandpulse.json
    says so, and the scorer reads it: spelling them out would show the model words it never saw for them."""
    assert model_info(MODEL_DIR)["text"]["emoji_names"] is False and scorer.emoji_names is False
    assert scorer._prepare("@Parcelo_PL soooo late 😡 https://x.pl/a &amp; more")[0] == "@user sooo late 😡 http & more"


def test_logit_offsets_are_added_to_the_logits_before_the_softmax(scorer):
    import torch

    offsets = model_info(MODEL_DIR)["logit_offsets"]
    assert any(offsets)  # the shipped model has some: else this test could not tell
    ids, _, _ = scorer._ids([scorer._prepare(t)[0] for t in TEXTS])
    probs = scorer.probabilities(ids)
    with torch.inference_mode():
        for row, p in zip(ids, probs, strict=True):
            logits = scorer.model(input_ids=torch.tensor([row])).logits[0].float()
            assert p == pytest.approx((logits + torch.tensor(offsets)).softmax(-1).tolist(), abs=1e-5)
            assert p != pytest.approx(logits.softmax(-1).tolist(), abs=1e-5)


def test_batching_and_sorting_do_not_change_results(scorer):
    texts = TEXTS * 3 + ["short", "a much longer text about the coffee being cold and the staff being rude " * 3]
    one_by_one = Scorer(MODEL_DIR, batch_size=1).score(texts)
    batched = scorer.score(texts)
    assert [r.label for r in one_by_one] == [r.label for r in batched]
    assert all(abs(a.score - b.score) < 1e-4 for a, b in zip(one_by_one, batched, strict=True))


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(1, 130), max_size=300), batch_size=st.integers(1, 80))
def test_cpu_batches_hold_every_text_once_within_both_caps(scorer, lengths, batch_size):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    scorer.batch_size = batch_size
    try:
        batches = scorer._batches(order, lengths)
    finally:
        scorer.batch_size = 64
    assert [i for b in batches for i in b] == order  # every text once, in length order
    for b in batches:
        assert 1 <= len(b) <= batch_size
        assert len(b) == 1 or max(lengths[i] for i in b) * len(b) <= CPU_BATCH_TOKENS
    # a batch is cut only when the next text would break a cap (no needless small batches)
    for b, nxt in itertools.pairwise(batches):
        assert len(b) == batch_size or lengths[nxt[0]] * (len(b) + 1) > CPU_BATCH_TOKENS


def _score_cli(args, stdin):
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "score-texts", "--model", str(MODEL_DIR), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "BRANDPULSE_CONFIG": ""},
        timeout=300,
    )


def test_score_cli_contract(tmp_path):
    lines = [
        json.dumps({"id": 7, "text": TEXTS[0], "label": "kept?", "meta": {"a": [1, 2]}}),
        TEXTS[1],
        "{not json at all",
        json.dumps({"no_text_key": 1}),
        "",
        json.dumps({"text": TEXTS[2], "lang": "en"}),
    ]
    proc = _score_cli(["--chunk", "2", "--batch-size", "2"], "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["id"] == 7 and out[0]["meta"] == {"a": [1, 2]} and out[0]["label"] == "positive"
    assert out[1]["text"] == TEXTS[1] and out[1]["label"] == "negative"
    assert out[2]["text"] == "{not json at all"
    assert out[3]["text"] == json.dumps({"no_text_key": 1})  # a JSON object without "text" is a plain line
    assert out[4]["text"] == "" and out[4]["label"] == "neutral"
    assert out[5]["lang"] == "en" and out[5]["label"] == "neutral"
    for o in out:
        assert set(o) >= {"label", "negative", "neutral", "positive", "score"}
    assert "scored 6 lines" in proc.stderr and proc.stderr.count("{") == 0  # progress only, no data on stderr

    # a file, and "-" for stdin, give the same lines (in this process, through the same command line: the
    # process's own contract, exit status and streams, is the call above)
    from typer.testing import CliRunner

    from pipeline.cli import app

    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = ["score-texts", "--model", str(MODEL_DIR)]
    runner = CliRunner()
    from_file = runner.invoke(app, [*base, str(path)], env={"BRANDPULSE_CONFIG": ""})
    assert from_file.exit_code == 0 and _same_scores(from_file.stdout, proc.stdout), from_file.output
    dash = runner.invoke(app, [*base, "-"], input="\n".join(lines) + "\n", env={"BRANDPULSE_CONFIG": ""})
    assert dash.exit_code == 0 and _same_scores(dash.stdout, proc.stdout), dash.output


def test_score_texts_object_whose_text_is_not_a_string_is_neutral_with_a_note(scorer):
    """The README: an object whose "text" is not a string comes out neutral with a note. A list, an object or
    true was scored as its JSON ('["awful service, never again"]' negative 0.98), the value echoed unchanged."""
    import io

    from pipeline.sentiment.score_stream import score_stream

    values = [True, ["awful service, never again"], {"msg": "I love it"}, 5, None]
    out = io.StringIO()
    score_stream(scorer, [json.dumps({"id": i, "text": v}).encode() + b"\n" for i, v in enumerate(values)], out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["text"] for r in rows] == values
    assert all(r["label"] == "neutral" and r["neutral"] == 1.0 and r["note"] in ("empty", "no_text") for r in rows)


def test_score_texts_names_the_lines_it_could_not_read_as_objects(scorer):
    """A truncated JSON line, a trailing comma, a "txt" typo or bytes that are not UTF-8 were scored as text (the
    line's JSON syntax as words, its id lost from the output) with nothing said; a byte-order mark where two files
    were joined (cat a.jsonl b.jsonl) hid its line's object. Each is still scored, and stderr names its line."""
    import io

    from pipeline.sentiment.score_stream import score_stream

    lines = [
        b'{"id": 1, "text": "love it"}\n',
        b'{"id": 2, "text": "awful service",}\r\n',
        b'{"id": 3, "text": "te\n',
        b"\n",
        b'\xef\xbb\xbf{"id": 4, "text": "great"}\n',
        b'{"id": 5, "txt": "great"}\n',
        b"caf\xe9 ok\n",
    ]
    out, progress = io.StringIO(), io.StringIO()
    assert score_stream(scorer, lines, out, chunk=2, progress=progress, name="in.jsonl") == 7
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(rows) == 7 and rows[4]["id"] == 4 and rows[4]["text"] == "great"  # the joined file's BOM: dropped
    assert rows[6]["text"] == "caf\ufffd ok" and rows[3]["note"] == "empty"  # an empty line: scored, not odd
    plain = "scored as plain text"
    assert [x for x in progress.getvalue().splitlines() if x.startswith("in.jsonl")] == [
        f"in.jsonl: line 2: not JSON (Expecting property name enclosed in double quotes, column 35): {plain}",
        f"in.jsonl: line 3: not JSON (Unterminated string starting at, column 19): {plain}",
        f'in.jsonl: line 6: a JSON object with no "text" key: {plain}',
        "in.jsonl: line 7: bytes that are not UTF-8 (the first at byte 4) read as U+FFFD",
    ]


def test_score_texts_keeps_the_inputs_own_note_label_and_score(scorer):
    """A CRM export's own "note", "label" or "score" was overwritten by the scorer's ("called twice" became
    "empty"), or, where the scorer wrote no note, echoed as if it were the scorer's. They come out as input_*."""
    import io

    from pipeline.sentiment.score_stream import score_stream

    lines = [
        b'{"id": 1, "text": "love it", "note": "VIP", "label": "complaint", "score": 9}\n',
        b'{"id": 2, "text": "", "note": "called twice", "input_note": "x"}\n',
    ]
    out, progress = io.StringIO(), io.StringIO()
    score_stream(scorer, lines, out, progress=progress, name="in.jsonl")
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert (first["input_note"], first["input_label"], first["input_score"]) == ("VIP", "complaint", 9)
    assert "note" not in first and first["label"] in ("negative", "neutral", "positive") and first["score"] != 9
    assert (second["note"], second["input_input_note"], second["input_note"]) == ("empty", "called twice", "x")
    assert "line 1: the input's own label, score, note echoed as input_label, input_score, input_note" in (
        progress.getvalue()
    )


def test_score_texts_progress_into_a_log_is_a_line_a_count(monkeypatch):
    """stderr not a terminal (2> score.log, a scheduler's task): each count was written over the one before with
    "\r", all on one line that ended only with the input, so a log said nothing until the end, then that line."""
    import io
    import itertools

    from pipeline.sentiment import score_stream as module

    class Scored:
        def as_dict(self):
            return {"label": "neutral"}

    class Scorer:
        def score(self, texts):
            return [Scored() for _ in texts]

    clock = itertools.count(0, 3)  # 3 s a chunk: each says its count
    monkeypatch.setattr(module.time, "perf_counter", lambda: next(clock))
    progress = io.StringIO()
    assert module.score_stream(Scorer(), [b"a\n"] * 6, io.StringIO(), chunk=2, progress=progress) == 6
    assert "\r" not in progress.getvalue()
    assert [line.split(" (")[0] for line in progress.getvalue().splitlines()] == [
        f"scored {n} lines" for n in (2, 4, 6)
    ], progress.getvalue()


def _same_scores(a: str, b: str) -> bool:
    """The same lines, labels and keys; probabilities equal to 1e-4 (another batch size pads texts differently,
    which moves a float in its sixth decimal)."""
    rows_a, rows_b = [json.loads(x) for x in a.splitlines()], [json.loads(x) for x in b.splitlines()]
    if len(rows_a) != len(rows_b):
        return False
    for x, y in zip(rows_a, rows_b, strict=True):
        if x.keys() != y.keys() or x["label"] != y["label"]:
            return False
        for key, value in x.items():
            if isinstance(value, float) and abs(value - y[key]) > 1e-4:
                return False
            if not isinstance(value, float) and value != y[key]:
                return False
    return True


def test_score_cli_missing_file_or_model(tmp_path):
    proc = _score_cli(["/nonexistent/input.jsonl"], "")
    assert proc.returncode == 2 and "No such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = _score_cli(["--model", str(tmp_path)], "hello\n")
    assert proc.returncode == 2 and "no model here" in proc.stderr and "Traceback" not in proc.stderr
    cfg = write_config(tmp_path, scoring={"model_dir": str(tmp_path / "no-model")})
    proc = brandpulse("score-texts", "--config", str(cfg), input="hello\n")  # the configured folder: named
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{cfg}: scoring.model_dir: {tmp_path / 'no-model'}: no model here" in proc.stderr


# Floors a little under the shipped model's val figures (models/brandpulse-sentiment/metrics.json): a retrained
# or re-exported model that scores clearly worse on any of these fails here.
VAL_FLOORS = {  # val set: (source filter, macro-F1 floor); 2.1.0 in fp32: 79.9, 79.3, 71.3 (83 sentences), 75.6
    "tweeteval-en": (None, 77.0),
    "polemo2-medicine": ("polemo2-medicine", 77.0),
    "semeval16-absa-nl": ("semeval16-absa-nl", 67.0),
    "xlm-t/german": ("xlm-t/german", 72.0),
}


@pytest.fixture(scope="module")
def val_scorer():
    """The shipped weights in bf16 where the CPU computes it natively (99.9% of val labels as fp32, about 3x
    faster: the 4,324 val texts below take a third of the time), else in fp32."""
    return Scorer(MODEL_DIR, precision="bf16")


@pytest.mark.parametrize("name", sorted(VAL_FLOORS))
def test_shipped_model_quality_on_val(val_scorer, name):
    """Guards the shipped weights on English, Polish, Dutch and German val sets (each where its file is there)."""
    from sklearn.metrics import f1_score

    source, floor = VAL_FLOORS[name]
    path = SHARED / ("data/sentiment/val.tsv" if source is None else "data/sentiment-multilingual/val.tsv")
    if not path.exists():
        pytest.skip(f"{path} not present")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = [r for r in rows if source in (None, r.get("source"))]
    pred = [r.label for r in val_scorer.score([row["text"] for row in rows])]
    assert f1_score([row["label"] for row in rows], pred, average="macro") * 100 >= floor


def test_score_cli_bytes_bom_and_carriage_returns():
    data = b'\xef\xbb\xbf{"id": 1, "text": "love it"}\nbad \xff byte\r inside a line\n'
    # a lone surrogate (half an emoji's JSON escape) in the text and in an echoed key: the tokenizer refused it and
    # the whole chunk was lost (exit 1); the echo could not be written as UTF-8
    data += b'{"id": "\\udc00x", "text": "paczka \\ud83d zgubiona"}\n'
    # JSON that Python will not parse (nesting past its stack, a number of 5,000 digits) ended the whole run and lost
    # the lines before it; NaN and 1e999 were echoed as NaN and Infinity, which are not JSON
    data += b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b', "text": "deep"}\n' + b'{"text": "big", "n": ' + b"1" * 5000
    data += b'}\n{"text": "odd numbers", "x": NaN, "y": 1e999}\n' + ("no " * 20000).encode() + b"\n"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "score-texts", "--model", str(MODEL_DIR)],
        input=data,
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "BRANDPULSE_CONFIG": ""},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert len(out) == 7 and out[0]["id"] == 1  # the BOM did not hide the JSON object
    assert out[1]["text"] == "bad \ufffd byte\r inside a line"  # one line, the bad byte replaced
    assert (out[2]["id"], out[2]["text"]) == ("\ufffdx", "paczka \ufffd zgubiona") and out[2]["label"] in LABELS
    assert out[3]["text"].startswith('{"a": [[[') and out[4]["text"].startswith('{"text": "big"')  # scored as text
    assert (out[5]["x"], out[5]["y"]) == (None, None) and "note" not in out[5]
    assert out[6]["note"] == "head_tail"  # a text cut to the model's length says so


def test_score_texts_refuses_a_named_config_that_is_not_there(tmp_path):
    """A typo in --config (or BRANDPULSE_CONFIG) used to fall back to the shipped model and the defaults."""
    missing = tmp_path / "nope.yaml"
    done = _score_cli(["--config", str(missing)], "great\n")
    assert done.returncode == 2 and f"{missing}: config file not found" in done.stderr and not done.stdout


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="the machine has a GPU")
def test_scoring_device_cuda_without_a_gpu_is_a_config_error_naming_the_file(tmp_path):
    from pipeline.config import ConfigError, load_config
    from pipeline.sentiment.scorer import Scorer

    cfg = load_config(write_config(tmp_path, scoring={"device": "cuda"}))
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: scoring.device is cuda, but torch sees no GPU"):
        Scorer.from_config(cfg)
    done = _score_cli(["--config", str(cfg.source_file)], "great\n")
    assert done.returncode == 2 and "scoring.device is cuda, but torch sees no GPU" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a GPU (CI has none)")
def test_gpu_scores_carry_their_own_model_version():
    """fp16 on the GPU labels a few texts otherwise than fp32 on a CPU: its scores must not share a version."""
    from pipeline.sentiment.scorer import Scorer

    gpu, cpu = Scorer(MODEL_DIR, device="cuda"), Scorer(MODEL_DIR, device="cpu")
    assert gpu.version == cpu.version + ".fp16"


def test_the_shipped_models_word_embeddings_are_the_base_encoders_own_rows(scorer):
    """Aspect matching runs the untuned base encoder over the shipped model's vocabulary and word embeddings
    (pipeline.sentiment.e5_base.base_encoder): sound only while training leaves those rows frozen, so each
    kept piece's row is the base's row for the same piece (rounded to fp16)."""
    import numpy as np

    from pipeline.sentiment import e5_base

    full = [piece for piece, _ in json.loads(e5_base.tokenizer_path().read_text(encoding="utf-8"))["model"]["vocab"]]
    full_id = {piece: i for i, piece in enumerate(full)}
    shipped = json.loads((MODEL_DIR / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    _, base = e5_base.read_q4()
    rows = scorer.torch_model.get_input_embeddings().weight.detach().float().numpy()
    some = list(range(5, len(shipped), 97))  # past the special pieces, ~660 of the 64,000
    ours = rows[some]
    theirs = base["embeddings.word_embeddings.weight"][[full_id[shipped[i][0]] for i in some]]
    assert np.abs(ours - theirs).max() < 2e-3 * max(1.0, np.abs(theirs).max())


def test_aspects_of_complaints_in_polish_dutch_and_english(scorer):
    """The shipped model matches aspects with the base encoder (``aspect_encoder: base``): the default aspects'
    English descriptions find complaints in every language. The model's own fine-tuned layers cannot (the
    model card: 12.7% on the Dutch val sentences at its last layer)."""
    from pipeline.config import DEFAULT_ASPECTS
    from pipeline.sentiment.aspects import AspectMatcher

    assert (scorer.aspect_encoder, scorer.aspect_layer) == ("base", 12)
    matcher = AspectMatcher(scorer, {a.name: a.description for a in DEFAULT_ASPECTS}, scorer.aspect_min_similarity)
    cases = {
        "where is my package? ordered two weeks ago and still nothing": "delivery",
        "gdzie jest moja paczka? kurier nie przyjechał": "delivery",
        "aplikacja się zawiesza po aktualizacji": "app",
        "the app crashes every time I open it after the update": "app",
        "de klantenservice reageert niet": "support",
        "obciążyli mnie dwa razy za to samo zamówienie": "price/billing",
        "refund still not processed after a month": "refund",
        "someone logged into my account and changed the password": "account/security",
        "the shoes fell apart after one week, terrible quality": "quality",
    }
    assert dict(zip(cases, matcher.match(list(cases)), strict=True)) == cases
    # half an emoji (a lone surrogate) made the tokenizer raise; no text at all is matched as an empty one
    assert matcher.match(["gdzie jest moja paczka \ud83d", None]) == ["delivery", None]
    # a text without a word (links and @handles aside) has no aspect: its vector sat above the floor for every one
    wordless = ["", "   ", "\x00", "https://t.co/abc", "@bob", "😡😡😡", "@bob https://t.co/x 😡"]
    assert matcher.match(wordless) == [None] * len(wordless)
    assert matcher.match(["@parcelo where is my package? https://t.co/x"]) == ["delivery"]


def test_a_score_keeps_the_sha256_of_the_text_as_given_and_its_probabilities_to_six_decimals(scorer):
    """``text_sha256`` identifies the text the warehouse holds (spaces, emoji and all), not the model's view of it;
    the probabilities are the model's own, rounded to six decimals, and ``score`` is p(positive) - p(negative)."""
    import hashlib

    texts = ["  Great parcel service, thanks!  \n", "@bob the app crashes https://t.co/x 😡", ""]
    results = scorer.score(texts)
    for text, r in zip(texts, results, strict=True):
        assert r.text_sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    ids, _, _ = scorer._ids([scorer._prepare(t)[0] for t in texts[:2]])
    for r, p in zip(results[:2], scorer.probabilities(ids), strict=True):
        assert (r.negative, r.neutral, r.positive) == pytest.approx(p, abs=1e-6)
        assert r.score == pytest.approx(p[2] - p[0], abs=1e-6)


def test_only_digits_and_punctuation_is_no_text_and_only_entities_of_whitespace_is_empty(scorer):
    """Digits and punctuation alone ("10/10 !!!") are no words: neutral without the model. A text of HTML
    spaces (``&nbsp;``) is whitespace once its entities are read: empty, not "no_text"."""
    digits, spaces, worded = scorer.score(["12345 !!! 10/10 ...", "&nbsp; &nbsp;", "10/10 would order again"])
    assert (digits.label, digits.note, digits.neutral) == ("neutral", "no_text", 1.0)
    assert (spaces.label, spaces.note, spaces.neutral) == ("neutral", "empty", 1.0)
    assert worded.note is None and worded.neutral != 1.0


def test_a_text_of_exactly_the_token_budget_is_read_whole_and_not_noted_as_cut(scorer):
    budget = scorer.max_length - 2
    words = []
    while len(scorer.tokenizer(" ".join(words), add_special_tokens=False)["input_ids"]) < budget:
        words.append(f"w{len(words)}")
    text = " ".join(words)
    ids = scorer.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(ids) == budget  # each "wN" is at least one piece, the last one ends exactly on the budget
    [kept], [cut], _ = scorer._ids([text])
    assert not cut and kept == [scorer.tokenizer.cls_token_id, *ids, scorer.tokenizer.sep_token_id]
    assert scorer.score([text])[0].note is None
    [over], [cut], _ = scorer._ids([text + " w"])
    assert cut and len(over) == scorer.max_length


def test_a_text_of_twice_the_char_window_is_read_whole_and_a_longer_one_keeps_exactly_its_ends(scorer):
    """The cut starts past 2 x CHAR_WINDOW characters; then the first and the last CHAR_WINDOW characters are
    read, joined by " … " (the middle left out is marked, not glued into one word)."""
    from pipeline.sentiment.scorer import CHAR_WINDOW
    from pipeline.sentiment.textnorm import normalise

    words = " ".join(f"w{i}" for i in range(2 * CHAR_WINDOW) if not re.search(r"(.)\1{3}", str(i)))
    whole = words[: 2 * CHAR_WINDOW]
    assert normalise(whole, emoji_names=False) == whole  # nothing for normalising to change
    assert scorer._prepare(whole) == (whole, None)
    longer = words[: 2 * CHAR_WINDOW + 1]
    norm, _ = scorer._prepare(longer)
    assert norm == longer[:CHAR_WINDOW] + " … " + longer[-CHAR_WINDOW:]


def test_another_token_length_or_precision_is_another_version():
    """A scorer reading more or fewer tokens, or running the weights in bf16, scores texts otherwise: its version
    says so, after the fingerprint; the defaults (128 tokens, fp32) add nothing."""
    shipped = model_version(MODEL_DIR)
    assert model_version(MODEL_DIR, 256) == shipped + ".len256"
    assert model_version(MODEL_DIR, 128, "bf16") == shipped + ".bf16"
    assert model_version(MODEL_DIR, 64, "bf16") == shipped + ".len64.bf16"


def test_an_incomplete_model_folder_is_refused_naming_the_missing_file(tmp_path):
    """A copy of the model folder without its tokenizer.json loaded a tokenizer of five tokens: every text was
    "unreadable" and stored neutral, no error. Without its weights, a traceback from transformers."""
    from pipeline.config import ConfigError, load_config

    folder = _model_copy(tmp_path)
    (folder / "tokenizer.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"incomplete model \(tokenizer.json missing\)"):
        Scorer(folder)
    (folder / "tokenizer.json").symlink_to(MODEL_DIR / "tokenizer.json")
    (folder / "model.safetensors").unlink()
    cfg = load_config(write_config(tmp_path, scoring={"model_dir": str(folder)}))
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: scoring.model_dir: .*\(model.safetensors missing\)"):
        Scorer.from_config(cfg)


def test_a_damaged_weights_file_is_refused_naming_it(tmp_path):
    """A truncated copy of model.safetensors (a copy to a worker cut short) ended the night, rescore and score-texts
    in safetensors' traceback, "Error while deserializing header: header too large", naming no file."""
    from pipeline.config import ConfigError, load_config

    folder = _model_copy(tmp_path)
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors").write_bytes((MODEL_DIR / "model.safetensors").read_bytes()[:100_000])
    cfg = load_config(write_config(tmp_path, scoring={"model_dir": str(folder)}))
    weights = re.escape(str(folder / "model.safetensors"))
    with pytest.raises(ConfigError, match=rf"brandpulse.yaml: scoring.model_dir: {weights}: damaged weights"):
        Scorer.from_config(cfg)
    done = brandpulse("score-texts", "--config", str(cfg.source_file), input="great\n")
    assert done.returncode == 2 and "Traceback" not in done.stderr and not done.stdout
    assert f"scoring.model_dir: {folder / 'model.safetensors'}: damaged weights" in done.stderr


def test_an_unknown_device_or_precision_is_refused():
    from pipeline.sentiment.scorer import resolve_device

    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="device must be auto, cpu or cuda, not 'gpu'"):
        resolve_device("gpu")
    with pytest.raises(ValueError, match="precision must be fp32, bf16 or int8, not 'fp16'"):
        Scorer(MODEL_DIR, precision="fp16")


def test_int8_scoring_without_its_onnx_file_is_a_config_error_naming_the_precision(tmp_path):
    from pipeline.config import ConfigError, load_config

    folder = _model_copy(tmp_path)  # the shipped files, without an int8 model built beside them
    cfg = load_config(write_config(tmp_path, scoring={"model_dir": str(folder), "precision": "int8"}))
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: scoring.precision: .*model.int8.onnx: no int8 model"):
        Scorer.from_config(cfg)


def test_a_model_without_text_settings_spells_emoji_out_and_its_version_is_the_settings_it_loaded(tmp_path):
    """A brandpulse.json without ``text`` is a 1.x model's, trained on emoji spelled out. A scorer's version is
    of the settings it loaded: an edit of brandpulse.json after it loaded changes the next scorer's version only."""
    folder = _model_copy(tmp_path, own="brandpulse.json")
    info = json.loads((MODEL_DIR / "brandpulse.json").read_text())
    (folder / "brandpulse.json").write_text(json.dumps({k: v for k, v in info.items() if k != "text"}))
    as_loaded = model_version(folder)
    assert as_loaded != model_version(MODEL_DIR)
    loaded = Scorer(folder)
    assert loaded.emoji_names is True and loaded._prepare("great 😂")[0] == "great face with tears of joy"
    (folder / "brandpulse.json").write_text(json.dumps(info | {"logit_offsets": [0.0, 0.0, 0.5]}))
    assert loaded.version == as_loaded != model_version(folder)  # asked after the edit: what it scores with


@pytest.mark.skipif(not native_bf16(__import__("torch")), reason="this CPU has no native bfloat16")
def test_bf16_runs_the_weights_and_the_aspect_encoder_in_bfloat16_under_its_own_version(caplog):
    import torch

    from pipeline.sentiment.aspects import base_encoder

    bf16 = Scorer(MODEL_DIR, precision="bf16")
    assert bf16.precision == "bf16" and bf16.model.dtype == torch.bfloat16
    assert bf16.version == model_version(MODEL_DIR, precision="bf16")
    assert next(base_encoder(bf16).parameters()).dtype == torch.bfloat16
    assert "no native bfloat16" not in caplog.text


def test_bf16_on_a_cpu_without_native_bfloat16_scores_in_fp32_and_says_so(monkeypatch, caplog):
    """Emulated bfloat16 is slower than fp32: such a CPU scores in fp32, under fp32's version, with a warning."""
    import torch

    monkeypatch.setattr("pipeline.sentiment.scorer.native_bf16", lambda torch: False)  # the CPU probe only
    fallback = Scorer(MODEL_DIR, precision="bf16")
    assert fallback.precision == "fp32" and fallback.model.dtype == torch.float32
    assert fallback.version == model_version(MODEL_DIR)
    assert "precision bf16: this CPU has no native bfloat16" in caplog.text


def test_embeddings_are_unit_means_over_real_tokens_and_the_same_in_any_batch(scorer):
    """A text's vector is the mean of its tokens' hidden states (padding excluded), of length one, after the
    ``query: `` prefix the e5 encoders were trained with; a batch-mate of another length does not move it."""
    import numpy as np

    texts = ["late", "the courier left my parcel in the rain and support never answered my three e-mails"]
    together = np.array(scorer.embed(texts))
    alone = np.array([scorer.embed([t])[0] for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(scorer.embed(texts[:1], prefix="query: "), together[:1], atol=1e-6)
    assert not np.allclose(scorer.embed(texts[:1], prefix=""), together[:1], atol=1e-3)


def test_embeddings_read_no_more_tokens_than_the_scorer_or_the_cap_asked_for(scorer):
    """``max_length`` lowers the scorer's cap, never raises it: two texts alike in their first tokens embed alike."""
    import numpy as np

    head = " ".join(f"w{i}" for i in range(30))
    assert 64 < len(scorer.tokenizer("query: " + head)["input_ids"]) < 128
    a, b = head + " cats" * 100, head + " dogs" * 100
    scorer.max_length = 64
    try:
        va, vb = scorer.embed([a, b], max_length=128)
    finally:
        scorer.max_length = 128
    assert np.allclose(va, vb, atol=1e-6)
    va, vb = scorer.embed([a, b], max_length=128)
    assert not np.allclose(va, vb, atol=1e-3)


def test_the_version_hashes_the_tokenizer_config_and_for_int8_the_onnx_weights(tmp_path):
    """model_version reads no model: the weights it hashes are the ones the precision runs (``model.int8.onnx``
    for int8), and each of the tokenizer's two files counts."""
    folder = _model_copy(tmp_path, own="tokenizer_config.json")
    (folder / "model.int8.onnx").write_bytes(b"int8 weights, v1")
    shipped, int8 = model_version(folder), model_version(folder, precision="int8")
    assert shipped == model_version(MODEL_DIR) and int8.endswith(".int8")
    assert int8.removesuffix(".int8") != shipped  # another weights file, another fingerprint
    (folder / "model.int8.onnx").write_bytes(b"int8 weights, v2")
    assert model_version(folder) == shipped and model_version(folder, precision="int8") != int8
    (folder / "tokenizer_config.json").write_text((MODEL_DIR / "tokenizer_config.json").read_text() + "\n")
    assert model_version(folder) != shipped


def test_a_model_whose_labels_are_in_another_order_is_refused(tmp_path):
    """Probabilities are read as (negative, neutral, positive): weights whose head orders its labels otherwise
    would score every complaint as praise."""
    folder = _model_copy(tmp_path, own="config.json")
    config = json.loads((MODEL_DIR / "config.json").read_text())
    config["id2label"] = {"0": "positive", "1": "neutral", "2": "negative"}
    config["label2id"] = {"positive": 0, "neutral": 1, "negative": 2}
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"model labels \['positive', 'neutral', 'negative'\] are not"):
        Scorer(folder)
    with pytest.raises(ValueError, match=r"model labels \['positive', 'neutral', 'negative'\] are not"):
        Scorer(folder)


def test_a_text_of_thousands_of_joined_emoji_reaches_the_emoji_library_without_their_joiners(scorer, monkeypatch):
    """The emoji library searches a list of the joiners (U+200D) of the emoji sequences it does not know at every
    character: 100,000 joined emoji in one mention cost it 20-70 s (a night of such posts, hours). Past 64 joiners
    after an emoji they are left out before it reads the text (the emoji kept); a family or a rainbow flag in an
    ordinary text keeps its joiners, and a joiner of Hindi's conjuncts (after a virama) is never touched."""
    import emoji

    from pipeline.sentiment import textnorm

    family, flag = "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈"
    assert textnorm.short_joins(f"we {family} love it {flag}") == f"we {family} love it {flag}"
    hindi = "क्\u200dष " * 100
    assert textnorm.short_joins(hindi + "👩\u200d" * 100) == hindi + "👩" * 100
    assert textnorm.short_joins(family * 22) == "👨👩👧👦" * 22  # 66 joiners
    read = []
    for name in ("emoji_count", "replace_emoji"):
        real = getattr(emoji, name)
        monkeypatch.setattr(emoji, name, lambda text, *a, _real=real, **k: read.append(text) or _real(text, *a, **k))
    norm, note = scorer._prepare("ok " + "👩\u200d" * 100_000)
    assert read and all("\u200d" not in text for text in read)
    assert note is None and "\u200d" not in norm and norm.startswith("ok 👩👩")


def test_an_emoji_that_unicode_calls_a_letter_is_still_emoji_only(scorer):
    """ℹ️ (information source) is a lowercase letter to Unicode: a text of it alone has no words, only an emoji."""
    assert "ℹ".isalpha()
    (info,) = scorer.score(["ℹ️ ℹ️"])
    assert info.note == "emoji_only"
    assert info.note == "emoji_only"


def test_emoji_alone_that_the_vocabulary_lacks_are_unreadable_not_one_and_the_same_neutral(scorer):
    """The vocabulary has no 🤬, 🤮, 💩 or 🖕: a text of them alone was read as one unknown token, and every such
    text came out the same neutral (+0.067), counted among the scored. It is unreadable, as an unknown script is;
    emoji it reads, and a text with words beside an unknown emoji, are still scored."""
    unknown = ["🤬", "🤮🤮🤮", "💩", "🖕 🤢"]
    scores = scorer.score([*unknown, "😡😡🤬", "terrible 🤬"])
    assert [(s.label, s.note, s.neutral) for s in scores[:4]] == [("neutral", "unreadable", 1.0)] * 4
    assert [(s.label, s.note) for s in scores[4:]] == [("negative", "emoji_only"), ("negative", None)]


def test_an_emoji_written_as_an_html_entity_is_scored_as_the_emoji(scorer):
    """Normalisation unescapes entities, so the model reads "&#128545;" as 😡; the check for words read the text
    before that, found none and no emoji, and stored it neutral with the note no_text, unread."""
    entity, hex_entity, literal = scorer.score(["&#128545;", "&#x1F621;", "😡"])
    assert (entity.label, entity.note, entity.score) == (literal.label, literal.note, literal.score)
    assert (hex_entity.label, hex_entity.note) == ("negative", "emoji_only")


def test_the_model_on_a_cpu_sees_batches_of_similar_lengths_within_the_token_budget(scorer):
    """What the model is given: texts sorted by length, each batch padded to its own longest and holding at most
    CPU_BATCH_TOKENS padded tokens, so one long review does not widen sixty tweets."""
    texts = ["ok"] * 60 + ["the courier left my parcel in the rain and nobody from support ever called back " * 4]
    ids, _, _ = scorer._ids([scorer._prepare(t)[0] for t in texts])
    shapes = []
    hook = scorer.model.register_forward_pre_hook(
        lambda module, args, kwargs: shapes.append(tuple(kwargs["input_ids"].shape)), with_kwargs=True
    )
    try:
        scorer.probabilities(ids)
    finally:
        hook.remove()
    assert sum(rows for rows, _ in shapes) == len(texts)
    assert all(rows * width <= CPU_BATCH_TOKENS for rows, width in shapes)
    assert shapes[-1] == (1, max(len(i) for i in ids))  # the long one alone, last
