from . import (
    acorn_vc_account,
    acorn_vc_payload,
    acorn_vc_purchase_order,
    acorn_vc_purchase_order_line,
    acorn_vc_transaction,
    acorn_vc_vendor_code,
    product_product,
    product_template,
    res_partner,
    sale_order,
    sale_order_line,
)
