"""A team's project: its settings, handing out documents, and how far everyone has got.

Free of any UI: the CLI prints what these functions return, the screens show it.
"""

from __future__ import annotations

import math
from collections import defaultdict

from annotator import scheme
from annotator.quality.accuracy import accuracy_words, score
from annotator.quality.control import check_setting
from annotator.store import Store
from annotator.store.routing import LEASE_S, ORDERS
from annotator import timestamps
from annotator.timestamps import now
from annotator.wording import cut, pad

ACTIVE_GAP_S = 5 * 60  # a pause longer than this between two labels is not working time
MIN_ACTIVE_S = 60  # less work than this gives no rate: a burst of keys is not a pace


CONTROL_SETTINGS = ("control-rate", "min-accuracy", "min-control-answers")


class SettingError(ValueError):
    """A project setting refused, told in one line."""


def set_setting(store: Store, key: str, value: str) -> str:
    """Check and store one project setting; returns what is now in force, in words."""
    value = value.strip().lower()
    if key == "overlap":
        if value != "all":
            try:
                n = int(value)
            except ValueError:
                raise SettingError(f"overlap: {value!r} is not a number of annotators or 'all'") from None
            if n < 1:
                raise SettingError("overlap: must be at least 1 (or 'all')")
            value = str(n)
        store.set_project("overlap", value)
        return f"overlap {value}: " + ("everyone labels every unit" if value == "all"
                                       else f"each unit is labeled by {value} annotator{'s' if value != '1' else ''}")
    if key == "order":
        if value not in ORDERS:
            raise SettingError(f"order: {value!r} is not one of {', '.join(ORDERS)}")
        if value == "uncertain" and not store.has_suggestions():
            raise SettingError("order uncertain needs model suggestions, and there are none yet (run annotator suggest)")
        store.set_project("order", value)
        return f"order {value}: documents are handed out " + {
            "doc": "in import order", "random": "in a fixed random order",
            "uncertain": "least sure suggestions first"}[value]
    if key in ("seed", "retrain-every"):
        try:
            n = int(value)
        except ValueError:
            raise SettingError(f"{key}: {value!r} is not a whole number") from None
        if key == "retrain-every" and n < 1:
            raise SettingError("retrain-every: must be at least 1 label")
        store.set_project(key.replace("-", "_"), str(n))
        return f"{key} {n}"
    if key in CONTROL_SETTINGS:
        try:
            stored = check_setting(key, value)
        except ValueError as err:
            raise SettingError(str(err)) from None
        store.set_project(key.replace("-", "_"), stored)
        return f"{key} {stored}: " + {
            "control-rate": "that share of each annotator's units are control units",
            "min-accuracy": "routing pauses an annotator whose control accuracy falls below it",
            "min-control-answers": "control answers before the quality check can pause anyone"}[key]
    raise SettingError(f"{key}: no such setting (overlap, order, seed, retrain-every, {', '.join(CONTROL_SETTINGS)})")


def project_view(store: Store) -> dict:
    """The settings as `project show` gives them."""
    project = store.project()
    return {"overlap": project["overlap"] if project["overlap"] is not None else "all",
            "order": project["order"], "seed": project["seed"], "retrain_every": project["retrain_every"],
            "lease_minutes": LEASE_S // 60, "control_rate": project["control_rate"],
            "min_accuracy": project["min_accuracy"] if project["min_accuracy"] is not None else "none",
            "min_control_answers": project["min_control_answers"]}


def next_document(store: Store, annotator: str, at: str | None = None) -> dict | None:
    """Lease this annotator their next document and describe it: the units they are to label."""
    doc = store.route_next(annotator, at or now())
    if doc is None:
        return None
    name, _title, _text = store.document(doc)
    indexes = set(store.leased_indices(annotator, doc))
    sentences = store.document_sentences(doc)
    return {
        "doc": name,
        "units": len({s.group_id for s in sentences if s.index in indexes}),
        "sentences": [{"index": s.index, "text": s.text} for s in sentences if s.index in indexes],
    }


def active_rate(times: list[str]) -> tuple[float, float | None]:
    """(active hours, labels per hour) of one annotator's label times, sorted: the gaps between two
    labels up to ACTIVE_GAP_S count as working time, longer ones as a pause. No rate under a minute's work."""
    # a time that is no time (stored by an older release) counts as no work rather than a crash
    seconds = sorted(s for s in map(timestamps.seconds, times) if s is not None)
    active = sum(gap for gap in (b - a for a, b in zip(seconds, seconds[1:])) if gap <= ACTIVE_GAP_S)
    hours = active / 3600
    return hours, (len(times) / hours if active >= MIN_ACTIVE_S else None)


