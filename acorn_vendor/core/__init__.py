"""Acorn's pure-Python core for Amazon Vendor Central: no Odoo import allowed here.

Importable both as ``acorn_vendor.core`` (pytest, command line) and as
``odoo.addons.acorn_vendor.core`` (inside Odoo), so modules use relative imports only.
"""
