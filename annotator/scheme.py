"""The project's label scheme: the one place every layer asks for the labels, their keys, colours,
definitions and examples, and the optional second question.

A project's scheme is stored in its database (store/scheme.py); a database that never set one has the
default four of model.LABELS with the definitions of model.GUIDELINES and the keys and colours of the
annotation screen. Code that needs the vocabulary calls `labels(store)` (and friends) here, never the
constant. The scheme read from a store is cached per store and read again only when the store's scheme
version (one meta row) has moved, so another process setting a scheme is seen at the next call.

A scheme file is TOML (YAML too when PyYAML is installed):

    name = "claimbuster"
    [[labels]]
    name = "CFS"
    key = "c"
    colour = "red"          # a colour Textual knows, or a theme variable such as "$success-muted"
    definition = "check-worthy factual sentence"
    examples = ["Unemployment fell to 3.9% in May."]
    [second]                # optional: asked only after the labels in `when`
    question = "check-worthy?"
    when = ["CFS"]
    answers = [{name = "yes", key = "y"}, {name = "no", key = "n"}]
"""

from __future__ import annotations

import json
import weakref
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from annotator.model import AMBIGUOUS, GUIDELINES, LABELS
from annotator.store.connection import StoreError

MIN_LABELS, MAX_LABELS = 2, 12
MAX_NAME = 40
DEFAULT_NAME = "default"
# the annotation screen's keys and colours for the default four (tui/bindings.py LABEL_KEYS, LABEL_STYLE)
_DEFAULT_KEYS = {"fact": "f", "claim": "c", "opinion": "o", "advert": "a"}
_DEFAULT_COLOURS = {"fact": "$success-muted", "claim": "$warning-muted", "opinion": "$primary-muted",
                    "advert": "$error-muted"}


class SchemeError(ValueError):
    """A scheme file or a change of scheme that cannot be taken; str() is the one-line message."""


class SchemeChanged(StoreError):
    """A label (or decision) refused because the project's scheme no longer has it: the scheme was
    changed while a screen had the old one; str() is the one line the screen shows."""


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    colour: str
    definition: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    name: str
    key: str


@dataclass(frozen=True)
class Second:
    """A question asked only after a label of `when`; its answer is stored in the label event's detail."""

    question: str
    when: tuple[str, ...]
    answers: tuple[Answer, ...]

    def answer_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.answers)


