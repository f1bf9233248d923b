"""Moved to ecco_build/document/formulas.py; removed in wave 3."""

from ecco_build.document.formulas import (  # noqa: F401
    ATTRIBUTES,
    ELEMENTS,
    MATHML_NAMESPACE,
    SAFE_SCHEMES_SHOWN,
    UNKNOWN_COMMAND,
    VOID,
    FormulaError,
    _attribute,
    _text,
    check,
    safe_markup,
    to_mathml,
    use,
)
