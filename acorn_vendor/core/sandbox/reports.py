"""Reports API 2021-06-30 for every vendor report type: the report lifecycle and its
documents, built from the sandbox's own catalogue, demand model and purchase orders and
checked against Amazon's report schemas. A request Amazon would refuse ends FATAL with the
errorDetails document Amazon gives, by the same rules Acorn plans its requests with
(``core/reports/periods.py``)."""

import gzip
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone

from ..reports.periods import check_request, split
from ..reports.report_types import REPORT_TYPES, sections
from ..spapi_models import validate_report
from .common import ApiError, invalid, iso, parse_dt
from .config import hash_seed
from .report_history import HistoricalReports
from .report_live import LiveReports

DAY = 86400.0
ROW_KEYS = ("report_type", "options", "data_start", "data_end", "marketplace_ids")


def _d(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date()


def _dt(ts):
    return datetime.fromtimestamp(ts, timezone.utc)


class ReportsMixin(HistoricalReports, LiveReports):
    # ---- API -----------------------------------------------------------------------

    def create_report(self, body):
        now = self.tick()
        row = self._report_row(body, now)
        with self.store.lock:
            count = self.store.one("SELECT COUNT(*) FROM reports")[0]
            rid = str(50_000_000_000 + hash_seed(self.cfg.seed) % 10**9 + count + 1)
            self.store.x(
                "INSERT INTO reports (id, report_type, options, data_start, data_end, "
                "marketplace_ids, created, fatal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rid, *(row[k] for k in ROW_KEYS), now, row["fatal_reason"]),
            )
        return {"reportId": rid}

    def report_now(self, body):
        """The gzip'd document that createReport, getReport and getReportDocument would give
        for ``body``, at once and outside the rate limits (a sandbox admin call): the demo
        loads two years of history with it instead of waiting a minute per report."""
        row = self._report_row(body, self.tick())
        if row["fatal_reason"]:
            doc = {"errorDetails": row["fatal_reason"]}
        else:
            doc = self.build_report(row)
            validate_report(row["report_type"], doc)
        return gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), mtime=0)

    def _report_row(self, body, now):
        """A createReport body checked as Amazon checks it, as a ``reports`` row."""
        rtype = body.get("reportType")
        if rtype not in REPORT_TYPES:
            raise invalid(
                f"Report type {rtype} is not available in the Acorn sandbox",
                "Supported: " + ", ".join(REPORT_TYPES),
            )
        mids = body.get("marketplaceIds") or []
        own = self.cfg.marketplace_info.marketplace_id
        if mids != [own]:
            raise invalid(
                "Vendor reports take exactly one marketplaceId, the account's",
                f"Send marketplaceIds [{own}] ({self.cfg.marketplace_info.name}); got {mids}.",
            )
        options = body.get("reportOptions") or {}
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise invalid("reportOptions must be an object of string values")
        start = (
            parse_dt("dataStartTime", body["dataStartTime"]) if body.get("dataStartTime") else None
        )
        end = parse_dt("dataEndTime", body["dataEndTime"]) if body.get("dataEndTime") else None
        if start is not None and start > now:
            raise invalid("dataStartTime must be prior to or equal to the current date and time")
        reason = check_request(
            rtype,
            options,
            _dt(start) if start is not None else None,
            _dt(end) if end is not None else None,
            _dt(now),
        )
        values = (rtype, json.dumps(options), start, end, json.dumps(mids))
        return {**dict(zip(ROW_KEYS, values, strict=True)), "fatal_reason": reason}

    def _report_status(self, row, now):
        if row["final_status"]:
            return row["final_status"]
        queued = row["created"] + self.cfg.report_queue_seconds
        done = queued + self.cfg.report_processing_seconds
        if now < queued:
            return "IN_QUEUE"
        if now < done:
            return "IN_PROGRESS"
        return "FATAL" if row["fatal_reason"] else "DONE"

    def report_json(self, row, now):
        status = self._report_status(row, now)
        out = {
            "reportId": row["id"],
            "reportType": row["report_type"],
            "marketplaceIds": json.loads(row["marketplace_ids"]),
            "createdTime": iso(row["created"]),
            "processingStatus": status,
        }
        if row["data_start"] is not None:
            out["dataStartTime"] = iso(row["data_start"])
        if row["data_end"] is not None:
            out["dataEndTime"] = iso(row["data_end"])
        queued = row["created"] + self.cfg.report_queue_seconds
        if status in ("IN_PROGRESS", "DONE", "FATAL"):
            out["processingStartTime"] = iso(queued)
        if status in ("DONE", "FATAL"):
            out["processingEndTime"] = iso(queued + self.cfg.report_processing_seconds)
            out["reportDocumentId"] = self._ensure_document(row)
        return out

    def get_report(self, report_id):
        now = self.tick()
        row = self.store.one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report {report_id} was not found")
        return self.report_json(row, now)

    def list_reports(self, params):
        now = self.tick()
        if params.get("nextToken"):
            if len(params) > 1:
                raise invalid("When nextToken is sent, send no other query parameter")
            try:
                state = json.loads(bytes.fromhex(params["nextToken"]))
                params, offset = state["p"], int(state["o"])
            except (ValueError, KeyError, TypeError):
                raise invalid("Invalid nextToken") from None
        else:
            offset = 0
        types = [t for t in (params.get("reportTypes") or "").split(",") if t]
        statuses = [s for s in (params.get("processingStatuses") or "").split(",") if s]
        if not types:
            raise invalid("reportTypes is required unless nextToken is sent")
        try:
            size = int(params.get("pageSize") or 10)
        except ValueError:
            raise invalid("pageSize must be an integer 1..100") from None
        if not 1 <= size <= 100:
            raise invalid("pageSize must be between 1 and 100")
        since = (
            parse_dt("createdSince", params["createdSince"])
            if params.get("createdSince")
            else now - 90 * DAY
        )
        until = (
            parse_dt("createdUntil", params["createdUntil"]) if params.get("createdUntil") else now
        )
        marks = ",".join("?" * len(types))
        rows = self.store.q(
            f"SELECT * FROM reports WHERE report_type IN ({marks}) AND created BETWEEN ? AND ? "
            "ORDER BY created DESC, id DESC",
            types + [since, until],
        )
        reports = [self.report_json(r, now) for r in rows]
        if statuses:
            reports = [r for r in reports if r["processingStatus"] in statuses]
        out = {"reports": reports[offset : offset + size]}
        if offset + size < len(reports):
            out["nextToken"] = json.dumps({"p": params, "o": offset + size}).encode().hex()
        return out

    def cancel_report(self, report_id):
        now = self.tick()
        row = self.store.one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report {report_id} was not found")
        status = self._report_status(row, now)
        if status != "IN_QUEUE":
            raise invalid(f"Report {report_id} is {status}; only IN_QUEUE reports can be cancelled")
        with self.store.lock:
            self.store.x("UPDATE reports SET final_status = 'CANCELLED' WHERE id = ?", (report_id,))

    def get_document(self, document_id, base_url):
        now = self.tick()
        row = self.store.one("SELECT id FROM documents WHERE id = ?", (document_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report document {document_id} was not found")
        expires = int(now + self.cfg.document_url_ttl)
        sig = self._sign(document_id, expires)
        return {
            "reportDocumentId": document_id,
            "url": f"{base_url}/_sandbox/documents/{document_id}?expires={expires}&signature={sig}",
            "compressionAlgorithm": "GZIP",
        }

    def _sign(self, document_id, expires):
        key = self.cfg.client_secret.encode()
        return hmac.new(key, f"{document_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]

    def download(self, document_id, expires, signature):
        """Bytes of the document if the pre-signed URL is valid, else an (S3-like) reason."""
        now = self.clock.now()
        try:
            expires = int(expires)
        except (TypeError, ValueError):
            return None, "Malformed URL"
        if not hmac.compare_digest(self._sign(document_id, expires), signature or ""):
            return None, "The request signature we calculated does not match the signature you "
        if now > expires:
            return None, "Request has expired"
        row = self.store.one("SELECT content FROM documents WHERE id = ?", (document_id,))
        if row is None:
            return None, "The specified key does not exist."
        return bytes(row["content"]), None

    # ---- documents -----------------------------------------------------------------

    def _ensure_document(self, row):
        if row["document_id"]:
            return row["document_id"]
        with self.store.lock:
            current = self.store.one("SELECT document_id FROM reports WHERE id = ?", (row["id"],))
            if current["document_id"]:
                return current["document_id"]
            if row["fatal_reason"]:
                doc = {"errorDetails": row["fatal_reason"]}
            else:
                doc = self.build_report(row)
                validate_report(row["report_type"], doc)
            content = gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), mtime=0)
            doc_id = "amzn1.spdoc.1.4.%s.%s.T%s.0" % (
                self.cfg.marketplace_info.region.lower(),
                uuid.uuid4(),
                row["id"],
            )
            done_at = (
                row["created"]
                + self.cfg.report_queue_seconds
                + (self.cfg.report_processing_seconds)
            )
            self.store.x(
                "INSERT INTO documents (id, report_id, created, content) VALUES (?, ?, ?, ?)",
                (doc_id, row["id"], done_at, content),
            )
            self.store.x("UPDATE reports SET document_id = ? WHERE id = ?", (doc_id, row["id"]))
        return doc_id

    def build_report(self, row):
        """The document of a DONE report (dispatch by report type)."""
        rtype = row["report_type"]
        options = json.loads(row["options"])
        today = _d(self.clock.now())
        spec = {"reportType": rtype, "reportOptions": options}
        if REPORT_TYPES[rtype].dating != "hours":
            spec["lastUpdatedDate"] = today.isoformat()
        spec["marketplaceIds"] = json.loads(row["marketplace_ids"])
        # A program the vendor does not sell in: a DONE document without rows.
        other_program = options.get("sellingProgram", "RETAIL") not in self.cfg.selling_programs
        if rtype == "GET_VENDOR_FORECASTING_REPORT":
            rows = [] if other_program else self._forecast(today)
            return {"reportSpecification": spec, "forecastByAsin": rows}
        if rtype in ("GET_PROMOTION_PERFORMANCE_REPORT", "GET_COUPON_PERFORMANCE_REPORT"):
            del spec["lastUpdatedDate"]  # neither schema has it
            return {"reportSpecification": spec, **self.option_range_report(rtype, options)}
        if REPORT_TYPES[rtype].dating == "hours":
            return self.hourly_report(rtype, spec, _dt(row["data_start"]), _dt(row["data_end"]))
        start, end = _d(row["data_start"]), _d(row["data_end"])
        spec["dataStartTime"] = start.isoformat()
        spec["dataEndTime"] = end.isoformat()
        if other_program:
            return {"reportSpecification": spec, **dict.fromkeys(sections(rtype), [])}
        spans = split(start, end, options["reportPeriod"])
        builder = {
            "GET_VENDOR_SALES_REPORT": self._sales,
            "GET_VENDOR_INVENTORY_REPORT": self._inventory,
            "GET_VENDOR_TRAFFIC_REPORT": self._traffic,
            "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": self._margin,
        }[rtype]
        return {"reportSpecification": spec, **builder(spans, options)}
