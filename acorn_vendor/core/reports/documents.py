"""Read a vendor report document (plain or gzip JSON) into rows ready for bulk loading.

Amazon's documents break their own schemas in known ways, so the reader checks each field
against the schema's kind but tolerates what Amazon really sends (analytics.md §1.3):

- **nulls stay null**: a ``null`` (even in a required field) is kept as None, never 0, and
  counted in ``null_required`` so a screen can say which fields came empty;
- **fields Amazon adds later** (``sourceableProductOutOfStockRate``…) are left out of the
  rows and the frames but listed in ``unknown_fields``; the caller archives the raw document;
- **floats where integers were**: an integral float in an integer field is read as int; a
  fraction there is kept as a float and noted in ``warnings`` (forecast units turned float in
  2025; the schema already says number for those);
- a value of the wrong type (text where a number belongs, a date that is no date) is an
  error naming the field and its place (``$.salesByAsin[12].shippedUnits``): a document is
  read whole or not at all;
- a FATAL report's document ``{"errorDetails": …}`` raises ReportFatalError with Amazon's
  words and a hint.

Two outputs: ``rows`` / ``aggregate`` keep Amazon's field names and values (money as
``{amount, currencyCode}``, as the ``--json`` CLI prints them), and ``frame()`` gives a pandas
DataFrame for bulk loading: key columns (``KEY_COLUMNS``, snake_case, ours) followed by one
column per schema field under Amazon's name, typed (nullable Int64 / Float64, dates as
datetime64, money as its amount plus one ``currency`` column).
"""

import gzip
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat

import orjson

from .report_types import REPORT_TYPES, report_type, sections

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
MAX_PROBLEMS = 20
KEY_COLUMNS = (
    "report_type",
    "marketplace_id",
    "selling_program",
    "distributor_view",
    "report_period",
    "period_start",
    "period_end",
    "asin",
)
# Where each report keeps the start and end of a row's period.
_PERIOD_FIELDS = (
    ("startDate", "endDate"),
    ("startTime", "endTime"),
    ("startDateTime", "endDateTime"),
)


class ReportDocumentError(ValueError):
    """A document that cannot be read; ``problems`` is a list of (where, what)."""

    def __init__(self, source, problems):
        self.source = source
        self.problems = list(problems)
        shown = "; ".join(f"{where}: {what}" for where, what in self.problems[:MAX_PROBLEMS])
        more = len(self.problems) - MAX_PROBLEMS
        tail = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{source} cannot be read: {shown}{tail}")


class ReportFatalError(ReportDocumentError):
    """Amazon ended the report FATAL; ``error_details`` is its reason, ``hint`` what to do."""

    def __init__(self, source, error_details):
        self.error_details = error_details
        self.hint = fatal_hint(error_details)
        super().__init__(source, [("$.errorDetails", f"{error_details} -- {self.hint}")])


def fatal_hint(details):
    """What usually fixes a FATAL vendor report, from Amazon's reason (analytics.md §1.3)."""
    text = (details or "").lower()
    if "reportoption" in text or "requires the" in text:
        return (
            "send reportOptions as a map of strings with every option the report type "
            "requires (reportPeriod, distributorView, sellingProgram)"
        )
    if any(w in text for w in ("sunday", "saturday", "first day", "last day", "period")):
        return (
            "align dataStartTime/dataEndTime with the reportPeriod: WEEK runs Sunday to "
            "Saturday, MONTH/QUARTER/YEAR from the first to the last day"
        )
    if any(w in text for w in ("exceed", "range", "lookback", "within the last")):
        return "shorten the range (DAY: at most 15 days) or request a more recent period"
    if "iso-8601" in text or "zoned" in text:
        return "send the option dates as zoned ISO-8601 date-times such as 2026-01-01T00:00:00Z"
    if "forbidden" in text or "unauthorized" in text or "role" in text:
        return "the application needs the Brand Analytics (or Selling Partner Insights) role"
    return (
        "a FATAL vendor report is usually wrong period boundaries, a range too long, data "
        "not available yet (retry after 72 hours) or a missing role"
    )


