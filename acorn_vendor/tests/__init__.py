from . import (
    test_acknowledgement,
    test_acorn_vc_account,
    test_acorn_vc_account_sync,
    test_acorn_vc_purchase_order,
    test_invoice,
    test_product,
    test_security,
    test_xmlrpc,
)
