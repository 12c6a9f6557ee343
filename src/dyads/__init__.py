"""dyads: political event coding from news text (PLOVER 2.0 and CAMEO)."""
__version__ = "0.1.0"
