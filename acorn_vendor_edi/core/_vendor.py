"""The shared Vendor Central domain (acorn_vendor.core), reachable from both import roots.

Inside Odoo this package is ``odoo.addons.acorn_vendor_edi.core`` and the domain lives in
``odoo.addons.acorn_vendor.core``; under pytest and the command line both are top-level.
"""

if __name__.startswith("odoo.addons."):
    from odoo.addons.acorn_vendor.core import domain, gs1  # noqa: F401
else:
    from acorn_vendor.core import domain, gs1  # noqa: F401
