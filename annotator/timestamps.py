"""Times as the event history stores them: UTC ISO-8601 with milliseconds, "2025-06-02T10:00:00.500Z".

One fixed width for every event (a 4-digit year, always), so times compare as text in SQL and as
strings in Python alike; offsets are turned into UTC. A label time is one from 1970-01-01 to a day
from now: anything else (not a time, a year near 1 or 9999) is refused by `label_time`. `dateline`
reads the day a story's opening dateline gives ("BERLIN, March 3, 2025 (Reuters) -").
"""

from __future__ import annotations

import functools
import re
import threading
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

EARLIEST = "1970-01-01T00:00:00.000Z"
FUTURE_S = 86_400  # clocks of offline copies drift; a label more than a day ahead is no label time
HINT = "expected ISO-8601, e.g. 2025-06-02T10:00:00Z"

_STORED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# releases before this one wrote years below 1000 without their leading zeros ("999-01-01T...")
_SHORT_YEAR = re.compile(r"(\d{1,3})-")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LAST_DAY = datetime(9999, 12, 31, tzinfo=timezone.utc)
_last = datetime.min.replace(tzinfo=timezone.utc)
_lock = threading.Lock()


def now() -> str:
    """The time now; never the same as, or earlier than, the last time this process took, so two
    actions of one session (a decision, then its comment) keep their order even within a millisecond."""
    global _last
    with _lock:
        moment = datetime.now(timezone.utc)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # the stored precision
        if moment <= _last:
            moment = _last + timedelta(milliseconds=1)
        _last = moment
    return format_utc(moment)


def format_utc(moment: datetime) -> str:
    """The stored form of an aware time. Raises OverflowError when it has no UTC form (the year 1 at
    +02:00 falls in the year 0)."""
    m = moment.astimezone(timezone.utc)
    # not strftime: its %Y gives "999" for the year 999, which sorts after every current time
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}."
            f"{m.microsecond // 1000:03d}Z")


