from . import (
    test_acknowledgement,
    test_acorn_vc_account,
    test_acorn_vc_account_sync,
    test_acorn_vc_purchase_order,
    test_asn,
    test_asn_label,
    test_invoice,
    test_menu_counters,
    test_naming,
    test_product,
    test_security,
    test_xmlrpc,
)
