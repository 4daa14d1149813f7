"""No double submissions: a POST that may have reached Amazon is never resent blindly; a
retry first asks Amazon (acks, ASNs, shipments) or refuses (invoices) unless forced."""

import threading

import pytest

from acorn_vendor.core.spapi import (
    InvalidInputError,
    MemoryJournal,
    NetworkError,
    SpApiClient,
    SubmissionUncertainError,
)
from acorn_vendor.core.spapi.journal import ACCEPTED, SENDING, UNCERTAIN, client_key, new_record
from acorn_vendor.core.spapi_models import validate_request

from .test_spapi_fakes import (
    FakeAmazon,
    FakeClock,
    Reply,
    ack_body,
    asn_body,
    invoice_body,
    shipments_body,
)

PARTY = {"partyId": "ACRN1"}


class Store:
    """What the fake Amazon has received, readable back the way Amazon offers."""

    def __init__(self, fake, delay=0.0):
        self.fake = fake
        self.delay = delay  # applied to the next POST answers, after storing
        self.acks = {}  # PO -> [ack dates]
        self.shipments = set()
        self.tx = 0
        for op in (
            "submitAcknowledgement",
            "SubmitShipmentConfirmations",
            "SubmitShipments",
            "submitInvoices",
        ):
            fake.route(op, self.post)
        fake.route("getPurchaseOrdersStatus", self.status)
        fake.route("getPurchaseOrder", self.order)
        fake.route("GetShipmentDetails", self.shipment_details)

    def post(self, seen):
        body = seen.body
        for ack in body.get("acknowledgements", []):
            self.acks.setdefault(ack["purchaseOrderNumber"], []).append(ack["acknowledgementDate"])
        for s in body.get("shipmentConfirmations", []):
            self.shipments.add(s["shipmentIdentifier"])
        for s in body.get("shipments", []):
            self.shipments.add(s["vendorShipmentIdentifier"])
        self.tx += 1
        delay, self.delay = self.delay, 0.0
        return Reply(202, {"payload": {"transactionId": f"tx-{self.tx}"}}, delay=delay)

    def status(self, seen):
        po = seen.query.get("purchaseOrderNumber")
        if po not in self.acks:
            return Reply(200, {"payload": {"ordersStatus": []}})
        details = [{"acknowledgementDate": d} for d in self.acks[po]]
        status = {
            "purchaseOrderNumber": po,
            "purchaseOrderStatus": "OPEN",
            "purchaseOrderDate": "2026-03-01T00:00:00Z",
            "sellingParty": PARTY,
            "shipToParty": {"partyId": "ABE2"},
            "itemStatus": [
                {
                    "itemSequenceNumber": "1",
                    "acknowledgementStatus": {"acknowledgementStatusDetails": details},
                }
            ],
        }
        return Reply(200, {"payload": {"ordersStatus": [status]}})

    def order(self, seen):
        po = seen.path.rsplit("/", 1)[1]
        state = "Acknowledged" if po in self.acks else "New"
        return Reply(200, {"payload": {"purchaseOrderNumber": po, "purchaseOrderState": state}})

    def shipment_details(self, seen):
        ident = seen.query.get("vendorShipmentIdentifier")
        shipments = []
        if ident in self.shipments:
            shipments.append(
                {
                    "vendorShipmentIdentifier": ident,
                    "transactionType": "New",
                    "transactionDate": "2026-03-03T08:00:00Z",
                    "sellingParty": PARTY,
                    "shipFromParty": {"partyId": "WH01"},
                    "shipToParty": {"partyId": "ABE2"},
                }
            )
        return Reply(200, {"payload": {"shipments": shipments}})


@pytest.fixture
def fake():
    amazon = FakeAmazon()
    amazon.store = Store(amazon)
    yield amazon
    amazon.stop()


def make_client(fake, **kw):
    clock = FakeClock()
    kw.setdefault("journal", MemoryJournal())
    return fake.client(
        clock=clock, sleep=clock.sleep, timeout=(1, 0.3), validate_responses="strict", **kw
    )


def test_accepted_submission_returns_transaction_and_is_not_sent_twice(fake):
    client = make_client(fake)
    first = client.submit_acknowledgement(ack_body())
    assert first.transaction_id == "tx-1" and not first.resent and not first.deduplicated
    again = client.submit_acknowledgement(ack_body())
    assert again.deduplicated and again.transaction_id == "tx-1"
    assert len(fake.calls("submitAcknowledgement")) == 1
    assert client.journal.get(first.client_key).state == ACCEPTED


