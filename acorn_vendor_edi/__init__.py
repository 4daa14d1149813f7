# Same split as acorn_vendor: ``acorn_vendor_edi.core`` is plain Python, the models
# load only inside an Odoo server.
if __name__.startswith("odoo.addons."):
    from . import controllers, models
