"""Vendor Invoices v1."""


class VendorInvoicesApi:
    def submit_invoices(self, body, force=False):
        """Send ``{"invoices": [...]}`` once; returns a SubmissionResult.

        Amazon offers no way to read back a submitted invoice, so an uncertain earlier
        attempt is never resent automatically (a duplicate invoice is a real payment
        problem): check Vendor Central, then call again with ``force=True``.
        """
        return self._submit(
            "submitInvoices",
            body,
            None,
            force,
            no_read_reason="Amazon's Vendor Invoices API has no way to read an invoice back",
        )
