"""Vendor Transaction Status v1: the asynchronous outcome of every submission."""

from ..errors import SpApiError

FINAL = ("Success", "Failure")


class VendorTransactionStatusApi:
    def get_transaction(self, transaction_id):
        """``{"transactionId", "status": Failure|Processing|Success, "errors": [...]}``."""
        payload = self._request("getTransaction", path={"transactionId": transaction_id}).payload
        return payload.get("transactionStatus") or {}

    def wait_for_transaction(self, transaction_id, poll_interval=10.0, timeout=900.0):
        """Poll until Success/Failure. Amazon sometimes leaves retail transactions in
        Processing although the document was applied: on timeout this raises, and callers
        fall back to reading the PO status."""
        deadline = self._clock() + timeout
        while True:
            status = self.get_transaction(transaction_id)
            if status.get("status") in FINAL:
                return status
            if self._clock() + poll_interval > deadline:
                raise SpApiError(
                    f"Transaction {transaction_id} still {status.get('status')} after"
                    f" {timeout:.0f} s; Amazon is slow to process it, check again later.",
                    operation="getTransaction",
                )
            self._sleep(poll_interval)
