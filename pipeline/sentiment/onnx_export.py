"""Build ``model.int8.onnx`` next to the shipped weights: the fast CPU variant of the same model.

    .venv/bin/python -m pipeline.sentiment.onnx_export models/brandpulse-sentiment

Steps: export the fp32 model to ONNX (opset 17, dynamic batch and sequence axes, eager attention so that
ONNX Runtime can fuse it), fuse the BERT graph with ``onnxruntime.transformers.optimizer``, then quantise the
weights to int8 per output channel with ``onnxruntime.quantization.quantize_dynamic`` (activations are
quantised on the fly). The sensitive parts stay in fp32 (``--keep fp32-attention``, the default): the word
and position embeddings, the fused attention blocks (query, key, value), the pooler and the classifier; the
feed-forward matrices and each attention's output projection (three quarters of the encoder's weight matrices)
become int8. ``--keep none`` quantises every MatMul, faster but with more labels changed.
``benchmarks/scoring.py`` measures the speed and the label agreement with fp32; the README's measured figures
report both. Needs the ``train`` extra (``onnx``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path

INT8_FILE = "model.int8.onnx"


def export_int8(model_dir: Path, keep: str = "fp32-attention") -> Path:
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.onnx_model import ONNXModel
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, dtype=torch.float32, local_files_only=True, attn_implementation="eager"
    ).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    wrapper = Logits(model).eval()  # eval() on the wrapper too: the exporter restores the wrapper's mode
    sample = tokenizer(["an example text", "another, somewhat longer example text"], padding=True, return_tensors="pt")
    out = model_dir / INT8_FILE
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp32, fused = Path(tmp) / "model.onnx", Path(tmp) / "fused.onnx"
        torch.onnx.export(
            wrapper,
            (sample["input_ids"], sample["attention_mask"]),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
        cfg = model.config
        optimize_model(
            str(fp32), model_type="bert", num_heads=cfg.num_attention_heads, hidden_size=cfg.hidden_size
        ).save_model_to_file(str(fused))
        # Dynamic quantisation turns each Gemm (the pooler's, the classifier's) into a MatMul of another name
        # first, which a list of the Gemm's names would miss: they were quantised. Done here, the names match.
        fused_model = ONNXModel(onnx.load(str(fused)))
        fused_model.replace_gemm_with_matmul()
        fused_model.save_model_to_file(str(fused))
        graph = fused_model.model.graph
        sensitive = [n.name for n in graph.node if "pooler" in n.name.lower() or "classifier" in n.name.lower()]
        partial = out.with_name(out.name + ".partial")  # in the model folder: an export cut off leaves no model
        quantize_dynamic(
            str(fused),
            str(partial),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"] if keep == "fp32-attention" else None,
            nodes_to_exclude=sensitive if keep == "fp32-attention" else None,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        os.replace(partial, out)  # whole or not at all: a half-written file would pass for the model (it exists)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--keep", choices=["fp32-attention", "none"], default="fp32-attention", help="what stays fp32")
    args = ap.parse_args(argv)
    out = export_int8(args.model_dir, args.keep)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
