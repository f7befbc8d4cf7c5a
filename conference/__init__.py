"""conference: a live companion for hybrid conferences."""

__version__ = "0.1.0"
