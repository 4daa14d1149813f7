"""Amazon's official SP-API models (Apache-2.0, see LICENSE and NOTICE here), used to
validate every payload Acorn sends and every document the sandbox returns.

The files are byte-identical copies of amzn/selling-partner-api-models; a test compares
them with ``../shared/spapi-models`` when that folder is present.
"""

import json
from functools import cache, lru_cache
from pathlib import Path

import jsonschema

HERE = Path(__file__).resolve().parent

# One file per API; operations are looked up across all of them by operationId.
API_FILES = (
    "vendorOrders.json",
    "vendorShipments.json",
    "vendorInvoices.json",
    "vendorTransactionStatus.json",
    "reports_2021-06-30.json",
)
# operationId -> (rate per second, burst): Amazon's documented usage plans, read from each
# operation's description in these models. The client paces itself and the sandbox
# throttles by the same table.
RATE_LIMITS = {
    "getPurchaseOrders": (10.0, 10),
    "getPurchaseOrder": (10.0, 10),
    "submitAcknowledgement": (10.0, 10),
    "getPurchaseOrdersStatus": (10.0, 10),
    "SubmitShipmentConfirmations": (10.0, 10),
    "SubmitShipments": (10.0, 10),
    "GetShipmentDetails": (10.0, 10),
    "GetShipmentLabels": (10.0, 10),
    "submitInvoices": (10.0, 10),
    "getTransaction": (10.0, 20),
    "getReports": (0.0222, 10),
    "createReport": (0.0167, 15),
    "cancelReport": (0.0222, 10),
    "getReport": (2.0, 15),
    "getReportSchedules": (0.0222, 10),
    "createReportSchedule": (0.0222, 10),
    "cancelReportSchedule": (0.0222, 10),
    "getReportSchedule": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
}

REPORT_SCHEMAS = {
    "GET_VENDOR_SALES_REPORT": "vendorSalesReport.json",
    "GET_VENDOR_INVENTORY_REPORT": "vendorInventoryReport.json",
    "GET_VENDOR_TRAFFIC_REPORT": "vendorTrafficReport.json",
    "GET_VENDOR_FORECASTING_REPORT": "vendorForecastingReport.json",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": "vendorNetPureProductMarginReport.json",
    "GET_VENDOR_REAL_TIME_INVENTORY_REPORT": "vendorRealTimeInventoryReport.json",
    "GET_VENDOR_REAL_TIME_SALES_REPORT": "vendorRealTimeSalesReport.json",
    "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT": "vendorRealTimeTrafficReport.json",
    "GET_PROMOTION_PERFORMANCE_REPORT": "promotionReport.json",
    "GET_COUPON_PERFORMANCE_REPORT": "vendorCouponReport.json",
}


class PayloadInvalid(ValueError):
    """A payload does not match Amazon's model; ``errors`` holds (json path, message)."""

    def __init__(self, what, errors):
        self.what = what
        self.errors = errors
        lines = "; ".join(f"{path}: {msg}" for path, msg in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(f"{what} does not match Amazon's model: {lines}{more}")


@cache
def load(filename):
    with open(HERE / filename, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def operations():
    """operationId -> (api file, http method, path template, operation object)."""
    ops = {}
    for filename in API_FILES:
        for path, methods in load(filename)["paths"].items():
            for method, op in methods.items():
                if isinstance(op, dict) and "operationId" in op:
                    ops[op["operationId"]] = (filename, method.upper(), path, op)
    return ops


@cache
def _validator(filename, ref):
    doc = load(filename)
    schema = {"$ref": ref, "definitions": doc.get("definitions", {})}
    if "$schema" in doc:  # a report JSON-Schema: validate against the document itself
        schema = doc
    return jsonschema.Draft7Validator(schema, format_checker=None)


def _check(filename, ref, payload, what):
    errors = sorted(
        _validator(filename, ref).iter_errors(payload), key=lambda e: list(e.absolute_path)
    )
    if errors:
        raise PayloadInvalid(
            what,
            [("$" + "".join(f"[{p!r}]" for p in e.absolute_path), e.message) for e in errors],
        )


def validate_request(operation_id, body):
    """Validate the JSON body of a request for ``operation_id``."""
    filename, _method, _path, op = operations()[operation_id]
    for param in op.get("parameters", []):
        if param.get("in") == "body":
            _check(filename, param["schema"]["$ref"], body, f"{operation_id} request body")
            return
    raise ValueError(f"{operation_id} takes no request body")


def validate_response(operation_id, status, body):
    """Validate a response body of ``operation_id`` for HTTP ``status``."""
    filename, _method, _path, op = operations()[operation_id]
    response = op["responses"].get(str(status))
    if response is None:
        raise PayloadInvalid(f"{operation_id} response", [("$", f"status {status} not declared")])
    if "schema" in response:
        _check(filename, response["schema"]["$ref"], body, f"{operation_id} {status} response")


def validate_definition(filename, definition, payload):
    """Validate ``payload`` against one named definition of an API file."""
    _check(filename, f"#/definitions/{definition}", payload, definition)


def validate_report(report_type, document):
    """Validate a decoded report document against its official JSON schema."""
    try:
        filename = REPORT_SCHEMAS[report_type]
    except KeyError:
        raise ValueError(f"No official schema for report type {report_type}") from None
    _check(filename, None, document, f"{report_type} document")
