"""One vendor report document: what was asked, what Amazon answered, what was loaded.

The cron finds work (the core planner: recent periods after the lag, re-pulls, a two-year
backfill in 15-day DAY windows) and records one ``queued`` document per createReport
request; queue jobs then request, poll, download and load each one. The documents are the
planner's memory, so a crash or a restart resumes where it stopped.
"""

import json
import logging
import math
from datetime import datetime

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError

from ..core.reports.copy_text import section_count
from ..core.reports.documents import (
    GZIP_MAGIC,
    ReportDocumentError,
    ReportFatalError,
    read_document,
)
from ..core.reports.periods import UTC
from ..core.reports.report_types import REPORT_TYPES
from ..core.reports.schedule import options_json, plan_account, plan_history
from ..core.reports.upload import check_marketplace, uploaded_window
from ..core.spapi import SpApiError
from ..core.spapi.apis.reports import create_report_body
from .acorn_vc_report_kpi_figures import AMAZON_FRAMES
from .acorn_vc_report_line import DISTRIBUTOR_VIEWS, REPORT_PERIODS, SELLING_PROGRAMS
from .jobs import RETRYABLE, delay, retry_later

_logger = logging.getLogger(__name__)

# Where each report type is stored.
STORAGE = {
    "GET_VENDOR_SALES_REPORT": "acorn.vc.report.sales",
    "GET_VENDOR_INVENTORY_REPORT": "acorn.vc.report.inventory",
    "GET_VENDOR_TRAFFIC_REPORT": "acorn.vc.report.traffic",
    "GET_VENDOR_FORECASTING_REPORT": "acorn.vc.report.forecast",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": "acorn.vc.report.margin",
    "GET_VENDOR_REAL_TIME_SALES_REPORT": "acorn.vc.report.realtime.sales",
    "GET_VENDOR_REAL_TIME_INVENTORY_REPORT": "acorn.vc.report.realtime.inventory",
    "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT": "acorn.vc.report.realtime.traffic",
    "GET_PROMOTION_PERFORMANCE_REPORT": "acorn.vc.report.promotion",
    "GET_COUPON_PERFORMANCE_REPORT": "acorn.vc.report.coupon",
}
POLL_SECONDS = 60


def _newest_first(request):
    """Sort key: the request's first day, newest first (undated ones last)."""
    start = request.start
    if start is None:
        return 0
    day = start.date() if isinstance(start, datetime) else start
    return -day.toordinal()