def test_ack_that_arrived_despite_timeout_is_not_resent(fake):
    client = make_client(fake)
    fake.store.delay = 1.0  # Amazon stores the ack, but answers after the client gave up
    with pytest.raises(SubmissionUncertainError, match="will first check with Amazon") as info:
        client.submit_acknowledgement(ack_body())
    key = info.value.client_key
    assert client.journal.get(key).state == UNCERTAIN
    result = client.submit_acknowledgement(ack_body())
    assert result.found_at_amazon and not result.resent and result.client_key == key
    assert len(fake.calls("submitAcknowledgement")) == 1
    assert len(fake.calls("getPurchaseOrdersStatus")) == 1
    assert client.journal.get(key).state == ACCEPTED


def test_ack_lost_in_timeout_is_resent_exactly_once(fake):
    client = make_client(fake)
    fake.script("submitAcknowledgement", Reply(202, {}, delay=1.0))  # never stored
    with pytest.raises(SubmissionUncertainError):
        client.submit_acknowledgement(ack_body())
    result = client.submit_acknowledgement(ack_body())
    assert result.resent and not result.found_at_amazon and result.transaction_id == "tx-1"
    assert client.submit_acknowledgement(ack_body()).deduplicated
    assert len(fake.calls("submitAcknowledgement")) == 2
    assert fake.store.acks == {"2JK3S9VC": ["2026-03-02T10:00:00Z"]}


def test_an_earlier_different_ack_does_not_count_as_this_one(fake):
    client = make_client(fake)
    client.submit_acknowledgement(ack_body(when="2026-03-02T08:00:00Z"))
    fake.script("submitAcknowledgement", Reply(202, {}, delay=1.0))
    update = ack_body(when="2026-03-02T12:00:00Z")
    with pytest.raises(SubmissionUncertainError):
        client.submit_acknowledgement(update)
    assert client.submit_acknowledgement(update).resent  # the update's date is not at Amazon
    assert fake.store.acks["2JK3S9VC"] == ["2026-03-02T08:00:00Z", "2026-03-02T12:00:00Z"]


def test_asn_found_by_shipment_details_after_connection_loss(fake):
    client = make_client(fake)
    fake.store.delay = 1.0
    with pytest.raises(SubmissionUncertainError):
        client.submit_shipment_confirmations(asn_body("ASN-7"))
    result = client.submit_shipment_confirmations(asn_body("ASN-7"))
    assert result.found_at_amazon
    assert len(fake.calls("SubmitShipmentConfirmations")) == 1
    assert fake.calls("GetShipmentDetails")[0].query["vendorShipmentIdentifier"] == "ASN-7"


def test_shipment_not_found_is_resent(fake):
    client = make_client(fake)
    fake.script("SubmitShipments", Reply(202, {}, delay=1.0))
    with pytest.raises(SubmissionUncertainError):
        client.submit_shipments(shipments_body("VS-9"))
    assert client.submit_shipments(shipments_body("VS-9")).resent
    assert len(fake.calls("SubmitShipments")) == 2


def test_invoice_uncertain_is_refused_until_forced(fake):
    client = make_client(fake)
    fake.script("submitInvoices", Reply(202, {}, delay=1.0))
    with pytest.raises(SubmissionUncertainError):
        client.submit_invoices(invoice_body())
    with pytest.raises(SubmissionUncertainError, match="no way to read an invoice back") as info:
        client.submit_invoices(invoice_body())
    assert "force=True" in str(info.value)
    assert len(fake.calls("submitInvoices")) == 1
    assert client.journal.get(info.value.client_key).state == UNCERTAIN
    forced = client.submit_invoices(invoice_body(), force=True)
    assert forced.resent and forced.transaction_id == "tx-1"
    assert len(fake.calls("submitInvoices")) == 2


def test_post_500_is_uncertain_and_not_retried(fake):
    client = make_client(fake)
    fake.script(
        "submitInvoices", Reply(500, {"errors": [{"code": "InternalFailure", "message": "x"}]})
    )
    with pytest.raises(SubmissionUncertainError, match="HTTP 500"):
        client.submit_invoices(invoice_body())
    assert len(fake.calls("submitInvoices")) == 1


