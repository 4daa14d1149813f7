{
    "name": "Acorn Vendor Central",
    "summary": "Run an Amazon Vendor Central (1P) business in Odoo over SP-API: "
    "purchase orders, acknowledgements, ASNs, invoices, reports and reconciliation",
    "version": "18.0.1.1.0",
    "category": "Sales/Vendor Central",
    "website": "https://github.com/acorn-erp/acorn",
    "author": "Acorn contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": [
        "mail",
        "sale_stock",
        "purchase_stock",
        "account",
        "queue_job",
    ],
    "external_dependencies": {
        "python": ["requests", "jsonschema", "pandas", "openpyxl", "xlsxwriter"]
    },
    "data": [
        "security/acorn_vendor_security.xml",
        "security/ir.model.access.csv",
        "data/account_payment_term.xml",
        "security/acorn_vc_report_security.xml",
        "data/queue_job_channel.xml",
        "data/queue_job_function.xml",
        "data/ir_cron.xml",
        # Forms link to these actions: transactions, then POs, then accounts.
        "views/acorn_vc_transaction_views.xml",
        "views/acorn_vc_purchase_order_views.xml",
        "views/acorn_vc_account_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_quant_package_views.xml",
        "report/acorn_sscc_label_reports.xml",
        "wizards/acorn_vc_acknowledge_wizard_views.xml",
        "views/account_move_views.xml",
        "wizards/acorn_vc_invoice_override_wizard_views.xml",
        "data/acorn_vc_remittance_data.xml",
        "views/acorn_vc_remittance_views.xml",
        "wizards/acorn_vc_remittance_import_wizard_views.xml",
        "wizards/acorn_vc_remittance_month_end_wizard_views.xml",
        "views/acorn_vc_report_document_views.xml",
        "views/acorn_vc_report_sales_views.xml",
        "views/acorn_vc_report_inventory_views.xml",
        "views/acorn_vc_report_traffic_views.xml",
        "views/acorn_vc_report_forecast_views.xml",
        "views/acorn_vc_report_margin_views.xml",
        "views/acorn_vc_report_kpi_views.xml",
        # Menus last: they point at the actions above.
        "views/acorn_vendor_menus.xml",
        "views/acorn_vc_report_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "acorn_vendor/static/src/**/*",
        ],
        "web.assets_tests": [
            "acorn_vendor/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/acorn_vendor_demo.xml",
    ],
}
