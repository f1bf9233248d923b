"""Tiny random-weight models built from config, one per family, with real tokenizers
trained in milliseconds on a fixed text. No downloads."""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "def area(width, height):\n    return width * height\n",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
    "The capital of France is Paris. The keys to the cabinet are on the table.",
    "for i in range(10):\n    print(i, [i, i + 1], {'a': (1, 2)})\n",
    "Hello, world! It's a <b>bold</b> test & more: 42 + 7 = 49; naïve café ✓.",
]


def tokenizer(style: str):
    """A byte-level (GPT-2 style, 'Ġ') or metaspace (sentencepiece style, '▁') BPE tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None if style == "byte" else "<unk>", byte_fallback=style != "byte"))
    if style == "byte":
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        specials = ["<|endoftext|>"]
        alphabet = pre_tokenizers.ByteLevel.alphabet()
    else:
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Metaspace()])
        specials = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
        alphabet = []
    trainer = trainers.BpeTrainer(
        vocab_size=400 if style == "byte" else 520,
        special_tokens=specials,
        initial_alphabet=alphabet,
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS * 3, trainer=trainer)
    if style == "byte":
        return PreTrainedTokenizerFast(
            tokenizer_object=tok,
            eos_token="<|endoftext|>",
            bos_token="<|endoftext|>",
            unk_token="<|endoftext|>",
            pad_token="<|endoftext|>",
        )
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="</s>",
        add_bos_token=True,
    )


FAMILIES = ("gpt2", "llama")
ALL_CAUSAL = ("gpt2", "gpt_neo", "gpt_neox", "opt", "llama", "mistral", "qwen2", "gemma", "gemma2")
ENCODERS = ("bert", "roberta", "distilbert")
BYTE_LEVEL = ("gpt2", "gpt_neo", "gpt_neox", "opt", *ENCODERS)  # the others use metaspace


def _ids(tok) -> dict:
    return {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id}


def _gpt2(tf, tok):
    config = tf.GPT2Config(vocab_size=len(tok), n_positions=128, n_embd=32, n_layer=2, n_head=4, **_ids(tok))
    return tf.GPT2LMHeadModel(config)


def _llama_like(config_class, model_class, **extra):
    def make(tf, tok):
        config = getattr(tf, config_class)(
            vocab_size=len(tok),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=128,
            pad_token_id=tok.pad_token_id,
            **_ids(tok),
            **extra,
        )
        return getattr(tf, model_class)(config)

    return make


def _gpt_neo(tf, tok):
    config = tf.GPTNeoConfig(
        vocab_size=len(tok),
        max_position_embeddings=128,
        hidden_size=32,
        num_layers=2,
        num_heads=4,
        attention_types=[[["global", "local"], 1]],
        window_size=8,
        **_ids(tok),
    )
    return tf.GPTNeoForCausalLM(config)


def _gpt_neox(tf, tok):
    config = tf.GPTNeoXConfig(
        vocab_size=len(tok),
        max_position_embeddings=128,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        **_ids(tok),
    )
    return tf.GPTNeoXForCausalLM(config)


def _opt(tf, tok):
    config = tf.OPTConfig(
        vocab_size=len(tok),
        max_position_embeddings=128,
        hidden_size=32,
        num_hidden_layers=2,
        ffn_dim=64,
        num_attention_heads=4,
        word_embed_proj_dim=32,
        pad_token_id=tok.pad_token_id,
        **_ids(tok),
    )
    return tf.OPTForCausalLM(config)


def _encoder(config_class, model_class, sizes):
    def make(tf, tok):
        config = getattr(tf, config_class)(
            vocab_size=len(tok), max_position_embeddings=130, pad_token_id=tok.pad_token_id, **sizes
        )
        return getattr(tf, model_class)(config)

    return make


_BERT_SIZES = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4}
_DISTILBERT_SIZES = {"dim": 32, "hidden_dim": 64, "n_layers": 2, "n_heads": 4}
# model_type → (transformers module, tokenizer) → a tiny random model; one per family in
# ecco_build.models.families.FAMILIES (tests/models/test_families.py checks).
BUILDERS = {
    "gpt2": _gpt2,
    "gpt_neo": _gpt_neo,
    "gpt_neox": _gpt_neox,
    "opt": _opt,
    "llama": _llama_like("LlamaConfig", "LlamaForCausalLM"),
    "mistral": _llama_like("MistralConfig", "MistralForCausalLM"),
    "qwen2": _llama_like("Qwen2Config", "Qwen2ForCausalLM"),
    "gemma": _llama_like("GemmaConfig", "GemmaForCausalLM", head_dim=8),
    # Gemma 2: soft-capped final logits and attention scores, alternating sliding-window layers.
    "gemma2": _llama_like(
        "Gemma2Config",
        "Gemma2ForCausalLM",
        head_dim=8,
        final_logit_softcapping=30.0,
        attn_logit_softcapping=50.0,
        sliding_window=8,
    ),
    "bert": _encoder("BertConfig", "BertForMaskedLM", _BERT_SIZES),
    "roberta": _encoder("RobertaConfig", "RobertaForMaskedLM", _BERT_SIZES),
    "distilbert": _encoder(
        "DistilBertConfig",
        "DistilBertForMaskedLM",
        {"dim": 32, "hidden_dim": 64, "n_layers": 2, "n_heads": 4},
    ),
}


def build(family: str, folder: Path, seed: int = 0) -> Path:
    """Save a tiny random model of `family` with its tokenizer into `folder`."""
    import torch
    import transformers as tf

    if family not in BUILDERS:
        raise ValueError(family)
    torch.manual_seed(seed)
    tok = tokenizer("byte" if family in BYTE_LEVEL else "metaspace")
    model = BUILDERS[family](tf, tok)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
