"""Vendor Orders v1: purchase orders, acknowledgements, purchase order status."""

from ..dates import parse_datetime
from ..errors import NotFoundError

PO_WINDOWS = (("createdAfter", "createdBefore"), ("changedAfter", "changedBefore"))
STATUS_WINDOWS = (("createdAfter", "createdBefore"), ("updatedAfter", "updatedBefore"))


class VendorOrdersApi:
    def get_purchase_orders(self, **filters):
        """One page of getPurchaseOrders: ``{"orders": [...], "pagination": {...}}``.

        Filters use Amazon's names in camelCase or snake_case (created_after, is_po_changed,
        next_token...); datetimes are sent as UTC. Ranges over 7 days are refused here:
        iter_purchase_orders() splits them.
        """
        params = self._query(self._op("getPurchaseOrders"), filters)
        self._check_window("getPurchaseOrders", params, PO_WINDOWS, "iter_purchase_orders")
        return self._request("getPurchaseOrders", params=params).payload

    def iter_purchase_orders(self, **filters):
        """Every purchase order matching the filters, across 7-day windows and pages,
        each PO number once."""
        return self._windowed(
            "getPurchaseOrders", filters, PO_WINDOWS, "orders", "purchaseOrderNumber"
        )

    def get_purchase_order(self, purchase_order_number):
        return self._request(
            "getPurchaseOrder", path={"purchaseOrderNumber": purchase_order_number}
        ).payload

    def get_purchase_orders_status(self, **filters):
        """One page of getPurchaseOrdersStatus: ``{"ordersStatus": [...], "pagination"}``."""
        params = self._query(self._op("getPurchaseOrdersStatus"), filters)
        self._check_window(
            "getPurchaseOrdersStatus", params, STATUS_WINDOWS, "iter_purchase_orders_status"
        )
        return self._request("getPurchaseOrdersStatus", params=params).payload

    def iter_purchase_orders_status(self, **filters):
        return self._windowed(
            "getPurchaseOrdersStatus",
            filters,
            STATUS_WINDOWS,
            "ordersStatus",
            "purchaseOrderNumber",
        )

    def submit_acknowledgement(self, body, force=False):
        """Send ``{"acknowledgements": [...]}`` once; returns a SubmissionResult."""
        return self._submit("submitAcknowledgement", body, self._acknowledgement_found, force)

    def _acknowledgement_found(self, body):
        """Is every acknowledgement of ``body`` already recorded at Amazon?

        Prefers the acknowledgement dates getPurchaseOrdersStatus reports per line: one at
        or after this acknowledgementDate means it arrived (Amazon may record the vendor's
        date or its own processing time, both qualify; an earlier acknowledgement does not).
        When Amazon gives no dates, a PO that is no longer New counts as acknowledged.
        """
        for ack in body.get("acknowledgements") or []:
            po = ack["purchaseOrderNumber"]
            wanted = parse_datetime(ack["acknowledgementDate"])
            statuses = self.get_purchase_orders_status(purchaseOrderNumber=po).get("ordersStatus")
            dates = [
                parse_datetime(detail["acknowledgementDate"])
                for status in statuses or []
                if status.get("purchaseOrderNumber") == po
                for item in status.get("itemStatus") or []
                for detail in (item.get("acknowledgementStatus") or {}).get(
                    "acknowledgementStatusDetails"
                )
                or []
                if detail.get("acknowledgementDate")
            ]
            if dates:
                if max(dates) < wanted:
                    return False
                continue
            try:
                order = self.get_purchase_order(po)
            except NotFoundError:
                return False
            if order.get("purchaseOrderState") in (None, "New"):
                return False
        return True