def progress(store: Store, at: str | None = None) -> dict:
    """Per annotator: units labeled, units leased, labels per hour while active, agreement with the
    gold decision; for the project: completion at the overlap and the time left at the team's pace."""
    at = at or now()
    project = store.project()
    current: dict[str, dict[int, str]] = defaultdict(dict)
    for group, who, label in store.votes():
        current[who][group] = label
    times: dict[str, list[str]] = defaultdict(list)
    for who, created_at in store.label_times():
        times[who].append(created_at)
    leases = store.leases(at)
    control: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for who, expected, given in store.control_pairs():
        control[who].append((expected, given))
    decided: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for who, expected, given in store.decision_pairs():  # the one read `quality` scores too
        decided[who].append((expected, given))
    people = sorted(set(current) | set(leases) | set(times) | set(control) | set(decided))
    labels = scheme.labels(store)
    annotators = []
    team_rate = 0.0
    for who in people:
        hours, rate = active_rate(times.get(who, []))
        team_rate += rate or 0.0
        gold = score(decided[who], labels)
        annotators.append({
            "annotator": who,
            "units_labeled": len(current[who]),
            "units_leased": leases.get(who, (None, 0))[1],
            "leased_document": store.document(leases[who][0])[0] if who in leases else None,
            "active_hours": hours,
            "labels_per_hour": rate,
            "gold_units": gold.answers,
            "agrees_with_gold": gold.accuracy,
            "gold_interval": gold.interval,
            "control": score(control[who], labels).as_json(),
        })
    coverage = store.coverage()
    units = sum(coverage.values())
    target = project["overlap"] or max(1, len(current))
    done = sum(n for k, n in coverage.items() if k >= target)
    left = sum((target - k) * n for k, n in coverage.items() if k < target)
    return {
        "overlap": project["overlap"] if project["overlap"] is not None else "all",
        "target_annotators": target,
        "units": units,
        "units_complete": done,
        "completion": done / units if units else None,
        "labels_left": left,
        "team_labels_per_hour": team_rate or None,
        "hours_left": (left / team_rate) if team_rate else (0.0 if left == 0 else None),
        "coverage": {str(k): n for k, n in coverage.items()},
        "annotators": annotators,
    }


def format_progress(report: dict, narrow: bool = False) -> str:
    """The progress report as a text table, 97 columns wide; `narrow`: 65 (for the screen on a narrow
    terminal), with shorter headings and scores in whole percent."""
    pct = lambda x: "n/a" if x is None else f"{100 * x:.1f}%"  # noqa: E731
    rate = lambda x: "n/a" if x is None else f"{x:.0f}"  # noqa: E731
    scored = lambda figures: accuracy_words(figures, narrow)  # noqa: E731
    name_w, num_w, held_w, rate_w, score_w = (16, 5, 4, 5, 15) if narrow else (16, 8, 7, 9, 26)
    heads = ("done", "held", "/hour", "gold agree", "control acc.") if narrow else (
        "labeled", "leased", "per hour", "gold agree", "control accuracy")
    lines = [f"{'annotator':<{name_w}} {heads[0]:>{num_w}} {heads[1]:>{held_w}} {heads[2]:>{rate_w}} "
             f"{heads[3]:>{score_w}} {heads[4]:>{score_w}}"]
    for a in report["annotators"]:
        gold = scored({"answers": a["gold_units"], "accuracy": a["agrees_with_gold"], "interval": a["gold_interval"]})
        lines.append(f"{_fit(a['annotator'], name_w)} {a['units_labeled']:>{num_w}} {a['units_leased']:>{held_w}} "
                     f"{rate(a['labels_per_hour']):>{rate_w}} {gold:>{score_w}} {scored(a['control']):>{score_w}}")
    if not report["annotators"]:
        lines.append("(nobody has labeled yet)")
    hours = report["hours_left"]
    eta = "n/a (no pace yet)" if hours is None else _duration(hours)
    lines += [
        "",
        f"overlap {report['overlap']}: {report['units_complete']} of {report['units']} units have "
        f"{report['target_annotators']} annotator{'s' if report['target_annotators'] != 1 else ''} "
        f"({pct(report['completion'])})",
        f"labels left {report['labels_left']}; team pace {rate(report['team_labels_per_hour'])} per hour; "
        f"time left about {eta}",
    ]
    return "\n".join(lines)


def _fit(name: str, width: int) -> str:
    """A name cut and padded to `width` terminal columns: a Chinese or Japanese character takes two."""
    return pad(cut(name, width, mark=False), width)


def _duration(hours: float) -> str:
    if hours == 0:
        return "none"
    if hours < 1:
        return f"{max(1, math.ceil(hours * 60))} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"
