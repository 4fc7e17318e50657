"""kl: an offline command-line reference to KL (Kommunernes Landsforening)."""

__version__ = "1.0.0"
