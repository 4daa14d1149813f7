from . import acorn_vc_account
