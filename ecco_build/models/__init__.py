"""Finding, fingerprinting and loading models; reading their internals (adapters)."""
