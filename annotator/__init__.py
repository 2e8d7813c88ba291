"""annotator: label news and web text sentence by sentence."""

__version__ = "0.1.0"
