"""``acorn_vendor_edi.core._vendor`` finds the shared domain under both import roots."""

import importlib.util
import sys
import types
from pathlib import Path

from acorn_vendor.core import domain, gs1
from acorn_vendor_edi.core import _vendor

VENDOR = Path(_vendor.__file__)


def test_plain_import_root():
    assert _vendor.domain is domain and _vendor.gs1 is gs1


def test_odoo_addons_import_root(monkeypatch):
    core = types.ModuleType("odoo.addons.acorn_vendor.core")
    core.domain, core.gs1 = domain, gs1
    for name in ("odoo", "odoo.addons", "odoo.addons.acorn_vendor"):
        module = types.ModuleType(name)
        module.__path__ = []
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(sys.modules, "odoo.addons.acorn_vendor.core", core)
    name = "odoo.addons.acorn_vendor_edi.core._vendor"
    spec = importlib.util.spec_from_file_location(name, VENDOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.domain is domain and module.gs1 is gs1
