from . import test_acorn_vc_account
