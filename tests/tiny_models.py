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
ALL_CAUSAL = ("gpt2", "gpt_neo", "gpt_neox", "opt", "llama", "mistral", "qwen2", "gemma")
ENCODERS = ("bert", "roberta", "distilbert")


def build(family: str, folder: Path, seed: int = 0) -> Path:
    """Save a tiny random model of `family` with its tokenizer into `folder`."""
    import torch
    import transformers as tf

    torch.manual_seed(seed)
    tok = tokenizer("byte" if family in ("gpt2", "gpt_neo", "gpt_neox", "opt", *ENCODERS) else "metaspace")
    vocab = len(tok)
    if family == "gpt2":
        config = tf.GPT2Config(
            vocab_size=vocab,
            n_positions=128,
            n_embd=32,
            n_layer=2,
            n_head=4,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
        )
        model = tf.GPT2LMHeadModel(config)
    elif family in ("llama", "mistral", "qwen2", "gemma"):
        config_class, model_class = {
            "llama": (tf.LlamaConfig, tf.LlamaForCausalLM),
            "mistral": (tf.MistralConfig, tf.MistralForCausalLM),
            "qwen2": (tf.Qwen2Config, tf.Qwen2ForCausalLM),
            "gemma": (tf.GemmaConfig, tf.GemmaForCausalLM),
        }[family]
        extra = {"head_dim": 8} if family == "gemma" else {}
        config = config_class(
            vocab_size=vocab,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=128,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
            pad_token_id=tok.pad_token_id,
            **extra,
        )
        model = model_class(config)
    elif family == "gpt_neo":
        config = tf.GPTNeoConfig(
            vocab_size=vocab,
            max_position_embeddings=128,
            hidden_size=32,
            num_layers=2,
            num_heads=4,
            attention_types=[[["global", "local"], 1]],
            window_size=8,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
        )
        model = tf.GPTNeoForCausalLM(config)
    elif family == "gpt_neox":
        config = tf.GPTNeoXConfig(
            vocab_size=vocab,
            max_position_embeddings=128,
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=64,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
        )
        model = tf.GPTNeoXForCausalLM(config)
    elif family == "opt":
        config = tf.OPTConfig(
            vocab_size=vocab,
            max_position_embeddings=128,
            hidden_size=32,
            num_hidden_layers=2,
            ffn_dim=64,
            num_attention_heads=4,
            word_embed_proj_dim=32,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
            pad_token_id=tok.pad_token_id,
        )
        model = tf.OPTForCausalLM(config)
    elif family in ("bert", "roberta", "distilbert"):
        config_class, model_class = {
            "bert": (tf.BertConfig, tf.BertForMaskedLM),
            "roberta": (tf.RobertaConfig, tf.RobertaForMaskedLM),
            "distilbert": (tf.DistilBertConfig, tf.DistilBertForMaskedLM),
        }[family]
        sizes = (
            {"dim": 32, "hidden_dim": 64, "n_layers": 2, "n_heads": 4}
            if family == "distilbert"
            else {
                "hidden_size": 32,
                "intermediate_size": 64,
                "num_hidden_layers": 2,
                "num_attention_heads": 4,
            }
        )
        config = config_class(
            vocab_size=vocab, max_position_embeddings=130, pad_token_id=tok.pad_token_id, **sizes
        )
        model = model_class(config)
    else:
        raise ValueError(family)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