def test_post_429_and_503_are_retried_because_amazon_did_not_take_them(fake):
    client = make_client(fake)
    quota = {"errors": [{"code": "QuotaExceeded", "message": "quota"}]}
    fake.script("submitInvoices", Reply(429, quota), Reply(503, {"errors": []}))
    result = client.submit_invoices(invoice_body())
    assert result.transaction_id == "tx-1" and not result.resent
    assert len(fake.calls("submitInvoices")) == 3


def test_refused_connection_never_sent_is_retried_then_network_error(fake):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clock = FakeClock()
    journal = MemoryJournal()
    client = SpApiClient(
        fake.credentials,
        endpoint=f"http://127.0.0.1:{port}",
        token_url=fake.token_url,
        clock=clock,
        sleep=clock.sleep,
        journal=journal,
        max_retries=2,
    )
    with pytest.raises(NetworkError, match="could not connect") as info:
        client.submit_invoices(invoice_body())
    assert info.value.sent is False
    assert len(clock.sleeps) >= 2  # retried: nothing had left the machine
    assert journal.records() == []  # definitely not at Amazon: free to send later


def test_amazon_rejection_clears_the_journal(fake):
    client = make_client(fake)
    fake.script(
        "submitAcknowledgement",
        Reply(
            400,
            {
                "errors": [
                    {
                        "code": "InvalidInput",
                        "message": "The content of element 'sellingParty' is not complete.",
                    }
                ]
            },
        ),
    )
    with pytest.raises(InvalidInputError) as info:
        client.submit_acknowledgement(ack_body())
    assert info.value.field == "sellingParty"
    assert client.journal.get(client_key("submitAcknowledgement", ack_body())) is None
    assert client.submit_acknowledgement(ack_body()).transaction_id


def test_concurrent_identical_submissions_send_once(fake):
    client = make_client(fake)
    client.transport.timeout = (1, 2)
    fake.store.delay = 0.3
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(client.submit_invoices(invoice_body("INV-C")))
        except SubmissionUncertainError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 1 and len(errors) == 1
    assert "being sent right now" in str(errors[0])
    assert len(fake.calls("submitInvoices")) == 1


def test_stale_sending_record_is_checked_like_an_uncertain_one(fake):
    now = [1_800_000_000.0]
    client = make_client(fake, now=lambda: now[0])
    record = new_record("SubmitShipments", shipments_body("VS-1"), now=now[0] - 3600)
    client.journal.put(record)  # a worker died mid-send an hour ago
    assert record.state == SENDING
    fake.store.shipments.add("VS-1")
    assert client.submit_shipments(shipments_body("VS-1")).found_at_amazon
    assert fake.calls("SubmitShipments") == []


def test_client_keys_name_the_documents():
    key = client_key("submitAcknowledgement", ack_body())
    assert key.startswith("ack:2JK3S9VC@2026-03-02T10:00:00Z#")
    assert client_key("SubmitShipmentConfirmations", asn_body()).startswith("asn:ASN-0001#")
    assert client_key("SubmitShipments", shipments_body()).startswith("shipment:VS-0001#")
    assert client_key("submitInvoices", invoice_body()).startswith("invoice:INV-0001#")
    changed = invoice_body()
    changed["invoices"][0]["invoiceTotal"]["amount"] = "35.00"
    assert client_key("submitInvoices", changed) != client_key("submitInvoices", invoice_body())


def test_every_body_sent_matches_amazons_models(fake):
    """The fake answers 400 to any body that breaks the model; none may reach it."""
    client = make_client(fake)
    client.submit_acknowledgement(ack_body())
    client.submit_shipment_confirmations(asn_body())
    client.submit_shipments(shipments_body())
    client.submit_invoices(invoice_body())
    fake.route("createReport", lambda seen: Reply(202, {"reportId": "R1"}))
    client.create_report(
        "GET_VENDOR_INVENTORY_REPORT",
        ["ATVPDKIKX0DER"],
        data_start_time="2026-02-01T00:00:00+01:00",
        data_end_time="2026-02-07",
        report_options={
            "reportPeriod": "WEEK",
            "distributorView": "SOURCING",
            "sellingProgram": "RETAIL",
        },
    )
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) == 5 and fake.invalid_bodies == []
    for seen in posts:
        validate_request(seen.operation, seen.body)
        assert seen.headers["Content-Type"] == "application/json"
    assert posts[-1].body["dataStartTime"] == "2026-01-31T23:00:00Z"
