"""Purchase orders: pagination over 1,000+ POs (every page checked against Amazon's model),
7-day window splitting, UTC date formatting and parsing, filter validation."""

from datetime import datetime, timedelta, timezone

import pytest

from acorn_vendor.core.spapi import InvalidInputError
from acorn_vendor.core.spapi.dates import (
    covering_windows,
    format_interval,
    format_utc,
    parse_datetime,
    parse_interval,
    split_windows,
)
from acorn_vendor.core.spapi_models import validate_response

from .test_spapi_fakes import T0, FakeAmazon, FakeClock, Reply

UTC = timezone.utc


@pytest.fixture
def big():
    amazon = FakeAmazon(orders=1234, spacing=timedelta(minutes=7))  # ~6 days of POs
    yield amazon
    amazon.stop()


def fast_client(amazon, **kw):
    clock = FakeClock()
    return amazon.client(clock=clock, sleep=clock.sleep, validate_responses="strict", **kw)


def test_iterates_all_1234_orders_across_pages_each_page_valid(big):
    client = fast_client(big)
    orders = list(
        client.iter_purchase_orders(createdAfter=T0, createdBefore=T0 + timedelta(days=7))
    )
    assert [o["purchaseOrderNumber"] for o in orders] == [
        o["purchaseOrderNumber"] for o in big.orders
    ]
    calls = big.calls("getPurchaseOrders")
    assert len(calls) == 13  # 100 per page
    assert "nextToken" not in calls[0].query
    assert all(c.query["nextToken"] for c in calls[1:])
    assert all(c.query["createdAfter"] == "2026-03-01T00:00:00Z" for c in calls)  # filters resent
    # the client validated every page (strict); spot-check the data it handed back
    validate_response("getPurchaseOrders", 200, {"payload": {"orders": orders[::97]}})


def test_strict_validation_catches_a_page_that_breaks_the_model(big):
    client = fast_client(big)
    bad = {"payload": {"orders": [{"purchaseOrderNumber": "X1", "purchaseOrderState": "Open"}]}}
    big.script("getPurchaseOrders", Reply(200, bad))
    with pytest.raises(Exception, match="does not match Amazon's own model"):
        client.get_purchase_orders(limit=1)


def test_sixty_day_range_is_split_into_seven_day_calls():
    amazon = FakeAmazon(orders=60 * 4, spacing=timedelta(hours=6))
    try:
        client = fast_client(amazon)
        orders = list(
            client.iter_purchase_orders(
                created_after=T0, created_before=T0 + timedelta(days=60), include_details=False
            )
        )
        calls = amazon.calls("getPurchaseOrders")
        windows = [
            (parse_datetime(c.query["createdAfter"]), parse_datetime(c.query["createdBefore"]))
            for c in calls
        ]
        assert len(windows) == 9  # ceil(60 / 7)
        assert windows[0][0] == T0 and windows[-1][1] == T0 + timedelta(days=60)
        assert all(b - a <= timedelta(days=7) for a, b in windows)
        assert all(w[1] == n[0] for w, n in zip(windows, windows[1:], strict=False))
        assert all(c.query["includeDetails"] == "false" for c in calls)
        # POs on a window boundary come back twice from Amazon but once from the client
        numbers = [o["purchaseOrderNumber"] for o in orders]
        assert len(numbers) == len(set(numbers)) == 240
    finally:
        amazon.stop()


def test_single_page_call_refuses_ranges_over_seven_days(big):
    with pytest.raises(InvalidInputError, match="iter_purchase_orders") as info:
        fast_client(big).get_purchase_orders(createdAfter=T0, createdBefore=T0 + timedelta(days=8))
    assert info.value.field == "createdAfter"
    assert big.calls("getPurchaseOrders") == []


def test_open_ended_range_ends_now(big):
    client = fast_client(big)
    list(client.iter_purchase_orders(createdAfter=datetime.now(UTC) - timedelta(days=10)))
    calls = big.calls("getPurchaseOrders")
    assert len(calls) == 2
    assert parse_datetime(calls[-1].query["createdBefore"]) >= datetime.now(UTC) - timedelta(
        minutes=1
    )


def test_filters_snake_or_camel_formatted_and_checked(big):
    client = fast_client(big)
    client.get_purchase_orders(
        limit=5,
        created_after="2026-03-01T02:00:00-08:00",
        createdBefore=datetime(2026, 3, 2),  # naive: UTC
        is_po_changed=False,
        purchase_order_state="New",
        sortOrder="ASC",
    )
    q = big.calls("getPurchaseOrders")[0].query
    assert q == {
        "limit": "5",
        "createdAfter": "2026-03-01T10:00:00Z",
        "createdBefore": "2026-03-02T00:00:00Z",
        "isPOChanged": "false",
        "purchaseOrderState": "New",
        "sortOrder": "ASC",
    }
    with pytest.raises(InvalidInputError, match="New, Acknowledged, Closed") as info:
        client.get_purchase_orders(purchaseOrderState="Open")
    assert info.value.field == "purchaseOrderState"
    with pytest.raises(InvalidInputError, match="maximum is 100"):
        client.get_purchase_orders(limit=500)
    with pytest.raises(InvalidInputError, match="no filter 'status'"):
        client.get_purchase_orders(status="New")
    with pytest.raises(InvalidInputError, match="date-time"):
        client.get_purchase_orders(createdAfter="yesterday")
    assert len(big.calls("getPurchaseOrders")) == 1


