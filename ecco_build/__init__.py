"""ecco-build: static interactive articles that explain transformer language models."""

__version__ = "0.1.0"
