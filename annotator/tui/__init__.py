"""The terminal UI: a thin layer of Textual screens over the session and review models."""

import os

# Textual repaints at most TEXTUAL_FPS times a second; a keypress waits for the next paint.
# 120 halves that wait; a screen that does not change sends nothing, so SSH traffic stays low.
os.environ.setdefault("TEXTUAL_FPS", "120")
