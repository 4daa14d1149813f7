"""The vendor report types Acorn reads, and their fields as Amazon's report schemas define them.

Fields, kinds, enums and required flags are read from the official schemas vendored in
``spapi_models`` (never retyped here), so a schema update changes what the reader accepts.
What the schemas cannot say lives in ``ReportType``: which arrays hold the per-ASIN rows and
the aggregates, and how a report is dated (a report period, hours, an option range or none).
"""

from dataclasses import dataclass
from functools import cache

from ..spapi_models import REPORT_SCHEMAS, load

# How a report type is dated in createReport:
PERIOD = "period"  # dataStart/EndTime are dates; reportOptions.reportPeriod sets the bucket
HOURS = "hours"  # dataStart/EndTime are UTC date-times; one row per full hour and ASIN
OPTION_RANGE = "option_range"  # the range is two reportOptions (promotion or campaign start)
UNDATED = "undated"  # no dates (the forecast: Amazon's latest one)


@dataclass(frozen=True)
class ReportType:
    """One report type: where its rows are and how it is requested."""

    name: str
    label: str
    dating: str
    rows: tuple  # path of arrays to the per-ASIN rows, nested arrays flattened in order
    aggregate: tuple = ()  # path of arrays to the aggregate rows (no ASIN), if any
    range_options: tuple = ()  # OPTION_RANGE: (from option, to option)
    spec_only_options: tuple = ()  # options Amazon echoes in the document, never required

    @property
    def schema_file(self):
        return REPORT_SCHEMAS[self.name]

    @property
    def options(self):
        """reportOptions: name -> allowed values (tuple) or None (free text, e.g. a date)."""
        return _options(self.name)

    @property
    def required_options(self):
        return tuple(k for k in _required_options(self.name) if k not in self.spec_only_options)


REPORT_TYPES = {
    rt.name: rt
    for rt in (
        ReportType(
            "GET_VENDOR_SALES_REPORT",
            "Sales",
            PERIOD,
            rows=("salesByAsin",),
            aggregate=("salesAggregate",),
        ),
        ReportType(
            "GET_VENDOR_INVENTORY_REPORT",
            "Inventory",
            PERIOD,
            rows=("inventoryByAsin",),
            aggregate=("inventoryAggregate",),
        ),
        ReportType(
            "GET_VENDOR_TRAFFIC_REPORT",
            "Traffic",
            PERIOD,
            rows=("trafficByAsin",),
            aggregate=("trafficAggregate",),
        ),
        ReportType(
            "GET_VENDOR_FORECASTING_REPORT", "Forecasting", UNDATED, rows=("forecastByAsin",)
        ),
        ReportType(
            "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
            "Net pure product margin",
            PERIOD,
            rows=("netPureProductMarginByAsin",),
            aggregate=("netPureProductMarginAggregate",),
        ),
        ReportType(
            "GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
            "Real-time inventory",
            HOURS,
            rows=("reportData",),
        ),
        ReportType(
            "GET_VENDOR_REAL_TIME_SALES_REPORT",
            "Real-time sales",
            HOURS,
            rows=("reportData",),
            spec_only_options=("currencyCode",),
        ),
        ReportType(
            "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT",
            "Real-time traffic",
            HOURS,
            rows=("reportData",),
        ),
        ReportType(
            "GET_PROMOTION_PERFORMANCE_REPORT",
            "Promotions",
            OPTION_RANGE,
            rows=("promotions", "includedProducts"),
            aggregate=("promotions",),
            range_options=("promotionStartDateFrom", "promotionStartDateTo"),
        ),
        ReportType(
            "GET_COUPON_PERFORMANCE_REPORT",
            "Coupons",
            OPTION_RANGE,
            rows=("campaigns", "coupons", "asins"),
            aggregate=("campaigns", "coupons"),
            range_options=("campaignStartDateFrom", "campaignStartDateTo"),
        ),
    )
}


def report_type(name):
    """The ReportType called ``name``, or a ValueError listing the ones Acorn reads."""
    try:
        return REPORT_TYPES[name]
    except KeyError:
        raise ValueError(
            f"Unknown report type {name!r}; Acorn reads: {', '.join(REPORT_TYPES)}"
        ) from None


@dataclass(frozen=True)
class Field:
    """One field of a report row as the schema defines it."""

    name: str
    kind: str  # string, date, datetime, integer, number, money, boolean
    required: bool = False
    minimum: object = None
    enum: tuple = None


@dataclass(frozen=True)
class Section:
    """The fields of one array's items; ``child`` is a nested array (promotion products)."""

    path: str
    fields: tuple
    child_name: str = None
    child: object = None

    @property
    def names(self):
        return frozenset(f.name for f in self.fields) | (
            {self.child_name} if self.child_name else frozenset()
        )


def _resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        node = doc["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _kind(doc, node):
    node = _resolve(doc, node)
    kind = node.get("type")
    if kind == "object" and {"amount", "currencyCode"} <= set(node.get("properties", {})):
        return "money"
    if kind == "string":
        return {"date": "date", "date-time": "datetime"}.get(node.get("format"), "string")
    return kind


def _section(doc, node, path):
    node = _resolve(doc, node)
    required = set(node.get("required", ()))
    fields, child_name, child = [], None, None
    for name, prop in node.get("properties", {}).items():
        prop = _resolve(doc, prop)
        if prop.get("type") == "array" and _resolve(doc, prop.get("items", {})).get("properties"):
            child_name, child = name, _section(doc, prop["items"], f"{path}.{name}")
            continue
        kind = _kind(doc, prop)
        if name in ("startDate", "endDate") and kind == "string":
            kind = "date"  # trafficByAsin's dates lack the format the other reports give
        fields.append(
            Field(
                name,
                kind,
                name in required,
                prop.get("minimum"),
                tuple(prop["enum"]) if "enum" in prop else None,
            )
        )
    return Section(path, tuple(fields), child_name, child)


@cache
def sections(name):
    """Top-level array name -> Section for report type ``name``, from its schema."""
    doc = load(report_type(name).schema_file)
    out = {}
    for key, prop in doc["properties"].items():
        if key != "reportSpecification" and prop.get("type") == "array":
            out[key] = _section(doc, prop["items"], key)
    return out


def _spec_options_schema(name):
    doc = load(report_type(name).schema_file)
    spec = doc["properties"]["reportSpecification"]
    return spec.get("properties", {}).get("reportOptions", {})


@cache
def _options(name):
    props = _spec_options_schema(name).get("properties", {})
    return {k: tuple(v["enum"]) if "enum" in v else None for k, v in props.items()}


@cache
def _required_options(name):
    return tuple(_spec_options_schema(name).get("required", ()))
