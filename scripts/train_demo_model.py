"""Train the demo models that ship with ecco-build: small code models.

The corpus is the Python standard library sources of the interpreter running this
script (PSF-licensed text), without its test suites. A byte-level BPE tokenizer is
trained with the `tokenizers` library (or reused from a shipped model with `--tokenizer`),
then a model from scratch: GPT-2 (`--architecture gpt2`: LayerNorm, learned positions,
GELU MLP) or Llama (`--architecture llama`: RMSNorm, rotary positions, SwiGLU MLP, its
hidden width chosen so that the parameter count matches the GPT-2 model's).
Everything is seeded, and the corpus file list is hashed into the model card data so
that a rerun on the same interpreter reproduces the same model.

This is a one-time step, never part of CI or of `ecco-build build`:

    python scripts/train_demo_model.py --out ecco_build/models/demo --steps 2000
    python scripts/train_demo_model.py --out ecco_build/models/demo-llama --steps 2000 \
        --architecture llama --tokenizer ecco_build/models/demo

Files are held out by a hash of their path (about 3%); `scripts/evaluate_demo_model.py`
measures the quality gates on them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import platform
import random
import sys
import sysconfig
import time
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (
    AutoTokenizer,
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

log = logging.getLogger("train_demo_model")

EOS = "<|endoftext|>"
HELD_OUT_PERCENT = 3


def corpus_files() -> list[Path]:
    """Standard-library .py files, sorted, without test suites and third-party packages."""
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "site-packages", "idle_test", "__pycache__", "lib2to3"}
    files = [
        p
        for p in sorted(root.rglob("*.py"))
        if not skip.intersection(p.relative_to(root).parts) and not p.name.startswith("test_")
    ]
    return files


def is_held_out(path: Path) -> bool:
    root = Path(sysconfig.get_paths()["stdlib"])
    rel = str(path.relative_to(root)).encode()
    return int(hashlib.sha256(rel).hexdigest(), 16) % 100 < HELD_OUT_PERCENT


def read_text(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    # Tabs and form feeds are rare in the stdlib; normalise them so indentation is spaces.
    return text.replace("\t", "    ").replace("\f", "")


def train_tokenizer(texts: list[str], vocab_size: int) -> PreTrainedTokenizerFast:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=EOS, eos_token=EOS, unk_token=EOS, pad_token=EOS
    )


def encode_corpus(tokenizer: PreTrainedTokenizerFast, texts: list[str]) -> torch.Tensor:
    eos = tokenizer.convert_tokens_to_ids(EOS)
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text)["input_ids"])
        ids.append(eos)
    return torch.tensor(ids, dtype=torch.long)


def learning_rate(step: int, steps: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def swiglu_width(width: int) -> int:
    """The SwiGLU hidden width whose three matrices hold as many weights as GPT-2's two
    (width x 4 width), rounded to a multiple of 8."""
    return int(round(8 * width / 3 / 8)) * 8


def build_model(args: argparse.Namespace, tokenizer: PreTrainedTokenizerFast) -> torch.nn.Module:
    ids = dict(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    if args.architecture == "llama":
        config = LlamaConfig(
            hidden_size=args.width,
            intermediate_size=swiglu_width(args.width),
            num_hidden_layers=args.layers,
            num_attention_heads=args.heads,
            num_key_value_heads=args.kv_heads or args.heads,
            max_position_embeddings=args.context,
            tie_word_embeddings=True,
            attention_dropout=0.0,
            **ids,
        )
        return LlamaForCausalLM(config)
    config = GPT2Config(
        n_positions=args.context,
        n_embd=args.width,
        n_layer=args.layers,
        n_head=args.heads,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        **ids,
    )
    return GPT2LMHeadModel(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("ecco_build/models/demo"))
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=4096)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--architecture", choices=("gpt2", "llama"), default="gpt2")
    parser.add_argument(
        "--kv-heads", type=int, default=0, help="llama: key/value heads (0: as many as heads)"
    )
    parser.add_argument("--tokenizer", type=Path, help="reuse this model folder's tokenizer")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    files = corpus_files()
    root = Path(sysconfig.get_paths()["stdlib"])
    listing = "\n".join(str(p.relative_to(root)) for p in files)
    train_texts, held_files = [], []
    for path in files:
        text = read_text(path)
        if text is None:
            continue
        if is_held_out(path):
            held_files.append(str(path.relative_to(root)))
        else:
            train_texts.append(text)
    log.info("corpus: %d training files, %d held out", len(train_texts), len(held_files))

    if args.tokenizer:
        tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)
    else:
        tokenizer = train_tokenizer(train_texts, args.vocab)
    data = encode_corpus(tokenizer, train_texts)
    log.info("corpus: %d tokens", data.numel())

    model = build_model(args, tokenizer).to(args.device)
    params = sum(p.numel() for p in model.parameters())
    log.info("model: %d parameters", params)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    gen = torch.Generator().manual_seed(args.seed)
    warmup = max(1, args.steps // 30)
    start = time.perf_counter()
    model.train()
    for step in range(args.steps):
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args.steps, args.lr, warmup)
        offsets = torch.randint(0, data.numel() - args.context, (args.batch,), generator=gen)
        # (batch, context); the model shifts the labels by one position itself.
        window = torch.stack([data[o : o + args.context] for o in offsets.tolist()])
        window = window.to(args.device)
        loss = model(input_ids=window, labels=window).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == args.steps - 1:
            elapsed = time.perf_counter() - start
            tokens = (step + 1) * args.batch * args.context
            log.info("step %d/%d loss %.3f  %.0f tok/s", step, args.steps, loss.item(), tokens / elapsed)
    elapsed = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    model.eval()
    # fp16 on disk keeps the shipped weights small; the loader upcasts to float32.
    model.half().save_pretrained(args.out, safe_serialization=True)
    tokenizer.save_pretrained(args.out)
    training = {
        "python": platform.python_version(),
        "stdlib": str(root),
        "files": len(files),
        "file_list_sha256": hashlib.sha256(listing.encode()).hexdigest(),
        "held_out_files": held_files,
        "train_tokens_in_corpus": int(data.numel()),
        "steps": args.steps,
        "batch": args.batch,
        "context": args.context,
        "tokens_seen": args.steps * args.batch * args.context,
        "parameters": params,
        "architecture": args.architecture,
        "tokenizer": str(args.tokenizer) if args.tokenizer else "trained",
        "seed": args.seed,
        "seconds": round(elapsed, 1),
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(),
        "torch_threads": torch.get_num_threads(),
        "final_train_loss": round(loss.item(), 4),
        "command": " ".join(sys.argv),
    }
    (args.out / "training.json").write_text(json.dumps(training, indent=2) + "\n")
    log.info("saved to %s after %.0f s", args.out, elapsed)


if __name__ == "__main__":
    main()