class AcornVcReportDocument(models.Model):
    _name = "acorn.vc.report.document"
    _description = "Vendor Central Report Document"
    _order = "id desc"

    account_id = fields.Many2one(
        "acorn.vc.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    report_type = fields.Selection(
        [(name, rt.label) for name, rt in REPORT_TYPES.items()], required=True, readonly=True
    )
    options = fields.Char(readonly=True, index=True, help="reportOptions, as sent (JSON).")
    selling_program = fields.Selection(SELLING_PROGRAMS, readonly=True)
    distributor_view = fields.Selection(DISTRIBUTOR_VIEWS, readonly=True)
    report_period = fields.Selection(REPORT_PERIODS, readonly=True)
    period_start = fields.Date(readonly=True, help="dataStartTime asked (first day).")
    period_end = fields.Date(readonly=True, help="dataEndTime asked (last day).")
    hours_start = fields.Datetime(readonly=True, help="dataStartTime asked (real-time reports).")
    hours_end = fields.Datetime(readonly=True, help="dataEndTime asked (real-time reports).")
    reason = fields.Selection(
        [
            ("new", "New period"),
            ("repull", "Re-pull (Amazon corrects recent data)"),
            ("backfill", "Backfill"),
            ("refresh", "Refresh"),
            ("upload", "Uploaded file"),
        ],
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("requested", "Requested"),
            ("done", "Loaded"),
            ("empty", "Empty (not available yet)"),
            ("cancelled", "Cancelled (no data)"),
            ("fatal", "FATAL"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    amazon_report_id = fields.Char("Report ID", readonly=True, index="btree_not_null")
    requested_at = fields.Datetime(readonly=True)
    loaded_at = fields.Datetime(readonly=True)
    error_details = fields.Text(readonly=True, help="Amazon's errorDetails of a FATAL report.")
    hint = fields.Text(readonly=True, help="What usually fixes this error.")
    attachment_id = fields.Many2one("ir.attachment", "Raw document", readonly=True)
    row_count = fields.Integer("Rows", readonly=True)
    aggregate_count = fields.Integer("Aggregate rows", readonly=True)
    notes = fields.Text(
        readonly=True,
        help="Fields Amazon sent that its schema lacks (kept in the raw document only), "
        "required fields that came null (kept null) and other warnings.",
    )

    @api.depends("report_type", "period_start", "period_end", "account_id")
    def _compute_display_name(self):
        labels = dict(self._fields["report_type"]._description_selection(self.env))
        for doc in self:
            span = f" {doc.period_start} – {doc.period_end}" if doc.period_start else ""
            doc.display_name = f"{labels.get(doc.report_type, '')}{span}"

    # ------------------------------------------------------------------ loading

    def _acorn_load_document(self, raw, doc=None):
        """Archive the raw document, read it with the core and bulk-load its rows (``doc``:
        the core's reading of ``raw`` when the caller has it already).

        A FATAL document records Amazon's errorDetails and a hint; an unreadable one the
        reader's message; nothing is loaded from either (an import is whole or not at all).
        """
        self.ensure_one()
        if isinstance(raw, str):
            raw = raw.encode()
        gzipped = raw[:2] == GZIP_MAGIC  # Amazon's documents may come compressed
        self.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.report_type}-{self.amazon_report_id or self.id}.json"
                    + (".gz" if gzipped else ""),
                    "raw": raw,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/gzip" if gzipped else "application/json",
                }
            )
        )
        now = fields.Datetime.now()
        try:
            if doc is None:
                doc = read_document(raw, expected_type=self.report_type, source=self.display_name)
        except ReportFatalError as exc:
            self.write(
                {
                    "state": "fatal",
                    "error_details": exc.error_details,
                    "hint": exc.hint,
                    "loaded_at": now,
                }
            )
            return 0
        except ReportDocumentError as exc:
            self.write({"state": "failed", "error_details": str(exc), "loaded_at": now})
            return 0
        values = {
            "loaded_at": now,
            "notes": "\n".join(doc.notes()) or False,
            "selling_program": self.selling_program or doc.options.get("sellingProgram"),
            "distributor_view": self.distributor_view or doc.options.get("distributorView"),
            "report_period": self.report_period or doc.options.get("reportPeriod"),
        }
        rows = section_count(doc, "rows")
        if not rows:
            self.write({**values, "state": "empty", "row_count": 0})
            return 0
        self.write(values)
        return self._acorn_store(doc, rows)

    def _acorn_store(self, doc, rows):
        from .report_loader import load_rows  # noqa: PLC0415

        model_name = STORAGE.get(self.report_type)
        aggregate = REPORT_TYPES[self.report_type].aggregate
        self.write(
            {
                "state": "done",
                "row_count": rows,
                "aggregate_count": section_count(doc, "aggregate") if aggregate else 0,
            }
        )
        if not model_name:  # archived only, no storage model yet
            return 0
        model = self.env[model_name].sudo()
        count, days = load_rows(model, self, doc)
        if days and model_name in AMAZON_FRAMES and not self.env.context.get("acorn_kpi_later"):
            # The KPI rows of the weeks these days fall in, recomputed (incremental).
            self.env["acorn.vc.report.kpi"].sudo()._acorn_refresh(
                self.account_id.ids, *map(fields.Date.to_date, days)
            )
        return count

    @api.model
    def _acorn_upload(self, account, file_name, raw):
        """A report document uploaded by hand (Analytics > Upload Report Documents): read
        by the core, checked against ``account``'s marketplace, recorded with the period its
        ``reportSpecification`` names and loaded like the jobs' documents, replacing the
        rows of that period. Returns the document; a file that is no report document raises
        ReportDocumentError (what and where) and leaves nothing behind. The same file again
        is not loaded twice: its document is returned."""
        if isinstance(raw, str):
            raw = raw.encode()
        checksum = self.env["ir.attachment"]._compute_checksum(raw)
        loaded = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("checksum", "=", checksum)], order="id desc")
        )
        same = self.sudo().search(
            [
                ("id", "in", loaded.mapped("res_id")),
                ("account_id", "=", account.id),
                ("state", "=", "done"),
            ],
            limit=1,
        )
        if same:
            return same
        doc = read_document(raw, source=file_name)
        check_marketplace(doc, account.marketplace_id, file_name)
        options = doc.options
        record = self.sudo().create(
            {
                "account_id": account.id,
                "report_type": doc.report_type,
                "options": options_json(options) if options else False,
                "selling_program": options.get("sellingProgram"),
                "distributor_view": options.get("distributorView"),
                "report_period": options.get("reportPeriod"),
                "reason": "upload",
                "state": "requested",
                "requested_at": fields.Datetime.now(),
                **uploaded_window(doc, file_name),
            }
        )
        record._acorn_load_document(raw, doc=doc)
        return record

    # ------------------------------------------------------------------ schedule

    @api.model
    def _cron_plan_reports(self, now=None):
        """Find work only: record the requests the planner finds, one job each."""
        accounts = self.env["acorn.vc.account"].search(
            [
                ("sync_active", "=", True),
                ("channel", "=", "spapi"),
                ("report_sync_active", "=", True),
            ]
        )
        queued = self
        for account in accounts:
            queued |= self._acorn_plan(account, now=now)
        for doc in queued:
            doc._acorn_enqueue("request")
        return len(queued)

    def _acorn_documents(self, account):
        """The account's documents as the core planner reads them."""
        documents = self.search_read(
            [("account_id", "=", account.id)],
            [
                "report_type",
                "options",
                "state",
                "period_start",
                "period_end",
                "loaded_at",
                "requested_at",
                "create_date",
                "hours_end",
            ],
        )
        for doc in documents:
            doc["created"] = doc.pop("create_date")
        return documents

    def _acorn_record(self, account, planned):
        """One queued document per planned request."""
        values = []
        for request in planned:
            options = dict(request.options)
            start, end = request.start, request.end
            hourly = isinstance(start, datetime)
            values.append(
                {
                    "hours_start": start.replace(tzinfo=None) if hourly else False,
                    "hours_end": end.replace(tzinfo=None) if hourly else False,
                    "account_id": account.id,
                    "report_type": request.report_type,
                    "options": options_json(options),
                    "selling_program": options.get("sellingProgram"),
                    "distributor_view": options.get("distributorView"),
                    "report_period": options.get("reportPeriod"),
                    "period_start": start.date() if isinstance(start, datetime) else start,
                    "period_end": end.date() if isinstance(end, datetime) else end,
                    "reason": request.reason,
                }
            )
        return self.create(values)

    def _acorn_plan(self, account, now=None):
        """The documents to request for ``account``: the core planner's answer, recorded."""
        now = now or fields.Datetime.now()
        planned = plan_account(
            account.id,
            self._acorn_documents(account),
            now.replace(tzinfo=UTC),
            account.report_history_days,
            **account._acorn_report_scope(),
        )
        return self._acorn_record(account, planned)

    def _acorn_load_sandbox_history(self, account, now=None, limit=None):
        """The demo's report history without waiting on createReport's rate (one a minute):
        every document the schedule would ask for, plus a week of the real-time reports and
        the promotions and coupons, fetched at once from the Acorn sandbox's admin call and
        loaded by the same loader as the jobs' documents, newest periods first, at most
        ``limit`` documents a call. Run again, it loads what is missing only. Only for an
        account pointed at a sandbox."""
        url = (account.endpoint_override or "").rstrip("/")
        if not url:
            raise UserError(
                self.env._("%(account)s does not use the Acorn sandbox.", account=account.name)
            )
        now = (now or fields.Datetime.now()).replace(tzinfo=UTC)
        documents = self._acorn_documents(account)
        planned = plan_history(
            account.id, documents, now, account.report_history_days, **account._acorn_report_scope()
        )
        planned.sort(key=_newest_first)
        docs = self._acorn_record(account, planned[:limit])
        for doc, request in zip(docs, planned[:limit], strict=True):
            start, end = request.start, request.end
            if start is not None and not isinstance(start, datetime):
                start = datetime.combine(start, datetime.min.time())
                end = datetime.combine(end, datetime.max.time().replace(microsecond=0))
            body = create_report_body(
                request.report_type,
                [account.marketplace_id],
                start,
                end,
                dict(request.options) or None,
            )
            response = requests.post(f"{url}/_sandbox/reports/document", json=body, timeout=600)
            response.raise_for_status()
            doc.write({"state": "requested", "requested_at": fields.Datetime.now()})
            doc._acorn_load_document(response.content)
        return docs

    def _acorn_enqueue(self, step, eta=None):
        self.ensure_one()
        method = {"request": "_acorn_job_request", "fetch": "_acorn_job_fetch"}[step]
        job = delay(
            self,
            f"acorn-report-{step}-{self.id}",
            self.env._("Vendor report %(step)s: %(doc)s", step=step, doc=self.display_name),
            eta=eta,
        )
        return getattr(job, method)()

    # ------------------------------------------------------------------ jobs

    def _acorn_job_request(self, now=None):
        """Queue job: createReport once the shared bucket has a token, then poll later."""
        self.ensure_one()
        if self.state != "queued":
            return False
        wait = self.env["acorn.vc.rate.bucket"]._acorn_take("createReport", now=now)
        if wait:
            raise RetryableJobError(
                "createReport's shared rate limit: wait for a token",
                seconds=math.ceil(wait),
                ignore_retry=True,
            )
        with self.env["acorn.vc.sync.run"]._acorn_track(self.account_id, "reports") as run:
            client = self.account_id._acorn_spapi_client()
            start = end = None
            if self.hours_start:  # real-time reports: the hours planned, in UTC
                start = self.hours_start.replace(tzinfo=UTC)
                end = self.hours_end.replace(tzinfo=UTC)
            elif self.period_start:
                start = datetime.combine(self.period_start, datetime.min.time())
                end = datetime.combine(self.period_end, datetime.max.time().replace(microsecond=0))
            try:
                report_id = client.create_report(
                    self.report_type,
                    [self.account_id.marketplace_id],
                    data_start_time=start,
                    data_end_time=end,
                    report_options=json.loads(self.options or "{}") or None,
                )
            except RETRYABLE as exc:
                raise retry_later(exc) from exc
            except SpApiError as exc:  # refused (a missing role, bad input): shown, asked again
                run.fail(exc)
                self.write({"state": "failed", "error_details": str(exc)})
                return False
            self.write(
                {
                    "state": "requested",
                    "amazon_report_id": report_id,
                    "requested_at": fields.Datetime.now(),
                }
            )
        self._acorn_enqueue("fetch", eta=POLL_SECONDS)
        return report_id

    def _acorn_job_fetch(self):
        """Queue job: poll getReport; when done, download, archive and load the document."""
        self.ensure_one()
        if self.state != "requested":
            return False
        with self.env["acorn.vc.sync.run"]._acorn_track(self.account_id, "reports") as run:
            client = self.account_id._acorn_spapi_client()
            try:
                report = client.get_report(self.amazon_report_id)
                status = report.get("processingStatus")
                if status not in ("DONE", "FATAL", "CANCELLED"):
                    # Amazon is still working on it: a wait, not a run (nothing recorded).
                    raise RetryableJobError(
                        f"Report {status}", seconds=POLL_SECONDS, ignore_retry=True
                    )
                if status == "CANCELLED" or not report.get("reportDocumentId"):
                    self.write({"state": "cancelled", "loaded_at": fields.Datetime.now()})
                    return 0
                wait = self.env["acorn.vc.rate.bucket"]._acorn_take("getReportDocument")
                if wait:
                    raise RetryableJobError(
                        "getReportDocument's shared rate limit",
                        seconds=math.ceil(wait),
                        ignore_retry=True,
                    )
                document = client.get_report_document(report["reportDocumentId"])
                raw = client.download_report_document(document, decode_json=False)
            except RETRYABLE as exc:
                raise retry_later(exc) from exc
            except SpApiError as exc:
                run.fail(exc)
                self.write({"state": "failed", "error_details": str(exc)})
                return 0
            rows = self._acorn_load_document(raw)
            run.add({"created": rows or 0})
            return rows