@dataclass
class ReportDocument:
    """A decoded, checked report document."""

    report_type: str
    options: dict
    specification: dict
    sources: dict  # "rows"/"aggregate" -> (Amazon's items, keys to leave out of them)
    columns: dict  # "rows"/"aggregate" -> {column name: list of values}
    unknown_fields: Counter = field(default_factory=Counter)  # (array path, field) -> count
    null_required: Counter = field(default_factory=Counter)  # (array path, field) -> count
    warnings: list = field(default_factory=list)

    @property
    def rows(self):
        """Per-ASIN rows with Amazon's field names and values, without unknown fields."""
        return self._view("rows")

    @property
    def aggregate(self):
        return self._view("aggregate")

    def _view(self, kind):
        # Filtered only when asked: a bulk load reads the columns, never these dicts.
        items, drop = self.sources[kind]
        if drop:
            items = [{k: v for k, v in item.items() if k not in drop} for item in items]
            self.sources[kind] = (items, frozenset())
        return items

    @property
    def marketplace_id(self):
        ids = self.specification.get("marketplaceIds") or [None]
        return ids[0]

    def to_json(self):
        """What ``./acorn reports parse --json`` prints."""
        return {
            "report_type": self.report_type,
            "options": self.options,
            "rows": self.rows,
            "aggregate": self.aggregate,
        }

    def notes(self):
        """Human lines: unknown fields, nulls in required fields, warnings."""
        out = [
            f"{path}.{name}: field not in Amazon's schema, ignored ({count} rows)"
            for (path, name), count in sorted(self.unknown_fields.items())
        ]
        out += [
            f"{path}.{name}: required by the schema but null in {count} rows (kept null)"
            for (path, name), count in sorted(self.null_required.items())
        ]
        return out + list(self.warnings)

    def frame(self, section="rows"):
        """A typed pandas DataFrame of the rows (or the aggregate) for bulk loading."""
        import pandas as pd  # noqa: PLC0415 - pandas only when a frame is asked for

        if section not in ("rows", "aggregate"):
            raise ValueError(f"section must be 'rows' or 'aggregate', not {section!r}")
        data = self.columns.get(section, {})  # the forecast has no aggregate
        count = len(next(iter(data.values()))) if data else 0
        start, end = period_names(self.report_type, section)
        kinds = column_kinds(self.report_type, section)
        out = {
            "report_type": pd.Categorical([self.report_type] * count),
            "marketplace_id": pd.Categorical([self.marketplace_id] * count),
            "selling_program": pd.Categorical([self.options.get("sellingProgram")] * count),
            "distributor_view": pd.Categorical([self.options.get("distributorView")] * count),
            "report_period": pd.Categorical([self.options.get("reportPeriod")] * count),
            "period_start": _typed(pd, data.get(start, [None] * count), kinds.get(start)),
            "period_end": _typed(pd, data.get(end, [None] * count), kinds.get(end)),
            "asin": pd.array(data.get("asin", [None] * count), dtype="string"),
        }
        for name, values in data.items():
            if name not in (start, end, "asin"):  # those are the key columns
                out[name] = _typed(pd, values, kinds.get(name, "string"))
        return pd.DataFrame(out)


