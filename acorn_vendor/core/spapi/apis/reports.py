"""Reports 2021-06-30: create a report, wait for it, download and decode its document."""

import gzip
import json
import logging

from ..dates import format_utc
from ..errors import (
    ForbiddenError,
    InvalidInputError,
    NetworkError,
    ReportFailedError,
    ServerError,
    SpApiError,
)

_logger = logging.getLogger(__name__)

TERMINAL = ("DONE", "FATAL", "CANCELLED")


def create_report_body(
    report_type, marketplace_ids, data_start_time=None, data_end_time=None, report_options=None
):
    """The createReport body, checked: ``report_options`` must be a map of strings (a list
    makes vendor reports FATAL, saleweaver#624); vendor reports take exactly one marketplace,
    the account's."""
    if isinstance(marketplace_ids, str):
        marketplace_ids = [marketplace_ids]
    marketplace_ids = list(marketplace_ids or [])
    if report_type.startswith("GET_VENDOR_") and len(marketplace_ids) != 1:
        raise InvalidInputError(
            f"{report_type}: vendor reports take exactly one marketplace id (the"
            f" account's), got {len(marketplace_ids)}.",
            field="$['marketplaceIds']",
            operation="createReport",
        )
    if report_options is not None and not isinstance(report_options, dict):
        raise InvalidInputError(
            "createReport: reportOptions must be a map such as {'reportPeriod': 'WEEK'},"
            f" not {type(report_options).__name__}.",
            field="$['reportOptions']",
            operation="createReport",
        )
    body = {"reportType": report_type, "marketplaceIds": marketplace_ids}
    if data_start_time is not None:
        body["dataStartTime"] = format_utc(data_start_time)
    if data_end_time is not None:
        body["dataEndTime"] = format_utc(data_end_time)
    if report_options:
        body["reportOptions"] = {str(k): str(v) for k, v in report_options.items()}
    return body


class ReportsApi:
    def create_report(
        self,
        report_type,
        marketplace_ids,
        data_start_time=None,
        data_end_time=None,
        report_options=None,
    ):
        """Request a report (body: ``create_report_body``); returns its reportId."""
        body = create_report_body(
            report_type, marketplace_ids, data_start_time, data_end_time, report_options
        )
        return self._request("createReport", body=body).body["reportId"]

    def get_report(self, report_id):
        return self._request("getReport", path={"reportId": report_id}).body

    def wait_for_report(self, report_id, poll_interval=30.0, timeout=3600.0):
        """Poll getReport until DONE, FATAL or CANCELLED (CANCELLED can mean "no data")."""
        deadline = self._clock() + timeout
        while True:
            report = self.get_report(report_id)
            if report.get("processingStatus") in TERMINAL:
                return report
            if self._clock() + poll_interval > deadline:
                raise SpApiError(
                    f"Report {report_id} still {report.get('processingStatus')} after"
                    f" {timeout:.0f} s; Amazon's report queue is slow, check again later.",
                    operation="getReport",
                )
            self._sleep(poll_interval)

    def get_report_document(self, report_document_id):
        """``{"reportDocumentId", "url" (valid 5 minutes), "compressionAlgorithm"?}``."""
        return self._request(
            "getReportDocument", path={"reportDocumentId": report_document_id}
        ).body

    def download_report_document(self, document, decode_json=True):
        """Download a report document (pre-signed URL, no SP-API token), gunzip, decode."""
        url = document["url"]
        for attempt in range(self.max_retries + 1):
            try:
                resp = self.transport.send("GET", url, what="report document download")
            except NetworkError:
                if attempt == self.max_retries:
                    raise
                self._sleep(self._backoff(attempt))
                continue
            if resp.status_code >= 500 and attempt < self.max_retries:
                self._sleep(self._backoff(attempt))
                continue
            break
        if resp.status_code in (400, 403):
            raise ForbiddenError(
                f"The report document link for {document.get('reportDocumentId')} was refused"
                f" (HTTP {resp.status_code}); it is valid 5 minutes only: call"
                " get_report_document again for a fresh link.",
                status=resp.status_code,
                operation="report document download",
            )
        if resp.status_code >= 400:
            cls = ServerError if resp.status_code >= 500 else SpApiError
            raise cls(
                f"Downloading report document {document.get('reportDocumentId')} failed with"
                f" HTTP {resp.status_code}.",
                status=resp.status_code,
                operation="report document download",
            )
        content = resp.content
        # requests already undid a Content-Encoding: gzip; gunzip only real gzip bytes.
        if content[:2] == b"\x1f\x8b":
            content = gzip.decompress(content)
        elif document.get("compressionAlgorithm") == "GZIP":
            _logger.debug("report document was already decompressed in transit")
        if not decode_json:
            return content
        try:
            return json.loads(content.decode("utf-8-sig"))
        except ValueError as exc:
            raise SpApiError(
                f"Report document {document.get('reportDocumentId')} is not valid JSON: {exc}",
                operation="report document download",
            ) from None

    def fetch_report(self, report_id, poll_interval=30.0, timeout=3600.0):
        """Wait for a report and return its decoded document; None when CANCELLED.

        A FATAL vendor report still has a document whose ``errorDetails`` says why (for
        example a missing reportPeriod option); it is raised as ReportFailedError.
        """
        report = self.wait_for_report(report_id, poll_interval, timeout)
        status = report.get("processingStatus")
        if status == "CANCELLED":
            return None
        document_id = report.get("reportDocumentId")
        details = None
        if document_id:
            document = self.download_report_document(self.get_report_document(document_id))
            if status == "DONE":
                return document
            if isinstance(document, dict):
                details = document.get("errorDetails")
        if status == "DONE":
            raise SpApiError(f"Report {report_id} is DONE but has no document.")
        raise ReportFailedError(
            f"Amazon could not produce report {report_id} ({report.get('reportType')}):"
            f" {details or 'no reason given'}.",
            code=status,
            operation="getReport",
            details=details,
        )