@dataclass(frozen=True)
class Scheme:
    """`retired` holds the labels earlier schemes of the project had and a change of scheme mapped,
    each with the current label it maps to: (old, new) pairs. Old label events keep their label
    (history is never rewritten), and a copy that labeled before hearing of the change is mapped on merge."""

    name: str
    labels: tuple[Label, ...]
    second: Second | None = None
    retired: tuple[tuple[str, str], ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def retired_map(self) -> dict[str, str]:
        """{retired label: the current label it maps to}."""
        return dict(self.retired)

    def shown(self) -> str:
        """'name (label, label, ...)': how messages name a scheme."""
        return f"{self.name} ({', '.join(self.names())})"

    def same_vocabulary(self, other: Scheme) -> bool:
        """The same labels and the same second question (its text, the labels it follows, its answers):
        what two copies must share to merge (keys, colours and definitions may differ: they change no
        stored label's meaning)."""
        return not self.differences(other)

    def differences(self, other: Scheme, renamed: dict[str, str] | None = None) -> list[str]:
        """What differs in meaning between this scheme and `other`, each as 'what: this's vs other's'
        (empty when they have the same vocabulary). `renamed` ({old: new}) is read into `other`'s labels
        first: a copy made before a change of scheme speaks of the labels it retired."""
        renamed = renamed or {}

        def words(s: Scheme, names: dict[str, str]) -> tuple:
            return (frozenset(names.get(n, n) for n in s.names()),
                    s.second and (s.second.question, frozenset(names.get(w, w) for w in s.second.when),
                                  frozenset(s.second.answer_names())))

        def labels(s: Scheme) -> str:
            return ", ".join(s.names())

        def question(s: Scheme) -> str:
            if s.second is None:
                return "none"
            return (f"{s.second.question!r} after {', '.join(s.second.when)} "
                    f"({', '.join(s.second.answer_names())})")

        found = []
        (mine, my_second), (theirs, their_second) = words(self, {}), words(other, renamed)
        if mine != theirs:
            found.append(f"labels {labels(self)} vs {labels(other)}")
        if my_second != their_second:
            found.append(f"second question {question(self)} vs {question(other)}")
        return found

    def to_json(self) -> str:
        data = {"name": self.name, "labels": [asdict(label) for label in self.labels],
                "second": asdict(self.second) if self.second else None, "retired": dict(self.retired)}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Scheme:
        data = json.loads(text)
        second = data.get("second")
        return cls(
            name=data["name"],
            labels=tuple(Label(l["name"], l["key"], l["colour"], l.get("definition", ""), tuple(l.get("examples", ())))
                         for l in data["labels"]),
            second=Second(second["question"], tuple(second["when"]),
                          tuple(Answer(a["name"], a["key"]) for a in second["answers"])) if second else None,
            retired=tuple((str(old), str(new)) for old, new in (data.get("retired") or {}).items()),
        )


DEFAULT = Scheme(DEFAULT_NAME, tuple(Label(name, _DEFAULT_KEYS[name], _DEFAULT_COLOURS[name], GUIDELINES[name])
                                     for name in LABELS))

_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> (scheme version, Scheme)


def get(store=None) -> Scheme:
    """The project's scheme (the default one for `store` None or a project that never set one)."""
    if store is None:
        return DEFAULT
    version = store.scheme_version()
    cached = _cache.get(store)
    if cached is None or cached[0] != version:
        text = store.scheme_json() if version else None
        cached = (version, Scheme.from_json(text) if text else DEFAULT)
        _cache[store] = cached
    return cached[1]


def labels(store=None) -> tuple[str, ...]:
    """The scheme's labels in their order (the order of confusion-matrix rows and columns, of keys).
    `store` is the project's database; None gives the default scheme."""
    return get(store).names()


def keys(store=None) -> dict[str, str]:
    """{key: label}, in scheme order."""
    return {label.key: label.name for label in get(store).labels}


def colours(store=None) -> dict[str, str]:
    """{label: its colour}: a Textual colour name or a theme variable ("$success-muted")."""
    return {label.name: label.colour for label in get(store).labels}


def definitions(store=None) -> dict[str, str]:
    """{label: its definition}, in scheme order."""
    return {label.name: label.definition for label in get(store).labels}


def examples(store=None) -> dict[str, tuple[str, ...]]:
    """{label: its worked examples}, in scheme order."""
    return {label.name: label.examples for label in get(store).labels}


def second(store=None) -> Second | None:
    """The scheme's second question, None when it has none."""
    return get(store).second


def check(label: str, store=None) -> None:
    """Raise ValueError naming the scheme when `label` is not one of its labels."""
    if label not in labels(store):
        raise ValueError(f"unknown label {label!r}: the project's labels are {', '.join(labels(store))}")


def check_current(label: str, store, also: tuple[str, ...] = ()) -> None:
    """Raise SchemeChanged unless `label` is one of the project's labels now (or of `also`): what the
    store checks before a label or decision is written, and a screen before it hands one over. One row
    read when the scheme is unchanged (see get)."""
    if label in also or label in labels(store):
        return
    raise SchemeChanged(f"The project's labels changed to {get(store).shown()}: {label} is no longer one, "
                        "so it was not saved. Quit and open the screen again to label with them.")


def guidelines(store=None) -> tuple[int | None, str]:
    """(version, Markdown text) of the project's guidelines: the current version's text from the
    guidelines table, or (None, the scheme's definitions and examples with each label's key, and its
    second question) when no version was ever set."""
    found = store.guidelines_text() if store is not None else None
    if found is not None:
        return found[0], found[1]
    intro = "# Labeling guidelines\n\nLabel every sentence with what it is, not whether you agree with it.\n\n"
    return None, intro + scheme_text(store)


def scheme_text(store=None) -> str:
    """The scheme as Markdown: each label's name, key (and place, 1..9), definition and examples, then
    the second question with the labels it follows and its answers' keys. What `?` shows under any
    guidelines, so their text never has to repeat the keys."""
    current = get(store)
    lines = []
    for n, label in enumerate(current.labels, start=1):
        place = f", `{n}`" if n <= 9 else ""
        lines.append(f"- **{label.name}** (`{label.key}`{place}): {label.definition or '(no definition)'}")
        lines += [f"  - e.g. \u201c{example}\u201d" for example in label.examples]
    if current.second is not None:
        answers = ", ".join(f"`{a.key}` {a.name}" for a in current.second.answers)
        lines += ["", f"After {', '.join(current.second.when)}: **{current.second.question}** ({answers}; "
                  "`escape` leaves it unanswered)."]
    return "\n".join(lines)


# -- reading and checking a scheme file -----------------------------------------------------------

def load(path: str | Path) -> Scheme:
    """Read and check a scheme file (.toml; .yaml/.yml when PyYAML is installed). Raises SchemeError
    naming the file and the problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SchemeError(f"{path}: cannot read ({err.strerror})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise SchemeError(f"{path}: YAML needs PyYAML, which is not installed; write the scheme as TOML") from None
        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise SchemeError(f"{path}: not valid YAML ({' '.join(str(err).split())})") from None
    else:
        import tomllib

        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise SchemeError(f"{path}: not valid TOML ({err})") from None
    try:
        return parse(data, default_name=path.stem)
    except SchemeError as err:
        raise SchemeError(f"{path}: {err}") from None


def parse(data, default_name: str = "project") -> Scheme:
    """A Scheme from a file's data (a dict), checked: 2..12 labels, unique names and keys, keys free of
    the screens' own bindings, colours the screen can draw, a second question whose `when` names labels
    of the scheme. Raises SchemeError saying what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise SchemeError("no labels: give a [[labels]] table per label (name, key, colour, definition, examples)")
    _fields(data, _SCHEME_FIELDS, "the scheme")
    name = _text(data.get("name", default_name), "the scheme's name")
    items = data["labels"]
    if not MIN_LABELS <= len(items) <= MAX_LABELS:
        raise SchemeError(f"{len(items)} labels: a scheme has {MIN_LABELS} to {MAX_LABELS}")
    reserved = screen_keys()
    found: list[Label] = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SchemeError(f"label {n}: give a table with name, key, colour, definition, examples")
        label = _label(item, n, reserved)
        for other in found:
            if other.name == label.name:
                raise SchemeError(f"label {label.name!r} is named twice")
            if other.name.casefold() == label.name.casefold():
                raise SchemeError(f"labels {other.name!r} and {label.name!r} differ only by case; name them apart")
            if other.key == label.key:
                raise SchemeError(f"key {label.key!r} is given to both {other.name!r} and {label.name!r}")
            if other.key.casefold() == label.key.casefold():  # the Shift key would be all that tells them apart
                raise SchemeError(f"keys {other.key!r} ({other.name!r}) and {label.key!r} ({label.name!r}) differ "
                                  "only by case; give each label its own letter")
        found.append(label)
    names = [label.name for label in found]
    return Scheme(name, tuple(found), _second(data.get("second"), names))


_SCHEME_FIELDS = ("name", "labels", "second")
_LABEL_FIELDS = ("name", "key", "colour", "color", "definition", "examples")
_SECOND_FIELDS = ("question", "when", "answers")
_ANSWER_FIELDS = ("name", "key")


def _fields(data: dict, known: tuple[str, ...], what: str) -> None:
    """Refuses a field the file's reader would otherwise skip without a word (a typo such as 'exmaples')."""
    unknown = [str(field) for field in data if field not in known]
    if unknown:
        shown = ", ".join(f for f in known if f != "color")
        raise SchemeError(f"{what}: unknown field {unknown[0]!r} (it takes {shown})")


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SchemeError(f"{what}: give a text, not {value!r}")
    return value.strip()


def _label(item: dict, n: int, reserved: dict[str, str]) -> Label:
    name = _text(item.get("name"), f"label {n}'s name")
    _fields(item, _LABEL_FIELDS, f"label {name!r}")
    check_name(name)
    key = _key(item.get("key"), f"label {name!r}")
    if key in reserved:
        raise SchemeError(f"label {name!r}: key {key!r} is the screen's key for {reserved[key]}")
    colour = item.get("colour", item.get("color"))
    if colour is None:
        raise SchemeError(f"label {name!r}: give it a colour (a name such as \"red\", or \"$success-muted\")")
    colour = _text(colour, f"label {name!r}'s colour")
    if not known_colour(colour):
        raise SchemeError(f"label {name!r}: colour {colour!r} is none the screen knows (a name such as \"red\", "
                          "\"#ff8800\", or a theme variable such as \"$success-muted\")")
    definition = item.get("definition", "")
    if not isinstance(definition, str):
        raise SchemeError(f"label {name!r}: its definition must be a text")
    examples = item.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise SchemeError(f"label {name!r}: examples must be a list of texts")
    return Label(name, key, colour, definition.strip(), tuple(e.strip() for e in examples))


def check_name(name: str) -> None:
    """Raise SchemeError unless `name` can be a label's name: at most MAX_NAME printable characters
    without spaces, commas or '=' (they would break --map old=new,...), and not 'ambiguous'."""
    if len(name) > MAX_NAME or any(ch.isspace() or ch in ",=" for ch in name) or not name.isprintable():
        raise SchemeError(f"label name {name!r}: at most {MAX_NAME} characters, without spaces, commas or '='")
    if name == AMBIGUOUS:
        raise SchemeError(f"label name {name!r} is what review calls a unit left undecided; choose another")


def _key(value, whose: str) -> str:
    # a letter: digits pick labels by their place in the scheme, and other characters have key names
    if not isinstance(value, str) or len(value) != 1 or not value.isalpha():
        raise SchemeError(f"{whose}: its key must be one letter, not {value!r}")
    return value


def _second(data, names: list[str]) -> Second | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise SchemeError("[second]: give question, when and answers")
    _fields(data, _SECOND_FIELDS, "[second]")
    question = _text(data.get("question"), "[second] question")
    when = data.get("when")
    if not isinstance(when, list) or not when:
        raise SchemeError("[second] when: give the list of labels the question follows")
    unknown = [w for w in when if w not in names]
    if unknown:
        raise SchemeError(f"[second] when: {', '.join(map(str, unknown))} not among the labels ({', '.join(names)})")
    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) < 2 or not all(isinstance(a, dict) for a in answers):
        raise SchemeError("[second] answers: give two or more, each {name = ..., key = ...}")
    found: list[Answer] = []
    for a in answers:
        _fields(a, _ANSWER_FIELDS, f"[second] answer {a.get('name')!r}")
        answer = Answer(_text(a.get("name"), "[second] answer's name"), _key(a.get("key"), f"answer {a.get('name')!r}"))
        # names differing only in case would be two columns of one answer in exports
        if any(o.name.casefold() == answer.name.casefold() or o.key == answer.key for o in found):
            raise SchemeError(f"[second] answers: {answer.name!r} repeats a name or a key")
        found.append(answer)
    return Second(question, tuple(dict.fromkeys(when)), tuple(found))


