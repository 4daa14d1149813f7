from . import (
    test_acorn_edi_document,
    test_acorn_edi_partner,
    test_acorn_edi_security,
    test_acorn_vc_account,
    test_as2_endpoint,
)
