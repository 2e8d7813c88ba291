"""Every key of the annotation and review screens, in one place so they can be listed and shown."""

from textual.binding import Binding

LABEL_KEYS = {"f": "fact", "c": "claim", "o": "opinion", "a": "advert", "1": "fact", "2": "claim", "3": "opinion", "4": "advert"}

# label colours: theme variables, so they read on dark and light themes; the letter is the second cue
LABEL_STYLE = {
    "fact": "on $success-muted",
    "claim": "on $warning-muted",
    "opinion": "on $primary-muted",
    "advert": "on $error-muted",
    "ambiguous": "on $secondary-muted",
}

def label_bindings(action: str) -> list[Binding]:
    """f c o a and 1-4, calling `action('label')`: the same keys label and decide."""
    bindings = [Binding(key, f"{action}('{label}')", label) for key, label in LABEL_KEYS.items() if key.isalpha()]
    bindings += [Binding(key, f"{action}('{label}')", label, show=False) for key, label in LABEL_KEYS.items() if key.isdigit()]
    return bindings


ANNOTATE = label_bindings("label") + [
    Binding("u", "undo", "undo"),
    Binding("space,s", "skip", "skip"),
    Binding("n", "note", "note"),
    Binding("j,down", "move(1)", "next", show=False),
    Binding("k,up", "move(-1)", "prev", show=False),
    Binding("right_square_bracket", "document(1)", "doc", key_display="]"),
    Binding("left_square_bracket", "document(-1)", "prev doc", key_display="[", show=False),
    Binding("g", "unlabeled", "unlabeled"),
    Binding("slash", "find", "find", key_display="/"),
    Binding("r", "refresh", "refresh", show=False),
    Binding("question_mark", "help", "help", key_display="?"),
    Binding("q", "quit", "quit"),
]

REVIEW = label_bindings("decide") + [
    Binding("x", "decide('ambiguous')", "ambiguous"),
    Binding("u", "undo", "undo"),
    Binding("j,down,space", "move(1)", "next"),
    Binding("k,up", "move(-1)", "prev", show=False),
    Binding("t", "summary", "agreement"),
    Binding("question_mark", "help", "help", key_display="?"),
    Binding("q", "quit", "quit"),
]