def screen_keys() -> dict[str, str]:
    """{key: what it does} of the annotation and review screens' own bindings (not the label keys), which
    a label's key must not take. Asked of tui/bindings.py, imported here only, when a scheme is checked."""
    from annotator.tui.bindings import ANNOTATE, REVIEW

    taken: dict[str, str] = {}
    for binding in ANNOTATE + REVIEW:
        if binding.action.startswith(("label('", "decide('")) and binding.action != f"decide('{AMBIGUOUS}')":
            continue
        for key in binding.key.split(","):
            taken.setdefault(key, binding.description or binding.action)
    return taken


def known_colour(name: str) -> bool:
    """A colour the screen can draw: a name or #hex Textual parses, or one of its theme variables."""
    from textual.color import Color, ColorParseError  # the screen draws it: its own parser judges
    from textual.design import ColorSystem

    if name.startswith("$"):
        base = name[1:]
        for suffix in ("-muted", *(f"-{way}-{n}" for way in ("lighten", "darken") for n in (1, 2, 3))):
            base = base.removesuffix(suffix)
        return base in ColorSystem.COLOR_NAMES
    try:
        Color.parse(name)
    except ColorParseError:
        return False
    return True


# -- changing a project's scheme -----------------------------------------------------------------

def parse_map(text: str | None) -> dict[str, str]:
    """{old: new} from "old=new,old2=new2". Raises SchemeError for a pair that is not old=new."""
    mapping: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        old, sep, new = (part.strip() for part in pair.partition("="))
        if not sep or not old or not new:
            raise SchemeError(f"--map: {pair.strip()!r} is no old=new pair")
        if old in mapping and mapping[old] != new:
            raise SchemeError(f"--map: {old} is mapped twice ({mapping[old]}, {new})")
        mapping[old] = new
    return mapping


