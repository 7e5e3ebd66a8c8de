"""Batch sentiment scorer for the shipped model (``models/brandpulse-sentiment``).

Fast on a CPU because it:

- normalises each text once (the same :func:`~pipeline.sentiment.textnorm.normalise` as training);
- tokenises a whole batch at once, sorts texts by token length and pads each batch only to its own longest
  text (dynamic padding), so short tweets never pay for a long review; on a CPU a batch also holds at most
  :data:`CPU_BATCH_TOKENS` padded tokens, so a night's 60 texts of 7 to 90 tokens run as a few batches of
  similar length rather than one padded to 90 (1.2-1.4x faster; a CPU gains nothing from wider batches);
- runs under ``torch.inference_mode()`` with a configurable number of threads and batch size;
- optionally (``precision: int8``) runs ``model.int8.onnx``, the same model with int8 weights, in ONNX Runtime
  (see ``pipeline/sentiment/onnx_export.py`` and the model card for its speed and label agreement);
- optionally (``precision: bf16``) runs the weights in bfloat16 on a CPU that computes it natively
  (AVX512-BF16 or AMX; elsewhere it falls back to fp32 and logs it): about 2.2x faster than fp32 on an AMX CPU
  (``benchmarks/scoring.py``), 99.8% of labels agree; its scores carry the version suffix ``.bf16``;
- on a GPU (``device: cuda``, or ``auto`` where torch sees one) runs the weights in fp16 with large batches,
  building the next batch while the GPU works on the current one.

The model directory's ``brandpulse.json`` carries what belongs to the weights: name and version, per-class
``logit_offsets`` chosen on val when the model was trained (added to the logits before the softmax, so labels
and probabilities agree), and the text settings (``text.emoji_names``).

Policies, applied explicitly:

- **Long texts** (reviews can run to pages): *head + tail* truncation. A text longer than ``max_length``
  tokens keeps its first quarter of the budget and its last three quarters (openings state the topic,
  endings the verdict; Sun et al. 2019 found head+tail the best single window for long reviews). Only the
  first and last 20,000 characters are tokenised at all, so a 1 MB text costs no more than a 40 kB one.
  Such scores carry ``note = "head_tail"``.
- **Empty or whitespace-only** texts are not run through the model: neutral, probabilities (0, 1, 0),
  ``note = "empty"``.
- **No words** (only URLs, @mentions, digits or punctuation): neutral (0, 1, 0), ``note = "no_text"``.
- **Unreadable script**: a text most of whose letters the model's vocabulary cannot read (more than
  ``text.max_unknown_letters`` of them inside unknown tokens: Cyrillic, Greek, Hebrew, CJK or Thai for the shipped
  model, whose vocabulary keeps the Latin, Arabic and Devanagari scripts) is not run through the model: neutral
  (0, 1, 0), ``note = "unreadable"``. Read as a string of unknown tokens, "Это ужасно" came out positive and
  every Chinese or Thai text one and the same neutral. A text mixing scripts is scored while most of its letters
  are readable. No val text of the shipped model's comes near the limit (0.5; none above 0.3).
  A text of emoji alone is measured by its emoji: one of emoji the vocabulary lacks (🤬, 🤮, 💩) is unreadable.
- **Emoji-only** texts are scored: the shipped model reads the emoji characters themselves
  (``text.emoji_names: false``); a model trained with them spelled out ("face with tears of joy") says
  ``emoji_names: true``, and normalisation spells them out for it; ``note = "emoji_only"``.

Each result has the label, the three probabilities and ``score = p(positive) - p(negative)``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import emoji

from pipeline.config import ConfigError
from pipeline.records import LONE_SURROGATE
from pipeline.sentiment import LABELS
from pipeline.sentiment.textnorm import PLACEHOLDERS, normalise, short_joins

CHAR_WINDOW = 20_000
# On a CPU, a batch is cut at this many padded tokens (texts x the longest): past ~1,000 a wider batch is no
# faster per token, and padding is pure waste. `benchmarks/scoring.py --variants ours-fp32 ours-bf16 --threads 2
# --call-size 60 --batch-tokens 0 1024` (val tweets, 60 per call as a night scores them, 2 cores): fp32 44.8 ->
# 61.9 texts/s, bf16 92.1 -> 111.7, the same labels.
CPU_BATCH_TOKENS = 1024
_WORDLESS = re.compile(r"(?:\bhttp\b|@user|[\W\d_])+", re.UNICODE)


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (a valid pair is one character already)."""
    return LONE_SURROGATE.sub("\ufffd", text)  # the tokenizer refuses one, and UTF-8 cannot write it


