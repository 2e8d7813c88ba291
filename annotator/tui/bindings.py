"""Every key of the annotation and review screens, in one place so they can be listed and shown."""

from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding, BindingsMap

from annotator import scheme
from annotator.model import AMBIGUOUS

# review's "undecided" colour: not a label of any scheme, so not the scheme's to choose
AMBIGUOUS_STYLE = "on $secondary-muted"
LABEL_ACTIONS = ("label(", "decide(")  # the actions a label key runs: the footer keeps their keys first


def label_styles(store=None) -> dict[str, str]:
    """{label: its background style}, from the project's scheme (the default four for None), review's
    `ambiguous` included."""
    return {**{name: f"on {colour}" for name, colour in scheme.colours(store).items()}, AMBIGUOUS: AMBIGUOUS_STYLE}


def marks(store=None) -> dict[str, str]:
    """{label: the one letter that marks it in the text}: its key, upper case, which is unique in a scheme
    (first letters are not: "claim" and "CFS" in one scheme of twelve) and tells which key gave it."""
    return {label.name: label.key.upper() for label in scheme.get(store).labels}


def label_bindings(action: str, doing: str, store=None) -> list[Binding]:
    """The scheme's keys, then 1..9 by the labels' place (hidden in the footer), calling `action('label')`:
    the same keys label and decide."""
    labels = scheme.get(store).labels
    bindings = [Binding(label.key, f"{action}({label.name!r})", label.name, tooltip=f"{doing} {label.name}")
                for label in labels]
    bindings += [Binding(str(n), f"{action}({label.name!r})", label.name, show=False, tooltip=f"{doing} {label.name}")
                 for n, label in enumerate(labels[:9], start=1)]
    return bindings


def screen_bindings(saved: str) -> list[Binding]:
    """Help and quit: they come right after the label keys because a narrow footer cuts from the end."""
    return [
        Binding("question_mark", "help", "help", key_display="?", tooltip="this help"),
        Binding("q", "quit", "quit", tooltip=f"quit (waits for {saved} still being saved)"),
    ]


def with_scheme(screen, action: str, doing: str, own: list[Binding], store) -> list[Binding]:
    """Give `screen` the project's label keys before its own (`own`, its class's BINDINGS): Textual reads
    a class's BINDINGS once, so a screen made for a project rebuilds its instance's map at construction.
    Returns every binding of the screen, label keys first (what help and the command palette list)."""
    bindings = label_bindings(action, doing, store) + own
    merged = BindingsMap(bindings)
    for key, binding in screen._bindings:  # Screen's own (tab, shift+tab) stay
        if key not in merged.key_to_bindings:
            merged.key_to_bindings.setdefault(key, []).append(binding)
    screen._bindings = merged
    screen.BINDINGS = bindings
    return bindings


# what the label keys do, as help and the palette say it
LABEL_DOING = "label the sentence, then go to the next one you have not labeled:"
DECIDE_DOING = "decide the unit's gold label:"

# the annotation screen's own keys; the label keys come from the project's scheme (with_scheme)
ANNOTATE = screen_bindings("labels") + [
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

# the review screen's own keys: decide keys from the scheme, then x for a unit left ambiguous
REVIEW = screen_bindings("decisions") + [
    Binding("x", f"decide({AMBIGUOUS!r})", AMBIGUOUS, tooltip="mark the unit ambiguous (kept, left out of gold exports)"),
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