def set_scheme(store, new: Scheme, mapping: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Make `new` the project's scheme. Labels it drops that are in use (current labels, current
    decisions, rules, suggestions or control items) must each be mapped to one of its labels; they are
    mapped by new events (see Store.save_scheme). The map joins the scheme's retired labels, so a
    merged copy still on an old label is mapped on arrival. Returns {old label: (labels, decisions)
    mapped}. Raises SchemeError naming the labels in use without a mapping, or a mapping that does not fit."""
    old = get(store)
    kept = set(new.names())
    in_use = store.labels_in_use()
    for source, target in mapping.items():
        if source in kept:
            raise SchemeError(f"--map {source}={target}: {source} stays in the new scheme; map only labels it drops")
        if target not in kept:
            raise SchemeError(f"--map {source}={target}: {target} is not a label of {new.shown()}")
        if source not in old.names() and not in_use.get(source) and source not in old.retired_map():
            raise SchemeError(f"--map {source}={target}: {source} is not one of the project's current labels "
                              f"({', '.join(old.names())})")
    unmapped = [label for label in (*old.names(), *sorted(set(in_use) - set(old.names()) - {AMBIGUOUS}))
                if label not in kept and in_use.get(label) and label not in mapping]
    if unmapped:
        shown = ", ".join(f"{label} ({in_use[label]})" for label in unmapped)
        raise SchemeError(f"labels in use that {new.shown()} drops: {shown}; map each with --map old=new "
                          f"(e.g. --map {unmapped[0]}={new.names()[0]})")
    retired = {was: mapping.get(now, now) for was, now in old.retired_map().items()} | mapping
    new = replace(new, retired=tuple((was, now) for was, now in retired.items() if was not in kept and now in kept))
    return store.save_scheme(new.to_json(), mapping)
