"""A report document a person uploads: a file Amazon's getReportDocument returned (plain
or gzip JSON), fetched by another tool or saved by hand. Nobody asked Acorn for it, so what
the schedule knows from its request (type, period, marketplace) is read from the document's
own ``reportSpecification``, and checked against the account it is uploaded to.
"""

from .documents import ReportDocumentError
from .periods import as_utc
from .report_types import HOURS, PERIOD, REPORT_TYPES


def _moment(text, where, source):
    """``text`` as a naive UTC datetime, or the document's error saying where."""
    try:
        return as_utc(str(text)).replace(tzinfo=None)
    except ValueError:
        raise ReportDocumentError(source, [(where, f"{text!r} is not an ISO 8601 date")]) from None


def uploaded_window(doc, source):
    """The period a document covers, as the document fields Acorn stores for it: dates for
    period-dated reports, UTC date-times for the real-time ones, nothing for the others (the
    loader then replaces by the rows' own dates or ids)."""
    spec = doc.specification
    dating = REPORT_TYPES[doc.report_type].dating
    if dating not in (PERIOD, HOURS) or not spec.get("dataStartTime"):
        return {}
    start = _moment(spec["dataStartTime"], "$.reportSpecification.dataStartTime", source)
    end = _moment(
        spec.get("dataEndTime") or spec["dataStartTime"],
        "$.reportSpecification.dataEndTime",
        source,
    )
    if end < start:
        raise ReportDocumentError(
            source, [("$.reportSpecification.dataEndTime", "ends before dataStartTime")]
        )
    if dating == HOURS:
        return {"hours_start": start, "hours_end": end}
    first, last = start.date(), end.date()
    return {"period_start": first, "period_end": last}


def check_marketplace(doc, marketplace_id, source):
    """A document for another marketplace than the account's is refused: its ASINs and money
    would be booked to the wrong store. A document that names none is taken as it is."""
    named = doc.specification.get("marketplaceIds") or []
    if named and marketplace_id not in named:
        raise ReportDocumentError(
            source,
            [
                (
                    "$.reportSpecification.marketplaceIds",
                    f"the document is for {', '.join(map(str, named))}, the account sells "
                    f"in {marketplace_id}: upload it to that marketplace's account",
                )
            ],
        )
