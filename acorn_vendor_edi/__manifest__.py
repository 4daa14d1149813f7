{
    "name": "Acorn Vendor Central EDI",
    "summary": "Amazon Vendor Central over EDI: ANSI X12 4010/5010 and EDIFACT D96A, "
    "with validation, functional acknowledgements and transports",
    "version": "18.0.1.0.0",
    "category": "Sales/Vendor Central",
    "website": "https://github.com/acorn-erp/acorn",
    "author": "Acorn contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["acorn_vendor"],
    "data": [
        "security/ir.model.access.csv",
        "security/acorn_vendor_edi_security.xml",
        "data/queue_job_function.xml",
        "data/ir_cron.xml",
        "views/acorn_edi_document_views.xml",
        "views/acorn_vc_account_views.xml",
    ],
    "demo": [
        "demo/acorn_vendor_edi_demo.xml",
    ],
}