logger = logging.getLogger("brandpulse")


@dataclass(frozen=True)
class Score:
    label: str
    negative: float
    neutral: float
    positive: float
    score: float
    note: str | None
    text_sha256: str

    def as_dict(self) -> dict:
        """The score as ``brandpulse score-texts`` writes it: the note (a truncation, an emoji-only text) only when
        there is one."""
        return {
            "label": self.label,
            "negative": self.negative,
            "neutral": self.neutral,
            "positive": self.positive,
            "score": self.score,
        } | ({"note": self.note} if self.note else {})


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_info(model_dir: str | Path) -> dict:
    """The model folder's ``brandpulse.json`` (name, version, logit offsets, text and aspect settings), or {}."""
    path = Path(model_dir) / "brandpulse.json"
    return json.loads(path.read_text()) if path.exists() else {}


def weights_path(model_dir: str | Path, precision: str) -> Path:
    """The weights a scorer of this precision runs: ``model.int8.onnx`` for int8, else ``model.safetensors``."""
    return Path(model_dir) / ("model.int8.onnx" if precision == "int8" else "model.safetensors")


TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
# brandpulse.json's settings that change a score (the aspect settings change drivers only)
SCORE_SETTINGS = ("logit_offsets", "text")
# What training writes as text.max_unknown_letters: past half of its letters in unknown tokens a text is not read
# (an unreadable script is over 0.75, a text mixing a readable one under 0.4, no val text over 0.3)
MAX_UNKNOWN_LETTERS = 0.5


def _symbol(char: str) -> bool:
    return unicodedata.category(char) == "So"  # an emoji, a flag's letter, a pictograph


def _unknown_letters(text: str, ids: list[int], offsets: list[tuple[int, int]], unk_id: int) -> float:
    """The share of ``text``'s letters that fall inside its unknown tokens (``offsets``: each token's span). The
    ``@user`` and ``http`` that stand for handles and links are not its letters: a Russian post with two handles
    and a link was more than half "userhttp", and scored from its unknown tokens. A text with no letter (emoji
    alone) is measured by its symbols: the vocabulary lacks 🤬, 🤮, 💩 and 🖕, and every text of such emoji alone
    was read as one unknown token, one and the same neutral."""
    own = PLACEHOLDERS.sub("", text)
    counted = str.isalpha if any(c.isalpha() for c in own) else _symbol
    letters = sum(1 for c in own if counted(c))
    unknown = sum(
        sum(1 for c in text[a:b] if counted(c)) for i, (a, b) in zip(ids, offsets, strict=True) if i == unk_id
    )
    return unknown / letters if letters else 0.0


def fingerprint(model_dir: str | Path, weights_sha256: str, info: dict) -> str:
    """sha256 of all that makes a score: the weights (by their hash), the tokenizer's files and brandpulse.json's
    :data:`SCORE_SETTINGS`. New logit offsets chosen on val, or another tokenizer, with the same weights score
    texts otherwise: they must not share a version with the scores already in the warehouse. ``info``: the
    brandpulse.json read (a scorer passes the one it loaded)."""
    h = hashlib.sha256(weights_sha256.encode())
    for name in TOKENIZER_FILES:
        path = Path(model_dir) / name
        h.update(file_sha256(path).encode() if path.exists() else b"-")
    h.update(json.dumps({k: info.get(k) for k in SCORE_SETTINGS}, sort_keys=True).encode())
    return h.hexdigest()


def version_string(declared: str, fingerprint: str, max_length: int, precision: str) -> str:
    """Declared version + the :func:`fingerprint` (+ scorer settings that change scores, when not the defaults)."""
    extra = "".join(
        [
            f".len{max_length}" if max_length != 128 else "",
            f".{precision}" if precision != "fp32" else "",
        ]
    )
    return f"{declared}+{fingerprint[:12]}{extra}"


