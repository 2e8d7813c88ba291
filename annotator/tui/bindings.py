"""Every key of the annotation and review screens, in one place so they can be listed and shown."""

from functools import partial

from textual.app import SystemCommand
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

def label_bindings(action: str, doing: str) -> list[Binding]:
    """f c o a and 1-4, calling `action('label')`: the same keys label and decide."""
    bindings = [Binding(key, f"{action}('{label}')", label, tooltip=f"{doing} {label}")
                for key, label in LABEL_KEYS.items() if key.isalpha()]
    bindings += [Binding(key, f"{action}('{label}')", label, show=False, tooltip=f"{doing} {label}")
                 for key, label in LABEL_KEYS.items() if key.isdigit()]
    return bindings


def screen_bindings(action: str, doing: str, saved: str) -> list[Binding]:
    """The label keys, then help and quit: they come first because a narrow footer cuts from the end."""
    return label_bindings(action, doing) + [
        Binding("question_mark", "help", "help", key_display="?", tooltip="this help"),
        Binding("q", "quit", "quit", tooltip=f"quit (waits for {saved} still being saved)"),
    ]


ANNOTATE = screen_bindings("label", "label the sentence, then go to the next one you have not labeled:", "labels") + [
    Binding("u", "undo", "undo", tooltip="undo your last label or note, again and again"),
    Binding("enter", "accept", "accept", show=False, tooltip="accept the suggested label (the side panel shows it; a narrow screen, the status line)"),
    Binding("space,s", "skip", "skip", tooltip="skip to the next sentence"),
    Binding("n", "note", "note", tooltip="add or edit a note on the sentence"),
    Binding("exclamation_mark", "flag", "flag", key_display="!", show=False,
            tooltip="flag the unit as unsure (ask the lead), with an optional note; again takes the flag back"),
    Binding("j,down", "move(1)", "next", show=False, tooltip="next sentence"),
    Binding("k,up", "move(-1)", "prev", show=False, tooltip="previous sentence"),
    Binding("right_square_bracket", "document(1)", "doc", key_display="]", tooltip="next document"),
    Binding("left_square_bracket", "document(-1)", "prev doc", key_display="[", show=False,
            tooltip="previous document"),
    Binding("g", "unlabeled", "unlabeled",
            tooltip="the next sentence you have not labeled, in any document (with an overlap: the next in your queue)"),
    Binding("slash", "find", "find", key_display="/", tooltip="find a sentence by its text"),
    Binding("colon", "goto", "go to", key_display=":", show=False, tooltip="go to a sentence by its number"),
    Binding("v", "view", "view", tooltip="show every sentence, only the unlabeled ones, or one label's (cycles)"),
    Binding("r", "refresh", "refresh", show=False, tooltip="refresh: see what other annotators did"),
    Binding("S", "sources", "sources", show=False,
            tooltip="sources: each outlet's label mix and originality; enter opens its documents"),
    Binding("p", "progress", "team", show=False, tooltip="the team's progress: who labeled how much, how fast, time left"),
]

REVIEW = screen_bindings("decide", "decide the unit's gold label:", "decisions") + [
    Binding("x", "decide('ambiguous')", "ambiguous", tooltip="mark the unit ambiguous (kept, left out of gold exports)"),
    Binding("u", "undo", "undo", tooltip="undo your last decision or comment"),
    Binding("n", "comment", "comment", tooltip="comment on the unit (kept with its decision, or with the one you give it)"),
    Binding("j,down,space", "move(1)", "next", tooltip="next unit"),
    Binding("k,up", "move(-1)", "prev", show=False, tooltip="previous unit"),
    Binding("t", "summary", "agreement", tooltip="the agreement table and each pair's confusion"),
]

_KEY_NAMES = {"enter": "enter", "colon": ":", "space": "space", "down": "↓", "up": "↑", "slash": "/", "question_mark": "?", "exclamation_mark": "!",
              "right_square_bracket": "]", "left_square_bracket": "["}


def key_table(bindings: list[Binding]) -> str:
    """A Markdown table of a screen's keys, from its own bindings: the help never lists another screen's."""
    rows: dict[str, list[str]] = {}  # what it does -> keys, in the order the screen lists them
    for binding in bindings:
        rows.setdefault(binding.tooltip, []).extend(f"`{_KEY_NAMES.get(k, k)}`" for k in binding.key.split(","))
    lines = ["| key | what it does |", "|---|---|"]
    # keys joined without a space: a narrow key column wraps at spaces, which left a key on a row of its own
    lines += [f"| {'/'.join(keys)} | {text} |" for text, keys in rows.items()]
    return "\n".join(lines)


def screen_commands(screen) -> list[SystemCommand]:
    """The command palette's entries for a screen's own keys (ctrl+p, then type "go to", "view",
    "sources"...): each runs what its key runs, and names the key for next time."""
    commands, seen = [], set()
    for binding in getattr(screen, "BINDINGS", ()):
        if not isinstance(binding, Binding) or binding.action in seen or not binding.tooltip:
            continue
        seen.add(binding.action)
        keys = "/".join(_KEY_NAMES.get(k, k) for k in binding.key.split(","))
        commands.append(SystemCommand(f"{binding.description} ({keys})", binding.tooltip,
                                      partial(screen.run_action, binding.action)))
    return commands
