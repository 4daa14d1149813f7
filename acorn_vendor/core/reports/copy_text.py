"""A report document's rows as PostgreSQL ``COPY ... FROM STDIN`` text, built straight from the
reader's checked columns.

Why not pandas ``to_csv``: the reader already holds one Python list per field, checked and
typed; turning each list into text with ``map(str, ...)`` and joining rows with
``str.join`` costs a fraction of building a DataFrame and writing CSV from it (measured in
bench/bench_reports_core.py), and 100,000 rows/s leaves about ten microseconds per row for
everything. Text format rules: ``\\N`` is NULL (a null from Amazon stays NULL, never 0), and
backslash, tab, newline and carriage return inside a value are escaped.

``CopyStream`` hands the rows to psycopg2's ``copy_expert`` a chunk at a time, so PostgreSQL
parses one chunk while Python builds the next (two processes, two cores).
"""

from datetime import UTC, datetime
from itertools import repeat

from .documents import column_kinds, period_names

NULL = "\\N"
_SPECIAL = ("\\", "\t", "\n", "\r")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# What a target column takes: a day, a UTC date-time without zone, or anything else as text.
DATE, DATETIME, TEXT = "date", "datetime", "text"


def escape(value):
    """One value as COPY text (None -> NULL)."""
    if value is None:
        return NULL
    return str(value).translate(_ESCAPES)


def _strings(values):
    if any(c in "\x00".join(filter(None, values)) for c in _SPECIAL):
        return [escape(v) for v in values]
    if None in values:
        return [NULL if v is None else v for v in values]
    return values


def _moments(values, target):
    """ISO-8601 date-times (Z or an offset) -> UTC text: the day, or 'YYYY-MM-DD HH:MM:SS'.
    Few distinct hours in many rows: each text is converted once."""
    memo = {None: NULL}
    for value in set(values) - memo.keys():
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        memo[value] = moment.date().isoformat() if target == DATE else f"{moment:%Y-%m-%d %H:%M:%S}"
    return [memo[v] for v in values]


def text_column(values, kind, target=TEXT):
    """One checked column (the reader's ``kind``) as a list of COPY text values, or None
    when every value is null (Amazon's per-ASIN rows lack the aggregate-only rates)."""
    if values.count(None) == len(values):
        return None
    if kind == "datetime":
        return _moments(values, target)
    if kind in ("string", "date"):  # dates were checked YYYY-MM-DD: the text is the value
        return _strings(values)
    if kind not in ("integer", "number", "money", "boolean"):
        return [escape(v) for v in values]
    if None in values:  # numbers and booleans: "None" is only ever a null here
        return "\t".join(map(str, values)).replace("None", NULL).split("\t")
    return list(map(str, values))


def section_count(doc, section):
    data = doc.columns.get(section) or {}
    return len(next(iter(data.values()))) if data else 0


def section_columns(doc, section, wanted):
    """The COPY text lists of ``wanted`` [(name, target)] for one section ("rows" or
    "aggregate"): a name is one of Amazon's fields or ``period_start``/``period_end`` (the
    row's own period fields, whatever the report calls them); a field the section lacks is
    None (all NULL)."""
    data = doc.columns.get(section) or {}
    start, end = period_names(doc.report_type, section)
    kinds = column_kinds(doc.report_type, section)
    aliases = {"period_start": start, "period_end": end}
    out = []
    for name, target in wanted:
        source = aliases.get(name, name)
        values = data.get(source)
        out.append(None if values is None else text_column(values, kinds.get(source), target))
    # None: every value NULL (CopyStream repeats NULL)
    return out


class CopyStream:
    """A read-only file of COPY text rows for ``cursor.copy_expert``: ``columns`` are equal
    length lists of text (None: all NULL), ``constants`` the text values every row ends with
    (the key columns Acorn adds). Rows are made ``chunk`` at a time, when PostgreSQL asks."""

    def __init__(self, columns, constants=(), chunk=20000):
        self.count = max((len(c) for c in columns if c is not None), default=0)
        self.columns = list(columns)
        self.suffix = "".join("\t" + c for c in constants) + "\n"
        self.chunk = chunk
        self.start = 0

    def read(self, _size=-1):
        if self.start >= self.count:
            return ""
        stop = min(self.start + self.chunk, self.count)
        parts = [
            repeat(NULL, stop - self.start) if column is None else column[self.start : stop]
            for column in self.columns
        ]
        self.start = stop
        return self.suffix.join(map("\t".join, zip(*parts, strict=False))) + self.suffix

    readline = read