def _typed(pd, values, kind):
    """One column as a typed pandas array; None stays missing (never 0)."""
    import numpy as np  # noqa: PLC0415

    if kind in ("integer", "number", "money"):
        if None in values:
            mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
            filled = [0 if v is None else v for v in values]
        else:
            mask, filled = np.zeros(len(values), dtype=bool), values
        # numpy would cut a fraction Amazon sent in an integer field: such a column is float.
        if kind == "integer" and set(map(type, filled)) <= {int}:
            return pd.arrays.IntegerArray(np.array(filled, dtype=np.int64), mask)
        return pd.arrays.FloatingArray(np.array(filled, dtype=np.float64), mask)
    if kind in ("date", "datetime"):
        # Few distinct dates in many rows: parse each once, then spread them by code.
        codes, uniques = pd.factorize(pd.Series(values, dtype="object"))
        if kind == "date":
            parsed = pd.to_datetime(pd.Series(uniques, dtype="object"), format="%Y-%m-%d")
        else:
            # Each text parsed alone: Amazon mixes Z and offsets (and pandas 1.5 lacks ISO8601).
            stamps = [pd.Timestamp(text) for text in uniques]
            parsed = pd.Series(
                [t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC") for t in stamps],
                dtype="datetime64[ns, UTC]",
            )
        taken = parsed.take(np.where(codes < 0, 0, codes)) if len(parsed) else parsed
        result = pd.Series(taken.to_numpy(), dtype=parsed.dtype) if len(parsed) else None
        if result is None:
            return pd.Series([pd.NaT] * len(values), dtype="datetime64[ns]")
        result[codes < 0] = pd.NaT
        return result
    if kind == "boolean":
        return pd.array(values, dtype="boolean")
    return pd.array(values, dtype="string")


def period_names(name, section):
    names = {f.name for s in _flat_sections(name, section) for f in s.fields}
    for start, end in _PERIOD_FIELDS:
        if start in names:
            return start, end
    return None, None


def column_kinds(name, section):
    kinds = {}
    for sec in _flat_sections(name, section):
        for f in sec.fields:
            kinds[f.name] = f.kind
    if any(k == "money" for k in kinds.values()) or name == "GET_VENDOR_REAL_TIME_SALES_REPORT":
        kinds["currency"] = "string"
    return kinds


def _flat_sections(name, section):
    """The Sections whose fields make one row of ``section`` (parents first)."""
    rtype = report_type(name)
    path = rtype.rows if section == "rows" else rtype.aggregate
    if not path:
        return []
    sec = sections(name)[path[0]]
    out = [sec]
    for child in path[1:]:
        if sec.child_name != child:
            raise ValueError(f"{name}: {child} is not inside {sec.path}")
        sec = sec.child
        out.append(sec)
    return out


# ---- decoding -------------------------------------------------------------------------------


def decode(data, source="document"):
    """bytes (gzip or plain), str or an already decoded object -> the JSON object."""
    if isinstance(data, (dict, list)):
        return data
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ReportDocumentError(
                source, [("gzip", f"not a complete gzip file: {exc}")]
            ) from None
    if data[:3] == UTF8_BOM:
        data = data[3:]
    # orjson: two to three times json's speed on these documents (bench_reports_core.py).
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise ReportDocumentError(
                source, [(f"byte {bad.start}", "not UTF-8 text (nor gzip)")]
            ) from None
        raise ReportDocumentError(
            source, [(f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from None


def read_document(data, expected_type=None, source="document", strict=False, careful=False):
    """Decode and check one report document; returns a ReportDocument.

    ``expected_type`` is the reportType Acorn asked for (checked against the document);
    ``strict`` also runs Amazon's full JSON schema, which real documents often fail (nulls in
    required fields), so it is for the sandbox and tests rather than imports. ``careful``
    reads flat reports row by row, as nested ones are read: the same result, slower (the
    tests prove both roads agree).
    """
    doc = decode(data, source)
    if not isinstance(doc, dict):
        raise ReportDocumentError(source, [("$", f"expected a JSON object, got {_kind(doc)}")])
    if "errorDetails" in doc and "reportSpecification" not in doc:
        raise ReportFatalError(source, doc["errorDetails"])
    spec = doc.get("reportSpecification")
    name = _document_type(doc, spec, expected_type, source)
    if strict:
        from ..spapi_models import PayloadInvalid, validate_report  # noqa: PLC0415

        try:
            validate_report(name, doc)
        except PayloadInvalid as exc:
            raise ReportDocumentError(source, exc.errors) from None
    options = spec.get("reportOptions") if isinstance(spec, dict) else None
    if options is not None and not isinstance(options, dict):
        raise ReportDocumentError(
            source, [("$.reportSpecification.reportOptions", "expected an object")]
        )
    reader = _Reader(name, source, options or {}, careful)
    rtype = REPORT_TYPES[name]
    rows = reader.section(doc, rtype.rows, "rows")
    aggregate = reader.section(doc, rtype.aggregate, "aggregate") if rtype.aggregate else ([], ())
    if reader.problems:
        raise ReportDocumentError(source, reader.problems)
    for key in doc:
        if key not in ("reportSpecification", "errorDetails") and key not in sections(name):
            reader.unknown[("$", key)] += 1
    return ReportDocument(
        report_type=name,
        options=dict(options or {}),
        specification=spec if isinstance(spec, dict) else {},
        sources={"rows": rows, "aggregate": aggregate},
        columns=reader.columns,
        unknown_fields=reader.unknown,
        null_required=reader.nulls,
        warnings=reader.warnings,
    )


def _kind(value):
    return type(value).__name__ if value is not None else "null"


def _document_type(doc, spec, expected, source):
    name = spec.get("reportType") if isinstance(spec, dict) else None
    if name is None:  # promotions and coupons may come without it: tell by the arrays
        found = [
            n
            for n, rt in REPORT_TYPES.items()
            if rt.rows[0] in doc and sections(n).keys() <= doc.keys()
        ]
        name = expected or (found[0] if len(found) == 1 else None)
    if name is None:
        raise ReportDocumentError(
            source,
            [("$.reportSpecification.reportType", "missing; cannot tell which report this is")],
        )
    if name not in REPORT_TYPES:
        raise ReportDocumentError(
            source,
            [
                (
                    "$.reportSpecification.reportType",
                    f"{name} is not a vendor report Acorn reads ({', '.join(REPORT_TYPES)})",
                )
            ],
        )
    if expected and name != expected:
        raise ReportDocumentError(
            source,
            [("$.reportSpecification.reportType", f"is {name}, but {expected} was requested")],
        )
    return name


class _Reader:
    """One pass over a section: checks each field and fills Amazon-named rows and columns."""

    def __init__(self, name, source, options, careful=False):
        self.name = name
        self.careful = careful
        self.source = source
        self.options = options
        self.problems = []
        self.unknown = Counter()
        self.nulls = Counter()
        self.warnings = []
        self.columns = {}
        self._dates = set()  # date strings already found valid
        self._datetimes = set()
        self._enum_seen = set()

    def section(self, doc, path, kind):
        chain = _flat_sections(self.name, kind)
        columns = {}
        for sec in chain:
            for f in sec.fields:
                columns[f.name] = []
        needs_currency = any(f.kind == "money" for s in chain for f in s.fields)
        rt_currency = self.options.get("currencyCode")
        if needs_currency or self.name == "GET_VENDOR_REAL_TIME_SALES_REPORT":
            columns["currency"] = []
        self.columns[kind] = columns
        items = doc.get(path[0])
        if items is None:
            if path[0] in doc or kind == "rows":
                self.problems.append((f"$.{path[0]}", "missing (the schema requires it)"))
            return [], ()
        if not isinstance(items, list):
            self.problems.append((f"$.{path[0]}", f"expected an array, got {_kind(items)}"))
            return [], ()
        if not self.careful and len(chain) == 1 and all(type(item) is dict for item in items):
            return self._flat(items, chain[0], f"$.{path[0]}", columns, rt_currency)
        out = []
        self._walk(items, chain, f"$.{path[0]}", {}, (), columns, out, rt_currency)
        return out, ()

    def _flat(self, items, sec, where, columns, rt_currency):
        """A flat array (every report but promotions and coupons) checked column by column:
        one pass per field over C-level list building and type sets, value by value only
        where a column holds something unusual."""
        known = sec.names
        keys = set().union(*items) if items else set()
        drop = frozenset(keys - known) | ({sec.child_name} if sec.child_name else frozenset())
        for key in keys - known:
            self.unknown[(sec.path, key)] += sum(key in item for item in items)
        money = []
        for f in sec.fields:
            name = f.name
            values = list(map(dict.get, items, repeat(name)))  # item.get(name), in C
            types = set(map(type, values))
            if f.required and type(None) in types:
                self.nulls[(sec.path, name)] += values.count(None)
            types.discard(type(None))
            if f.kind == "money":
                money.append(name)
            columns[name] = self._column(f, values, types, where)
        if "currency" in columns:
            columns["currency"] = self._currencies(items, money, where, rt_currency, columns)
        return items, drop

    def _column(self, f, values, types, where):
        kind = f.kind
        plain = {
            "integer": {int},
            "number": {float},
            "string": {str},
            "boolean": {bool},
            "date": {str},
            "datetime": {str},
        }.get(kind)
        if plain is not None and types <= plain:
            if kind in ("date", "datetime") and not self._dates_ok(f, values, where):
                return values
            if f.enum is not None:
                self._enum_check(f, values, where)
            return values
        if kind == "number" and types <= {int, float}:
            return [None if v is None else float(v) for v in values]
        if kind == "money" and types <= {dict}:
            amounts = [None if v is None else v.get("amount") for v in values]
            amount_types = set(map(type, amounts))
            if amount_types <= {float, type(None)}:
                return amounts
            if amount_types <= {float, int, type(None)}:
                return [None if a is None else float(a) for a in amounts]
        out = []  # the slow road: value by value, locating each problem
        for index, value in enumerate(values):
            if value is None:
                out.append(None)
                continue
            ok, converted = self._convert(f, value, f"{where}[{index}]")
            out.append(converted if ok else None)
        return out

    def _dates_ok(self, f, values, where):
        memo = self._dates if f.kind == "date" else self._datetimes
        check = self._date_ok if f.kind == "date" else self._datetime_ok
        ok = True
        for value in set(values) - memo - {None}:
            if check(value):
                memo.add(value)
                continue
            expected = "a date YYYY-MM-DD" if f.kind == "date" else "an ISO-8601 date-time"
            self._bad(f"{where}[{values.index(value)}]", f, value, expected)
            ok = False
        return ok

    def _enum_check(self, f, values, where):
        for value in set(values) - set(f.enum) - {None}:
            self._enum_warning(f, value, f"{where}[{values.index(value)}]")

    def _enum_warning(self, f, value, at):
        """Once per field and value, at its first row: a new value is usually everywhere."""
        if (f.name, value) not in self._enum_seen:
            self._enum_seen.add((f.name, value))
            self.warnings.append(
                f"{at}.{f.name}: {value!r} is not one of Amazon's documented values "
                f"({', '.join(f.enum)}); kept"
            )

    def _currencies(self, items, money, where, rt_currency, columns):
        """Per row: the currency of its money values (None for a row without any)."""
        if not money:
            return [rt_currency] * len(items)
        found = set()
        for name in money:
            found.update(
                v.get("currencyCode") for item in items if type(v := item.get(name)) is dict
            )
        found.discard(None)
        if len(found) <= 1:
            code = next(iter(found), None)
            nothing = (None,) * len(money)
            return [
                None if amounts == nothing else code
                for amounts in zip(*(columns[name] for name in money), strict=True)
            ]
        return [
            self._row_currency(item, money, f"{where}[{index}]") for index, item in enumerate(items)
        ]

    def _row_currency(self, item, money, at):
        codes = {
            v.get("currencyCode")
            for name in money
            if type(v := item.get(name)) is dict and v.get("amount") is not None
        }
        if len(codes) > 1:
            self.problems.append(
                (at, f"money in more than one currency: {', '.join(sorted(map(str, codes)))}")
            )
        return codes.pop() if len(codes) == 1 else None

    def _walk(self, items, chain, where, parent_row, parent_values, columns, out, currency):
        """The careful road, row by row: nested arrays (promotions, coupons), arrays holding
        something else than objects, and ``careful=True``."""
        sec = chain[0]
        last = len(chain) == 1
        money = [f.name for f in sec.fields if f.kind == "money"]
        for index, item in enumerate(items):
            at = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problems.append((at, f"expected an object, got {_kind(item)}"))
                continue
            clean, values = self._row(sec, item, at)
            if clean is None:
                if money:  # name a mix of currencies too, as the fast road does
                    self._row_currency(item, money, at)
                continue
            row = {**parent_row, **clean} if parent_row else clean
            vals = parent_values + values
            if last:
                out.append(row)
                for name, value in vals:
                    columns[name].append(value)
                if "currency" in columns:
                    cur = self._row_currency(item, money, at) if money else currency
                    columns["currency"].append(cur)
                continue
            children = item.get(chain[1].path.rsplit(".", 1)[1])
            child_at = f"{at}.{sec.child_name}"
            if children is None:
                children = []
            if not isinstance(children, list):
                self.problems.append((child_at, f"expected an array, got {_kind(children)}"))
                continue
            self._walk(children, chain[1:], child_at, row, vals, columns, out, currency)

    def _row(self, sec, item, at):
        known = sec.names
        if not known.issuperset(item):
            for key in item.keys() - known:
                self.unknown[(sec.path, key)] += 1
        clean = {k: v for k, v in item.items() if k in known and k != sec.child_name}
        values = []
        failed = False
        for f in sec.fields:
            value = item.get(f.name)
            if value is None:
                if f.required:
                    self.nulls[(sec.path, f.name)] += 1
                values.append((f.name, None))
                continue
            ok, value = self._convert(f, value, at)
            failed = failed or not ok  # go on: every bad value of the row is named
            if ok and f.enum is not None and value not in f.enum:
                self._enum_warning(f, value, at)
            values.append((f.name, value))
        if failed:
            return None, None
        return clean, tuple(values)

    def _convert(self, f, value, at):
        """(True, the column value) or (False, None) with the problem recorded."""
        kind = f.kind
        tp = type(value)
        if kind == "integer":
            if tp is int:
                return True, value
            if tp is float:
                if value.is_integer():
                    return True, int(value)
                self.warnings.append(
                    f"{at}.{f.name}: {value} has a fraction though the schema says integer; "
                    "kept as sent"
                )
                return True, value
            return self._bad(at, f, value, "an integer")
        if kind == "number":
            if tp is float or tp is int:
                return True, float(value)
            return self._bad(at, f, value, "a number")
        if kind == "money":
            return self._money(f, value, at)
        if kind == "date":
            if tp is str and (value in self._dates or self._date_ok(value)):
                self._dates.add(value)
                return True, value
            return self._bad(at, f, value, "a date YYYY-MM-DD")
        if kind == "datetime":
            if tp is str and (value in self._datetimes or self._datetime_ok(value)):
                self._datetimes.add(value)
                return True, value
            return self._bad(at, f, value, "an ISO-8601 date-time")
        if kind == "boolean":
            return (True, value) if tp is bool else self._bad(at, f, value, "true or false")
        return (True, value) if tp is str else self._bad(at, f, value, "text")

    def _money(self, f, value, at):
        amount = value.get("amount") if type(value) is dict else None
        code = value.get("currencyCode") if type(value) is dict else None
        if type(value) is dict and amount is None:
            return True, None  # {"amount": null}: null, like a null field
        if type(amount) not in (int, float) or not isinstance(code, str):
            return self._bad(at, f, value, "{amount: number, currencyCode: text}")
        return True, float(amount)

    def _bad(self, at, f, value, expected):
        self.problems.append((f"{at}.{f.name}", f"expected {expected}, got {value!r}"))
        return False, None

    @staticmethod
    def _date_ok(value):
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return len(value) == 10

    @staticmethod
    def _datetime_ok(value):
        if not isinstance(value, str):
            return False
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
