"""Directive kinds, one file each (a kind is a room): options, version, the documented result
shape and its check, the page form and the card drawing. Torch-free; `registry.KINDS` is the
explicit list."""
