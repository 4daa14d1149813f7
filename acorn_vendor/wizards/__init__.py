from . import (
    acorn_vc_acknowledge_wizard,
    acorn_vc_buyer_pack_wizard,
    acorn_vc_chargeback_import_wizard,
    acorn_vc_cross_check_wizard,
    acorn_vc_invoice_override_wizard,
    acorn_vc_remittance_import_wizard,
    acorn_vc_remittance_month_end_wizard,
    acorn_vc_report_upload_wizard,
)