def parse(text: str) -> datetime | None:
    """An aware time from an ISO-8601 ("2025-06-02T12:00:00+02:00", "2025-06-02 10:00:00.5Z"), a
    stored time (also a short year an older release stored) or an RFC 2822 time ("Mon, 02 Jun 2025
    10:00:00 +0000"); None for what is not a time. A time without an offset is taken as UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    short = _SHORT_YEAR.match(value)
    if short:
        value = short.group(1).zfill(4) + value[short.end() - 1:]
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def to_utc(text: str) -> str | None:
    """The stored form of a time `parse` reads; None for what is not a time or has no UTC form."""
    moment = parse(text)
    if moment is None:
        return None
    try:
        return format_utc(moment)
    except OverflowError:
        return None


def latest_label_time() -> str:
    """The latest time a label may carry: a day from now (without taking a time as `now` does)."""
    return format_utc(datetime.now(timezone.utc) + timedelta(seconds=FUTURE_S))


def label_time(text: str, latest: str | None = None) -> str:
    """The stored form of a label's time, given as `parse` reads it; `latest` is `latest_label_time()`,
    taken once by a caller checking many.

    Raises ValueError, its message naming the value, for what is not a time, a time before 1970-01-01,
    or one more than a day in the future."""
    if isinstance(text, str) and _STORED.fullmatch(text) and _is_date(text[:23]):
        stored = text  # the common case, compared as text: the stored form sorts as time does
    else:
        moment = parse(text)
        if moment is None:
            raise ValueError(f"is not a time: {text!r} ({HINT})")
        # aware times compare without overflow, so a time with no UTC form of its own is placed too
        if moment < _EPOCH:
            stored = ""
        elif moment > _LAST_DAY:
            stored = "9999-12-31T23:59:59.999Z"
        else:
            stored = format_utc(moment)
    if stored < EARLIEST or stored > (latest or latest_label_time()):
        when = "before 1970-01-01" if stored < EARLIEST else "more than a day in the future"
        raise ValueError(f"is {when}: {text!r} (a label time is from 1970 to a day from now)")
    return stored


def _is_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:  # the stored shape, but the 13th month or the 30th of February
        return False
    return True


def shift(text: str, seconds: float) -> str:
    """A stored time moved by some seconds (back when negative), in the stored form."""
    return format_utc(parse(text) + timedelta(seconds=seconds))


def seconds(text: str) -> float | None:
    """Seconds since 1970 of a stored time (the short years older releases stored too); None for
    what is not a time."""
    moment = parse(text)
    return moment.timestamp() if moment is not None else None


_PLACE = r"(?:[^\W\d][^,\n\d]{0,40},\s*){0,3}"  # "BERLIN, ", "МОСКВА, ", "COLUMBUS, Ohio, "
# the dash ending a dateline ("--" too), after "(Reuters)", "(AFP)" or a wire's "/PRNewswire/"
_DASH = r"\s*(?:\([^()\n]{1,40}\)\s*|/[^/\n]{1,40}/\s*)?(?:--|[-–—])\s"
# month names tried after the text's language and English: a dateline keeps the wire's language
# ("PARIS, 3 mars 2025 (AFP) -" atop a story in English); the first language they match wins
_DATELINE_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk", "bg", "el", "tr", "sv", "da")


def dateline(text: str, language: str | None = None) -> str | None:
    """The day a clear dateline at the very start of a story gives, in the stored form (midnight
    UTC): "BERLIN, March 3, 2025 (Reuters) - ...", "03.03.2025 – ...", "PARIS, 3 mars 2025 (AFP) -
    ...", "МОСКВА, 3 марта 2025 г. — ...", "COLUMBUS, Ohio, June 3, 2024 /PRNewswire/ -- ..."; month
    names are those of `language` (ISO 639-1, CLDR's names through babel) and English, then those of
    the wires' other languages (_DATELINE_LANGUAGES). None when the text opens with no dateline, or with one without
    its year ("OSLO, May 2 -": the year would be a guess), or with no such day."""
    opening = text.lstrip()[:160]
    for names in dict.fromkeys([language or "en", *_DATELINE_LANGUAGES]):
        for pattern in _dateline_patterns(names):
            found = pattern.match(opening)
            if found:
                parts = found.groupdict()
                if parts.get("name"):
                    month = _month_numbers(names)[_month_key(parts["name"])]
                else:
                    month = int(parts["month"])
                try:
                    return format_utc(datetime(int(parts["year"]), month, int(parts["day"]), tzinfo=timezone.utc))
                except ValueError:  # the 31st of April
                    return None
    return None


def _month_key(name: str) -> str:
    return name.casefold().rstrip(".")


@functools.lru_cache(maxsize=64)
def _month_numbers(language: str) -> dict[str, int]:
    """Month names, wide and abbreviated, as written in a date ("марта") and alone ("март"), of the
    language and of English, casefolded, to their numbers."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in _locales(language):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names.setdefault(_month_key(name), number)
    return names


def _locales(language: str) -> list:
    """CLDR's locales (babel) of the language and of English, those babel knows."""
    from babel import Locale, UnknownLocaleError

    found = []
    for code in dict.fromkeys([language, "en"]):
        try:
            found.append(Locale.parse(code))
        except (ValueError, UnknownLocaleError):
            continue
    return found


def _dates(language: str) -> list[str]:
    """The written forms of a day with its year, as patterns with the groups day, month or name, year."""
    months = "|".join(re.escape(name) for name in sorted(_month_numbers(language), key=len, reverse=True))
    day, month, year = r"(?P<day>\d{1,2})", r"(?P<month>\d{1,2})", r"(?P<year>\d{4})"
    name = rf"(?P<name>(?:{months})\.?)"
    return [
        rf"{day}\.\s?{month}\.\s?{year}",  # 03.03.2025
        rf"{year}-{month}-{day}",  # 2025-03-03
        # 3. März 2025, 3 mars 2025; "year" abbreviated after it: 3 марта 2025 г., 3 marca 2025 r.
        rf"{day}\.?\s+{name}\s+{year}(?:\s*[гrр]\.)?",
        rf"{name}\s+{day},?\s+{year}",  # March 3, 2025
    ]


@functools.lru_cache(maxsize=64)
def _dateline_patterns(language: str) -> list[re.Pattern]:
    return [re.compile(_PLACE + date + _DASH, re.IGNORECASE) for date in _dates(language)]


@functools.lru_cache(maxsize=64)
def _date_line_patterns(language: str) -> list[re.Pattern]:
    from babel.dates import get_day_names

    names = set()
    for locale in _locales(language):
        for width in ("wide", "abbreviated"):
            names.update(get_day_names(width, "format", locale).values())
    weekday = "|".join(re.escape(name.rstrip(".")) for name in sorted(names, key=len, reverse=True))
    clock = r"(?:\s*[,|–—-]?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
    return [re.compile(rf"\s*(?:(?:{weekday})\.?,?\s+)?{date}{clock}\s*\.?\s*", re.IGNORECASE)
            for date in _dates(language)]


def is_date_line(text: str, language: str | None = None) -> bool:
    """Is a line nothing but a day ("Thursday, March 5, 2009", "Do., 5. März 2009 10:45", "05.03.2009"),
    as a site's masthead or a story's head show it? Month and weekday names as `dateline` reads them."""
    if len(text) > 80:
        return False
    return any(pattern.fullmatch(text) for names in dict.fromkeys([language or "en", *_DATELINE_LANGUAGES])
               for pattern in _date_line_patterns(names))


_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LOCAL_RFC_2822 = re.compile(r"(?:[^\W\d]+\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d]+)\.?,?\s+(\d{4})\b(.*)", re.DOTALL)


def to_utc_in(text: str, language: str | None = None) -> str | None:
    """`to_utc`, also of an RFC 2822 time written with the day and month names of `language` (ISO
    639-1), as feeds of other languages write them ("Di, 17 Okt 2023 08:30:00 +0200"); None for what
    is still no time."""
    found = to_utc(text)
    if found is not None or not language:
        return found
    local = _LOCAL_RFC_2822.fullmatch(text.strip())
    if not local:
        return None
    month = _month_numbers(language).get(_month_key(local.group(2)))
    if month is None:
        return None
    return to_utc(f"{local.group(1)} {_ENGLISH_MONTHS[month - 1]} {local.group(3)}{local.group(4)}")