def test_get_purchase_order_quotes_the_path(big):
    big.route(
        "getPurchaseOrder",
        lambda seen: Reply(
            200,
            {
                "payload": {
                    "purchaseOrderNumber": seen.path.rsplit("/", 1)[1],
                    "purchaseOrderState": "Closed",
                }
            },
        ),
    )
    order = fast_client(big).get_purchase_order("4Z32PABC")
    assert order == {"purchaseOrderNumber": "4Z32PABC", "purchaseOrderState": "Closed"}
    with pytest.raises(InvalidInputError, match="needs purchaseOrderNumber"):
        fast_client(big).get_purchase_order("")


def test_mid_paging_spurious_invalid_input_is_retried(big):
    client = fast_client(big)
    pages = client.iter_purchase_orders(createdAfter=T0, createdBefore=T0 + timedelta(days=1))
    first = [next(pages) for _ in range(100)]
    big.script(
        "getPurchaseOrders",
        Reply(400, {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]}),
    )
    rest = list(pages)
    assert len(first) + len(rest) == 206  # 24h / 7 min + the boundary PO
    assert len(big.calls("getPurchaseOrders")) == 4


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-09-21T00:00:00", datetime(2019, 9, 21, tzinfo=UTC)),
        ("2019-09-21T00:00:00Z", datetime(2019, 9, 21, tzinfo=UTC)),
        ("2020-05-25T13:00:00-08:00", datetime(2020, 5, 25, 21, tzinfo=UTC)),
        ("2024-03-10T20:11:24.000Z", datetime(2024, 3, 10, 20, 11, 24, tzinfo=UTC)),
        ("2024-03-10T20:11:24.1234567+0530", datetime(2024, 3, 10, 14, 41, 24, 123456, tzinfo=UTC)),
        ("2024-03-10", datetime(2024, 3, 10, tzinfo=UTC)),
        ("08/25/2021", datetime(2021, 8, 25, tzinfo=UTC)),
    ],
)
def test_parse_amazon_dates(text, expected):
    assert parse_datetime(text) == expected


def test_format_utc_and_intervals():
    assert format_utc(datetime(2026, 1, 2, 3, 4, 5, 999)) == "2026-01-02T03:04:05Z"
    plus2 = timezone(timedelta(hours=2))
    assert format_utc(datetime(2026, 1, 2, 3, 4, 5, tzinfo=plus2)) == "2026-01-02T01:04:05Z"
    start, end = parse_interval("2019-08-21T07:00:00Z--2019-08-27T07:00:00Z")
    assert (end - start) == timedelta(days=6)
    assert format_interval(start, end) == "2019-08-21T07:00:00Z--2019-08-27T07:00:00Z"
    assert parse_interval("08/25/2021 - 08/31/2021")[1] == datetime(2021, 8, 31, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_interval("2019-08-21")
    with pytest.raises(ValueError):
        parse_datetime("21.08.2019")


def test_split_windows_edges():
    assert split_windows(T0, T0) == [(T0, T0)]
    assert split_windows(T0, T0 + timedelta(days=7)) == [(T0, T0 + timedelta(days=7))]
    assert len(split_windows(T0, T0 + timedelta(days=7, seconds=1))) == 2
    with pytest.raises(ValueError, match="before it starts"):
        split_windows(T0, T0 - timedelta(days=1))


def test_covering_windows_stay_near_the_dates_they_cover():
    second = timedelta(seconds=1)
    # Three POs weeks apart: three two-second windows, not every 7-day window between them.
    far = [T0 + timedelta(days=40), T0, T0 + timedelta(days=20)]
    assert covering_windows(far) == [
        (T0 - second, T0 + second),
        (T0 + timedelta(days=20) - second, T0 + timedelta(days=20) + second),
        (T0 + timedelta(days=40) - second, T0 + timedelta(days=40) + second),
    ]
    # A PO every 12 hours for 10 days: dense, so 7-day windows (Amazon's cap) cover them.
    dense = [T0 + timedelta(hours=12 * step) for step in range(21)]
    windows = covering_windows(dense)
    assert len(windows) == 2
    assert all(end - start <= timedelta(days=7) for start, end in windows)
    assert all(any(start < moment < end for start, end in windows) for moment in dense)
    assert covering_windows([]) == []
    # Amazon's naive and offset forms mean the same instant.
    assert covering_windows(["2026-03-01T10:00:00", "2026-03-01T12:00:00+02:00"]) == [
        (datetime(2026, 3, 1, 9, 59, 59, tzinfo=UTC), datetime(2026, 3, 1, 10, 0, 1, tzinfo=UTC))
    ]


def test_changed_range_is_split_too(big):
    client = fast_client(big)
    list(
        client.iter_purchase_orders(
            changedAfter=T0, changedBefore=T0 + timedelta(days=10), includeDetails=False
        )
    )
    calls = big.calls("getPurchaseOrders")
    windows = [(c.query["changedAfter"], c.query["changedBefore"]) for c in calls]
    assert list(dict.fromkeys(windows)) == [
        ("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z"),
        ("2026-03-08T00:00:00Z", "2026-03-11T00:00:00Z"),
    ]
    assert all("createdAfter" not in c.query for c in calls)
