# The Odoo tests load only inside an Odoo server (as odoo.addons.acorn_vendor_edi.tests).
# Outside it, the pure suite, bench/ and tools/ import bots_check from here and nothing else.
if __name__.startswith("odoo.addons."):
    from . import (
        test_acorn_edi_document,
        test_acorn_edi_partner,
        test_acorn_edi_remittance,
        test_acorn_edi_security,
        test_acorn_vc_account,
        test_as2_endpoint,
        test_edi_monitoring,
    )
