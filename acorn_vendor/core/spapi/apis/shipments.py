"""Vendor Shipments v1: ASNs (shipment confirmations), routing requests, their reads."""

from ..errors import SubmissionUncertainError


class VendorShipmentsApi:
    def submit_shipment_confirmations(self, body, force=False):
        """Send ``{"shipmentConfirmations": [...]}`` (ASNs) once; returns a SubmissionResult."""
        return self._submit(
            "SubmitShipmentConfirmations",
            body,
            lambda b: self._shipments_found(
                [s["shipmentIdentifier"] for s in b.get("shipmentConfirmations") or []]
            ),
            force,
        )

    def submit_shipments(self, body, force=False):
        """Send ``{"shipments": [...]}`` once; returns a SubmissionResult.

        A New shipment counts as arrived when GetShipmentDetails finds it. A Cancel cannot
        be told apart from the shipment it cancels, and cancelling twice is harmless, so an
        uncertain Cancel is simply resent.
        """

        def found(b):
            shipments = b.get("shipments") or []
            if any(s.get("transactionType") != "New" for s in shipments):
                return False
            return self._shipments_found([s["vendorShipmentIdentifier"] for s in shipments])

        return self._submit("SubmitShipments", body, found, force)

    def _shipments_found(self, identifiers):
        found = [i for i in identifiers if self._shipment_exists(i)]
        if found and len(found) < len(identifiers):
            missing = sorted(set(identifiers) - set(found))
            raise SubmissionUncertainError(
                f"Shipments {', '.join(found)} are already at Amazon but {', '.join(missing)}"
                " are not: resend only the missing ones.",
            )
        return bool(found)

    def _shipment_exists(self, identifier):
        payload = self.get_shipment_details(vendorShipmentIdentifier=identifier)
        return any(
            s.get("vendorShipmentIdentifier") == identifier for s in payload.get("shipments") or []
        )

    def get_shipment_details(self, **filters):
        """One page of GetShipmentDetails: ``{"shipments": [...], "pagination": {...}}``."""
        return self._request("GetShipmentDetails", params=filters).payload

    def iter_shipment_details(self, **filters):
        return self._paginate("GetShipmentDetails", filters, "shipments")

    def get_shipment_labels(self, **filters):
        """One page of GetShipmentLabels: ``{"transportLabels": [...], "pagination"}``."""
        return self._request("GetShipmentLabels", params=filters).payload

    def iter_shipment_labels(self, **filters):
        """All transport labels; Amazon may return empty pages before the last one."""
        return self._paginate("GetShipmentLabels", filters, "transportLabels")
