"""Reports (create, poll, document, GZIP download, JSON decode), each error kind, the
connection check the Odoo "Test connection" button calls, and the command line."""

import gzip
import json
import socket
from datetime import datetime, timedelta, timezone

import pytest

from acorn_vendor.core.spapi import (
    Credentials,
    ForbiddenError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    ReportFailedError,
    SpApiClient,
    SpApiError,
    ThrottledError,
    cli,
)
from acorn_vendor.core.spapi.dates import parse_datetime
from acorn_vendor.core.spapi_models import validate_report, validate_request

from .test_spapi_fakes import FakeAmazon, FakeClock, Reply, ack_body

SALES = {
    "reportSpecification": {
        "reportType": "GET_VENDOR_SALES_REPORT",
        "reportOptions": {
            "reportPeriod": "WEEK",
            "distributorView": "MANUFACTURING",
            "sellingProgram": "RETAIL",
        },
        "lastUpdatedDate": "2026-02-08",
        "dataStartTime": "2026-02-01",
        "dataEndTime": "2026-02-07",
        "marketplaceIds": ["ATVPDKIKX0DER"],
    },
    "salesAggregate": [],
    "salesByAsin": [],
}


@pytest.fixture
def fake():
    amazon = FakeAmazon(orders=3)
    yield amazon
    amazon.stop()


def client_for(fake, **kw):
    clock = FakeClock()
    kw.setdefault("max_retries", 2)
    return fake.client(clock=clock, sleep=clock.sleep, **kw), clock


def serve_report(fake, statuses, document, gzipped=True):
    """Route createReport/getReport/getReportDocument and a document URL on the fake."""
    statuses = list(statuses)
    raw = json.dumps(document).encode()
    fake.route("createReport", lambda seen: Reply(202, {"reportId": "R-1"}))

    def get_report(seen):
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        report = {
            "reportId": "R-1",
            "reportType": "GET_VENDOR_SALES_REPORT",
            "createdTime": "2026-02-08T00:00:00Z",
            "processingStatus": status,
        }
        if status in ("DONE", "FATAL"):
            report["reportDocumentId"] = "DOC-1"
        return Reply(200, report)

    fake.route("getReport", get_report)
    doc = {"reportDocumentId": "DOC-1", "url": fake.url + "/s3/DOC-1"}
    if gzipped:
        doc["compressionAlgorithm"] = "GZIP"
    fake.route("getReportDocument", lambda seen: Reply(200, doc))
    payload = gzip.compress(raw) if gzipped else raw
    fake.s3 = payload
    original = fake.dispatch

    def dispatch(method, path, headers, body):
        if path.startswith("/s3/"):
            fake.s3_headers = headers
            return Reply(200, raw=fake.s3, headers={"Content-Type": "application/octet-stream"})
        return original(method, path, headers, body)

    fake.dispatch = dispatch


def test_report_flow_create_poll_download_gunzip_decode(fake):
    serve_report(fake, ["IN_QUEUE", "IN_PROGRESS", "DONE"], SALES)
    client, clock = client_for(fake)
    report_id = client.create_report(
        "GET_VENDOR_SALES_REPORT",
        "ATVPDKIKX0DER",
        data_start_time="2026-02-01",
        data_end_time="2026-02-07T23:59:59",
        report_options={
            "reportPeriod": "WEEK",
            "distributorView": "MANUFACTURING",
            "sellingProgram": "RETAIL",
        },
    )
    body = fake.calls("createReport")[0].body
    validate_request("createReport", body)
    assert body["reportOptions"]["reportPeriod"] == "WEEK"  # a map, never a list
    assert body["dataStartTime"] == "2026-02-01T00:00:00Z"
    document = client.fetch_report(report_id, poll_interval=15)
    assert document == SALES
    validate_report("GET_VENDOR_SALES_REPORT", document)
    assert clock.sleeps.count(15) == 2  # polled three times
    assert "x-amz-access-token" not in {k.lower() for k in fake.s3_headers}  # presigned URL only


def test_plain_document_is_decoded_too(fake):
    serve_report(fake, ["DONE"], SALES, gzipped=False)
    client, _ = client_for(fake)
    assert client.fetch_report("R-1") == SALES


def test_fatal_report_raises_amazons_error_details(fake):
    details = "This report type requires the reportPeriod reportOption to be specified."
    serve_report(fake, ["FATAL"], {"errorDetails": details})
    client, _ = client_for(fake)
    with pytest.raises(ReportFailedError, match="requires the reportPeriod") as info:
        client.fetch_report("R-1")
    assert info.value.details == details


def test_cancelled_report_means_no_data(fake):
    serve_report(fake, ["CANCELLED"], {})
    assert client_for(fake)[0].fetch_report("R-1") is None


