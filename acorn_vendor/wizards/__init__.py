from . import acorn_vc_acknowledge_wizard
