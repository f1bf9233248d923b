"""Moved: each kind's result shape and check to ecco_build/kinds/<module>.py, tokens to
kinds/tokens.py, the lens checks to kinds/lens.py, the stored record to envelope.py; removed
in wave 3."""

from __future__ import annotations

from collections.abc import Callable

from ecco_build.envelope import ModelRecord, Provenance, StoredResult, check_envelope, check_result
from ecco_build.kinds.factors import METHODS as FACTOR_METHODS
from ecco_build.kinds.factors import FactorBlock, FactorElbow, FactorNeuron, FactorsResult, check_factor_block
from ecco_build.kinds.factors import check_result as check_factors
from ecco_build.kinds.generate import GenerateResult, GenerateStep
from ecco_build.kinds.generate import check_result as check_generate
from ecco_build.kinds.layer_predictions import LayerPredictionsResult
from ecco_build.kinds.layer_predictions import check_result as check_layer_predictions
from ecco_build.kinds.lens import check_lens, check_rank_table
from ecco_build.kinds.rankings import RankingsResult
from ecco_build.kinds.rankings import check_result as check_rankings
from ecco_build.kinds.rankings_watch import RankingsWatchResult, check_watched
from ecco_build.kinds.rankings_watch import check_result as check_rankings_watch
from ecco_build.kinds.registry import KINDS
from ecco_build.kinds.saliency import TARGET_SCALARS, SaliencyMethod, SaliencyResult, check_saliency_method
from ecco_build.kinds.saliency import check_result as check_saliency
from ecco_build.kinds.tokens import (
    Candidate,
    Token,
    WatchedToken,
    below,
    check_candidate,
    check_token,
    tokens,
)
from ecco_build.shapes import Record

__all__ = [
    "CHECKS",
    "FACTOR_METHODS",
    "TARGET_SCALARS",
    "Candidate",
    "FactorBlock",
    "FactorElbow",
    "FactorNeuron",
    "FactorsResult",
    "GenerateResult",
    "GenerateStep",
    "LayerPredictionsResult",
    "ModelRecord",
    "Provenance",
    "RankingsResult",
    "RankingsWatchResult",
    "SaliencyMethod",
    "SaliencyResult",
    "StoredResult",
    "Token",
    "WatchedToken",
    "below",
    "check_candidate",
    "check_envelope",
    "check_factor_block",
    "check_factors",
    "check_generate",
    "check_lens",
    "check_layer_predictions",
    "check_rank_table",
    "check_rankings",
    "check_rankings_watch",
    "check_result",
    "check_saliency",
    "check_saliency_method",
    "check_token",
    "check_watched",
    "tokens",
]

CHECKS: dict[str, Callable[[Record], None]] = {name: kind.check_result for name, kind in KINDS.items()}
