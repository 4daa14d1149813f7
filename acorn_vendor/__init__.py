# The pure-Python core (``acorn_vendor.core``) must import without Odoo, so the ORM
# layer is only loaded when Odoo itself imports the add-on as ``odoo.addons.acorn_vendor``.
if __name__.startswith("odoo.addons."):
    from . import models, wizards
