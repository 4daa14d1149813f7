from . import acorn_edi_document, acorn_vc_account, acorn_vc_transaction
