from . import test_acorn_vc_account, test_product, test_security
