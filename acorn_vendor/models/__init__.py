from . import acorn_vc_account, acorn_vc_vendor_code, product_product, product_template