def version_here(model_dir: str | Path, max_length: int, precision: str, device: str) -> str:
    """The :attr:`Scorer.version` a scorer so configured would have on this machine (:func:`runs_in`), without
    loading its weights: what the scoring loop asks the warehouse about before it loads a model."""
    _, runs = runs_in(precision, device, warn=False)
    return model_version(model_dir, max_length, runs)


def model_version(model_dir: str | Path, max_length: int = 128, precision: str = "fp32") -> str:
    """The :attr:`Scorer.version` of a model folder with these settings, read without loading the model (its
    weights are hashed: a tenth of a second for the shipped model). A bf16 scorer on a CPU without native
    bfloat16 runs, and says, fp32: this is the version as configured."""
    info = model_info(model_dir)
    weights = file_sha256(weights_path(model_dir, precision))
    return version_string(info.get("version", "0"), fingerprint(model_dir, weights, info), max_length, precision)


@cache
def _cached(model_dir: str, batch_size: int, threads: int, max_length: int, precision: str, device: str) -> Scorer:
    return Scorer(
        model_dir, batch_size=batch_size, threads=threads, max_length=max_length, precision=precision, device=device
    )


class NoGpu(RuntimeError):
    """``scoring.device: cuda`` where torch sees no GPU."""


class UnreadableModel(ValueError):
    """A model folder's weights file that is there but cannot be read (a truncated or damaged copy)."""


def resolve_device(device: str) -> str:
    """``auto`` is ``cuda`` where torch sees a GPU, else ``cpu``; ``cuda`` without a GPU is an error."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise NoGpu(
            "scoring.device is cuda, but torch sees no GPU (torch.cuda.is_available() is False); use auto or cpu"
        )
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    return device


def runs_in(precision: str, device: str, warn: bool = True) -> tuple[str, str]:
    """The (device, precision) a scorer configured with these runs in on this machine: ``auto`` resolved
    (:func:`resolve_device`), int8 on the CPU, bf16 in fp32 on a CPU without native bfloat16 (said, with ``warn``),
    and on the GPU fp16. Imports torch (to look for a GPU), loads no weights."""
    import torch

    if precision not in ("fp32", "bf16", "int8"):
        raise ValueError(f"precision must be fp32, bf16 or int8, not {precision!r}")
    if precision == "int8" and device == "cuda":  # auto: the CPU, where int8 runs
        raise ValueError("precision int8 runs in ONNX Runtime on the CPU: set scoring.device to cpu or auto")
    device = resolve_device(device) if precision != "int8" else "cpu"
    if precision == "bf16" and device != "cuda" and not native_bf16(torch):
        if warn:
            logger.warning("precision bf16: this CPU has no native bfloat16 (AVX512-BF16 or AMX); scoring in fp32")
        precision = "fp32"
    # on the GPU the weights run in fp16, which labels a few texts otherwise than fp32 on a CPU: its scores carry the
    # version suffix .fp16 (a fleet of CPU and GPU workers never mixes them under one version)
    return device, "fp16" if device == "cuda" else precision


def native_bf16(torch) -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated, and slow."""
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except (AttributeError, RuntimeError):
        return False


def _configured(config, make):
    """``make()`` for a scorer's config, its errors as a config error naming the file and the field: a
    configuration this machine cannot run (``device: cuda`` without a GPU) is not retried, and is named as such."""
    try:
        return make()
    except NoGpu as exc:
        raise ConfigError(f"{config.source_file}: {exc}") from None
    except UnreadableModel as exc:
        raise ConfigError(f"{config.source_file}: scoring.model_dir: {exc}") from None
    except FileNotFoundError as exc:  # no model in the folder (or an incomplete one), or no int8 file for int8
        field = "scoring.precision" if weights_path(config.model_dir, "int8").name in str(exc) else "scoring.model_dir"
        raise ConfigError(f"{config.source_file}: {field}: {exc}") from None


