"""One mixin per Amazon API. Each describes its operations on top of BaseClient.

To add an API (e.g. Direct Fulfillment Orders 2021-12-28): vendor its model into
``spapi_models`` (so ``validate_request`` knows it), register its operations in
``operations.py`` under prefixed keys such as ``df.getOrders`` with their rate and burst,
write a mixin here calling ``self._request("df.getOrders", ...)``, and add the mixin to
``SpApiClient``'s bases. DF 2021-12-28 answers are not wrapped in ``payload``;
``ApiResponse.payload`` already handles both shapes.
"""

from .invoices import VendorInvoicesApi
from .orders import VendorOrdersApi
from .reports import ReportsApi
from .shipments import VendorShipmentsApi
from .transactions import VendorTransactionStatusApi
