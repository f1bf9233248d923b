"""Pure analyses: (loaded model, options) → JSON-able dict. No I/O, no caching."""
