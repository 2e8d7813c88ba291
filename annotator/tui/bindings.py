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

ANNOTATE = [
    Binding("f", "label('fact')", "fact"),
    Binding("c", "label('claim')", "claim"),
    Binding("o", "label('opinion')", "opinion"),
    Binding("a", "label('advert')", "advert"),
    Binding("1", "label('fact')", "fact", show=False),
    Binding("2", "label('claim')", "claim", show=False),
    Binding("3", "label('opinion')", "opinion", show=False),
    Binding("4", "label('advert')", "advert", show=False),
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

REVIEW = [
    Binding("f", "decide('fact')", "fact"),
    Binding("c", "decide('claim')", "claim"),
    Binding("o", "decide('opinion')", "opinion"),
    Binding("a", "decide('advert')", "advert"),
    Binding("1", "decide('fact')", "fact", show=False),
    Binding("2", "decide('claim')", "claim", show=False),
    Binding("3", "decide('opinion')", "opinion", show=False),
    Binding("4", "decide('advert')", "advert", show=False),
    Binding("x", "decide('ambiguous')", "ambiguous"),
    Binding("u", "undo", "undo"),
    Binding("j,down,space", "move(1)", "next"),
    Binding("k,up", "move(-1)", "prev", show=False),
    Binding("t", "summary", "agreement"),
    Binding("question_mark", "help", "help", key_display="?"),
    Binding("q", "quit", "quit"),
]