class Scorer:
    def __init__(
        self,
        model_dir: str | Path,
        batch_size: int = 64,
        threads: int = 0,
        max_length: int = 128,
        precision: str = "fp32",
        device: str = "cpu",
    ):
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").exists():  # said before torch is imported (seconds)
            raise FileNotFoundError(
                f"{self.model_dir}: no model here (config.json missing); "
                "see models/README.md for how the shipped model is built"
            )
        # an incomplete copy of the folder: without tokenizer.json transformers built a tokenizer of five tokens, and
        # every text was "unreadable" and stored neutral; without the weights, a traceback from transformers
        needed = [*TOKENIZER_FILES, *(() if precision == "int8" else (weights_path(self.model_dir, precision).name,))]
        if missing := [name for name in needed if not (self.model_dir / name).exists()]:
            raise FileNotFoundError(
                f"{self.model_dir}: incomplete model ({', '.join(missing)} missing); "
                "see models/README.md for the files a model folder holds"
            )
        import torch
        from transformers import AutoConfig, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.batch_size = batch_size
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
        self.device, self.precision = runs_in(precision, device)  # what the weights run in, and where
        # int8 runs in ONNX Runtime: the torch weights are not loaded at all then
        self._session = self._onnx_session(threads) if self.precision == "int8" else None
        self.model = None if self._session else self._torch_weights()
        if self.model is not None and self.device == "cuda":
            self.model = self.model.half().to("cuda")
        elif self.model is not None and self.precision == "bf16":
            self.model = self.model.to(torch.bfloat16)
        labels = AutoConfig.from_pretrained(self.model_dir, local_files_only=True).id2label
        order = [labels[i] for i in range(3)]
        if tuple(order) != LABELS:
            raise ValueError(f"{self.model_dir}: model labels {order} are not {list(LABELS)}")
        info = model_info(self.model_dir)
        self.name = info.get("name", self.model_dir.name)
        self._info = info  # its version's fingerprint hashes the settings loaded, not a later edit of the file
        self.languages = tuple(info.get("languages", ()))
        self.emoji_names = bool(info.get("text", {}).get("emoji_names", True))
        # the share of a text's letters inside unknown tokens past which it is not scored (None: every text is)
        self.max_unknown_letters = info.get("text", {}).get("max_unknown_letters")
        offsets = info.get("logit_offsets") or [0.0, 0.0, 0.0]
        self.offsets = torch.tensor(offsets, dtype=torch.float32) if any(offsets) else None
        # the hidden layer whose mean is a text's meaning; None: no encoder separates aspects well enough. And
        # whose: "model" (these weights) or "base" (the untuned encoder they were trained from; see
        # pipeline.sentiment.aspects)
        self.aspect_layer = info.get("aspect_layer", -1)
        self.aspect_encoder = info.get("aspect_encoder", "model")
        self.aspect_min_similarity = float(info.get("aspect_min_similarity", 0.0))

    @classmethod
    def from_config(cls, config) -> Scorer:
        """The configured scorer, loaded once per process (Airflow's dag.test and long-lived workers reuse it)."""
        s = config.scoring
        return _configured(
            config, lambda: _cached(str(config.model_dir), s.batch_size, s.threads, s.max_length, s.precision, s.device)
        )

    @staticmethod
    def version_from_config(config) -> str:
        """The version the configured scorer has on this machine (:func:`version_here`), its weights not loaded."""
        s = config.scoring
        return _configured(config, lambda: version_here(config.model_dir, s.max_length, s.precision, s.device))

    def _onnx_session(self, threads: int):
        """ONNX Runtime session over model.int8.onnx (built by pipeline.sentiment.onnx_export)."""
        import os

        import onnxruntime as ort

        path = weights_path(self.model_dir, "int8")
        if not path.exists():
            raise FileNotFoundError(
                f"{path}: no int8 model; build it with python -m pipeline.sentiment.onnx_export {self.model_dir}"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @cached_property
    def sha256(self) -> str:
        """Content hash of the weights in use: two different weight files never share a version."""
        return file_sha256(weights_path(self.model_dir, self.precision))

    @cached_property
    def version(self) -> str:
        """Declared version + the weights', tokenizer's and score settings' :func:`fingerprint` (+ scorer settings
        that change scores, when not the defaults)."""
        return version_string(
            self._info.get("version", "0"),
            fingerprint(self.model_dir, self.sha256, self._info),
            self.max_length,
            self.precision,
        )

    # -- preparation ---------------------------------------------------------------------------------------
    def _prepare(self, text: str) -> tuple[str | None, str | None]:
        """(normalised text or None if the model is skipped, note)."""
        if not text or not text.strip():
            return None, "empty"
        text = without_lone_surrogates(text)
        if len(text) > 2 * CHAR_WINDOW:
            text = text[:CHAR_WINDOW] + " … " + text[-CHAR_WINDOW:]
        text = short_joins(text)  # before the emoji library reads it: a long joined chain costs it minutes
        norm = normalise(text, emoji_names=self.emoji_names)
        if not norm:
            return None, "empty"
        # what the model reads, its entities unescaped: "&#128545;" is the emoji, not a text without words
        plain = norm if not self.emoji_names else normalise(text, emoji_names=False)
        if not _WORDLESS.sub("", emoji.replace_emoji(plain, "")):
            if emoji.emoji_count(plain):
                return norm, "emoji_only"
            return None, "no_text"
        return norm, None

    def _ids(self, texts: list[str]) -> tuple[list[list[int]], list[bool], list[bool]]:
        """Token ids of each text with its special tokens, cut head + tail; whether it was cut; whether it is
        unreadable (more than ``max_unknown_letters`` of its letters in unknown tokens)."""
        budget = self.max_length - 2
        head = budget // 4
        check = self.max_unknown_letters is not None
        enc = self.tokenizer(
            texts, add_special_tokens=False, truncation=False, verbose=False, return_offsets_mapping=check
        )
        out, cut, unreadable = [], [], []
        cls_id, sep_id, unk_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.unk_token_id
        for n, ids in enumerate(enc["input_ids"]):
            unreadable.append(
                check
                and unk_id in ids
                and _unknown_letters(texts[n], ids, enc["offset_mapping"][n], unk_id) > self.max_unknown_letters
            )
            long = len(ids) > budget
            if long:
                ids = ids[:head] + ids[-(budget - head) :]
            out.append([cls_id, *ids, sep_id])
            cut.append(long)
        return out, cut, unreadable

    # -- scoring -------------------------------------------------------------------------------------------
    def probabilities(self, id_lists: list[list[int]]) -> list[list[float]]:
        """Softmax probabilities for token-id lists, in the given order, batched by length."""
        torch = self.torch
        order = sorted(range(len(id_lists)), key=lambda i: len(id_lists[i]))
        out: list[list[float]] = [[]] * len(id_lists)
        pad = self.tokenizer.pad_token_id
        cuda = self.device == "cuda"
        batches = self._batches(order, [len(i) for i in id_lists])

        def tensors(idx: list[int]):
            width = max(len(id_lists[i]) for i in idx)
            ids = torch.full((len(idx), width), pad, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                n = len(id_lists[i])
                ids[row, :n] = torch.tensor(id_lists[i])
                mask[row, :n] = 1
            if cuda:  # pinned memory and a non-blocking copy: the next batch is built while this one runs
                ids, mask = (
                    ids.pin_memory().to("cuda", non_blocking=True),
                    mask.pin_memory().to("cuda", non_blocking=True),
                )
            return ids, mask

        with torch.inference_mode():
            pending = []
            for idx in batches:
                ids, mask = tensors(idx)
                if self._session is not None:
                    logits = torch.from_numpy(
                        self._session.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
                    )
                else:
                    logits = self.model(input_ids=ids, attention_mask=mask).logits
                logits = logits.float()
                if self.offsets is not None:
                    logits = logits + self.offsets.to(logits.device)
                pending.append((idx, logits.softmax(-1)))
                if not cuda or len(pending) > 4:  # on the GPU, read results back a few batches later
                    for done_idx, probs in pending:
                        for i, p in zip(done_idx, probs.tolist(), strict=True):
                            out[i] = p
                    pending = []
            for done_idx, probs in pending:
                for i, p in zip(done_idx, probs.tolist(), strict=True):
                    out[i] = p
        return out

    def _batches(self, order: list[int], lengths: list[int]) -> list[list[int]]:
        """``order`` (indices sorted by length, shortest first) cut into batches of at most ``batch_size`` texts
        and, on a CPU, at most :data:`CPU_BATCH_TOKENS` padded tokens (always at least one text)."""
        budget = CPU_BATCH_TOKENS if self.device == "cpu" else None
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:  # lengths only grow along ``order``: lengths[i] is the padded width with i added
            if current and (
                len(current) >= self.batch_size or (budget is not None and lengths[i] * (len(current) + 1) > budget)
            ):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    @property
    def torch_model(self):
        """The weights in torch (loaded now in fp32 where scoring runs in ONNX Runtime)."""
        if self.model is None:  # int8 scoring runs in ONNX Runtime; embeddings need the torch weights
            self.model = self._torch_weights()
        return self.model

    def _torch_weights(self):
        """``model.safetensors`` loaded in fp32; a damaged file (a truncated copy) named, not safetensors' traceback
        ("Error while deserializing header: header too large", no file named)."""
        from safetensors import SafetensorError
        from transformers import AutoModelForSequenceClassification

        try:
            model = AutoModelForSequenceClassification.from_pretrained(
                self.model_dir, local_files_only=True, dtype=self.torch.float32
            )
        except SafetensorError as exc:
            raise UnreadableModel(
                f"{weights_path(self.model_dir, 'fp32')}: damaged weights, not a safetensors file that can be read "
                f"({exc}); copy the model folder again"
            ) from None
        return model.eval()

    def embed(
        self, texts: Sequence[str], prefix: str = "query: ", encoder=None, max_length: int | None = None
    ) -> list[list[float]]:
        """Unit-length text embeddings: the mean over tokens of the encoder's ``aspect_layer`` (from the model's
        ``brandpulse.json``), for matching texts by meaning (:mod:`pipeline.sentiment.aspects`). ``encoder``: a
        ``BertModel`` that reads this model's tokens (default: this model's own); ``max_length``: a lower cap
        on the tokens read than the scorer's."""
        torch = self.torch
        encoder = encoder if encoder is not None else self.torch_model.base_model
        # the head only: the tokens read are the first max_length (a 5 MB text was normalised and tokenised whole)
        normed = [
            prefix + normalise(without_lone_surrogates((t or "")[:CHAR_WINDOW]), emoji_names=self.emoji_names)
            for t in texts
        ]
        order = sorted(range(len(normed)), key=lambda i: len(normed[i]))
        out: list[list[float]] = [[]] * len(normed)
        device = next(encoder.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = self.tokenizer(
                    [normed[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=min(self.max_length, max_length or self.max_length),
                    return_tensors="pt",
                ).to(device)
                hidden = encoder(**enc, output_hidden_states=True).hidden_states[self.aspect_layer].float()
                mask = enc["attention_mask"].unsqueeze(-1).float()
                vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
                for i, v in zip(idx, vectors.cpu().tolist(), strict=True):
                    out[i] = v
        return out

    def score(self, texts: Sequence[str]) -> list[Score]:
        prepared = [self._prepare(t) for t in texts]
        todo = [i for i, (norm, _) in enumerate(prepared) if norm is not None]
        ids, cut, unreadable = self._ids([prepared[i][0] for i in todo]) if todo else ([], [], [])
        read = [k for k in range(len(todo)) if not unreadable[k]]  # an unreadable text is not run: neutral
        probs = dict(zip([todo[k] for k in read], self.probabilities([ids[k] for k in read]), strict=True))
        # cut to the model's length, or in characters before that (a text over 2 x CHAR_WINDOW: its middle goes)
        truncated = {i for i, c in zip(todo, cut, strict=True) if c or len(texts[i]) > 2 * CHAR_WINDOW}
        skipped = {todo[k] for k in range(len(todo)) if unreadable[k]}
        results = []
        for i, text in enumerate(texts):
            note = "unreadable" if i in skipped else prepared[i][1] or ("head_tail" if i in truncated else None)
            neg, neu, pos = probs.get(i, (0.0, 1.0, 0.0))
            label = LABELS[max(range(3), key=lambda k: (neg, neu, pos)[k])]
            results.append(
                Score(label, round(neg, 6), round(neu, 6), round(pos, 6), round(pos - neg, 6), note, _sha(text or ""))
            )
        return results