def test_vendor_report_arguments_checked_before_sending(fake):
    client, _ = client_for(fake)
    with pytest.raises(InvalidInputError, match="exactly one marketplace"):
        client.create_report("GET_VENDOR_SALES_REPORT", ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"])
    with pytest.raises(InvalidInputError, match="must be a map"):
        client.create_report("GET_VENDOR_SALES_REPORT", "ATVPDKIKX0DER", report_options=["WEEK"])
    assert fake.calls("createReport") == []


# ------------------------------------------------------------------ errors


def test_invalid_body_names_the_field_and_is_never_sent(fake):
    client, _ = client_for(fake)
    body = ack_body()
    body["acknowledgements"][0]["items"][0]["itemAcknowledgements"][0]["acknowledgementCode"] = (
        "Accept"
    )
    with pytest.raises(InvalidInputError, match="Not sent to Amazon") as info:
        client.submit_acknowledgement(body)
    assert info.value.field == (
        "$['acknowledgements'][0]['items'][0]['itemAcknowledgements'][0]['acknowledgementCode']"
    )
    assert "'Accept' is not one of" in str(info.value)
    assert fake.requests == [] and client.journal.records() == []


@pytest.mark.parametrize(
    "status, code, error, field",
    [
        (400, "InvalidInput", InvalidInputError, "sellingParty"),
        (403, "Unauthorized", ForbiddenError, None),
        (404, "ResourceNotFound", NotFoundError, None),
        (429, "QuotaExceeded", ThrottledError, None),
    ],
)
def test_http_errors_map_to_types(fake, status, code, error, field):
    message = "The content of element 'sellingParty' is not complete." if field else "nope"
    answer = Reply(
        status, {"errors": [{"code": code, "message": message}]}, {"x-amzn-RequestId": "rid-9"}
    )
    fake.script("getPurchaseOrder", *[answer] * 5)
    client, _ = client_for(fake)
    with pytest.raises(error) as info:
        client.get_purchase_order("2JK3S9VC")
    err = info.value
    assert (err.status, err.code, err.request_id, err.operation) == (
        status,
        code,
        "rid-9",
        "getPurchaseOrder",
    )
    assert "rid-9" in str(err)
    if field:
        assert err.field == field


def test_forbidden_message_tells_what_to_do(fake):
    fake.script(
        "getPurchaseOrder",
        Reply(
            403,
            {
                "errors": [
                    {"code": "Unauthorized", "message": "Access to requested resource is denied."}
                ]
            },
        ),
    )
    with pytest.raises(ForbiddenError, match="lacks the Selling Partner role .* re-authorise"):
        client_for(fake)[0].get_purchase_order("2JK3S9VC")


def test_unreachable_host_is_a_network_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clock = FakeClock()
    client = SpApiClient(
        Credentials("id", "secret", "refresh"),
        endpoint=f"http://127.0.0.1:{port}",
        token_url=f"http://127.0.0.1:{port}/auth/o2/token",
        clock=clock,
        sleep=clock.sleep,
    )
    with pytest.raises(NetworkError, match="could not connect") as info:
        client.check_connection()
    assert info.value.sent is False


def test_check_connection_summary():
    fake = FakeAmazon(orders=3, start=datetime.now(timezone.utc) - timedelta(hours=12))
    client = SpApiClient(
        Credentials(
            **{
                k: getattr(fake.credentials, k)
                for k in ("client_id", "client_secret", "refresh_token")
            }
        ),
        region="NA",
        endpoint=fake.url,
        token_url=fake.token_url,
        timeout=(5, 30),
    )
    try:
        summary = client.check_connection()
        assert summary.startswith("Connected to 127.0.0.1:")
        assert "more than one purchase order created in the last 24 h" in summary
        q = fake.calls("getPurchaseOrders")[0].query
        assert q["limit"] == "1" and q["includeDetails"] == "false"
        span = parse_datetime(q["createdBefore"]) - parse_datetime(q["createdAfter"])
        assert span == timedelta(hours=24)
        fake.orders = fake.orders[:1]
        assert "(1 purchase order created" in client.check_connection()
        fake.orders = []
        assert "no purchase order created" in client.check_connection()
    finally:
        fake.stop()


def test_region_hosts_and_overrides():
    creds = Credentials("id", "secret", "refresh")
    assert SpApiClient(creds, region="EU").endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert SpApiClient(creds, region="fe").endpoint == "https://sellingpartnerapi-fe.amazon.com"
    assert SpApiClient(creds).auth.token_url == "https://api.amazon.com/auth/o2/token"
    with pytest.raises(ValueError, match="NA, EU or FE"):
        SpApiClient(creds, region="XX")


# ------------------------------------------------------------------ command line


def env_for(fake, monkeypatch):
    monkeypatch.setenv("ACORN_LWA_CLIENT_ID", fake.credentials.client_id)
    monkeypatch.setenv("ACORN_LWA_CLIENT_SECRET", fake.credentials.client_secret)
    monkeypatch.setenv("ACORN_LWA_REFRESH_TOKEN", fake.credentials.refresh_token)
    monkeypatch.setenv("ACORN_SPAPI_ENDPOINT", fake.url)
    monkeypatch.setenv("ACORN_LWA_TOKEN_URL", fake.token_url)


def test_cli_check_orders_transaction(fake, monkeypatch, capsys):
    env_for(fake, monkeypatch)
    assert cli.main(["check"]) == 0
    assert "Connected to" in capsys.readouterr().out
    assert (
        cli.main(["orders", "--created-after", "2026-03-01", "--created-before", "2026-03-02"]) == 0
    )
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [o["purchaseOrderNumber"] for o in lines] == ["00000000", "00000001", "00000002"]
    assert "3 purchase order(s)" in out.err
    fake.route(
        "getTransaction",
        lambda seen: Reply(
            200, {"payload": {"transactionStatus": {"transactionId": "T1", "status": "Success"}}}
        ),
    )
    assert cli.main(["transaction", "T1"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "Success"


def test_cli_reports_errors_with_exit_code(fake, monkeypatch, capsys):
    env_for(fake, monkeypatch)
    assert cli.main(["check", "--refresh-token", "Atzr|wrong"]) == 1
    assert "re-authorise the app" in capsys.readouterr().err


def test_base_error_is_catchable():
    assert issubclass(ReportFailedError, SpApiError) and issubclass(ThrottledError, SpApiError)
