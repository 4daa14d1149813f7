"""Checks on the repository itself: vendored models, demo data, Docker files, add-on layout."""

import ast
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from acorn_vendor.core import spapi_models
from acorn_vendor.core.sandbox.catalogue import default_catalogue

from .conftest import ROOT, SHARED

VENDORED = Path(spapi_models.__file__).parent


def _upstream_path(name):
    for folder in ("models", "schemas"):
        found = list((SHARED / "spapi-models" / folder).rglob(name))
        if found:
            return found[0]
    return None


@pytest.mark.skipif(not (SHARED / "spapi-models").is_dir(), reason="../shared not present")
@pytest.mark.parametrize("name", sorted(p.name for p in VENDORED.glob("*.json")))
def test_vendored_models_are_byte_identical_to_upstream(name):
    upstream = _upstream_path(name)
    assert upstream is not None, f"{name} is not in ../shared/spapi-models"
    digest = hashlib.sha256
    assert digest((VENDORED / name).read_bytes()).digest() == digest(upstream.read_bytes()).digest()


def test_vendored_models_keep_their_licence():
    assert "Apache License" in (VENDORED / "LICENSE").read_text()
    assert "Amazon.com" in (VENDORED / "NOTICE").read_text()


def test_demo_products_are_the_sandbox_catalogue():
    """The demo's products must be what the demo sandbox orders, or every PO line is unmapped."""
    tree = etree.parse(str(ROOT / "acorn_vendor" / "demo" / "acorn_vendor_demo.xml"))
    demo = {}
    for record in tree.iterfind("//record[@model='product.template']"):
        fields = {f.get("name"): f.text for f in record.iterfind("field")}
        demo[fields["amz_asin"]] = (fields["default_code"], fields["barcode"], fields["list_price"])
    sandbox = {p.asin: (p.sku, p.ean, str(p.net_cost)) for p in default_catalogue()}
    assert demo == sandbox


def _manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ["acorn_vendor", "acorn_vendor_edi"])
def test_manifest_lists_existing_files(addon):
    manifest = _manifest(addon)
    assert manifest["version"].startswith("18.0.")
    assert manifest["license"] == "LGPL-3"
    for key in ("data", "demo"):
        for rel in manifest.get(key, []):
            assert (ROOT / addon / rel).is_file(), f"{addon}: {key} file {rel} is missing"


def test_every_model_has_access_rules():
    """Each _name declared in acorn_vendor has a line in security/ir.model.access.csv
    (abstract models have no table, so no access line)."""
    names = set()
    for path in (ROOT / "acorn_vendor").glob("models/*.py"):
        for cls in ast.walk(ast.parse(path.read_text())):
            if not isinstance(cls, ast.ClassDef) or any(
                getattr(base, "attr", None) == "AbstractModel" for base in cls.bases
            ):
                continue
            for node in cls.body:
                if isinstance(node, ast.Assign) and any(
                    getattr(t, "id", None) == "_name" for t in node.targets
                ):
                    names.add(node.value.value)
    csv = (ROOT / "acorn_vendor" / "security" / "ir.model.access.csv").read_text()
    for name in names:
        assert f"model_{name.replace('.', '_')}," in csv, f"no access rule for {name}"


def _compose_command():
    if shutil.which("docker") and (
        subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_file_is_valid():
    compose = _compose_command()
    if compose is None:
        pytest.fail("neither `docker compose` nor `docker-compose` is installed (./acorn setup)")
    result = subprocess.run(
        [*compose, "-f", str(ROOT / "docker" / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    for service in ("db:", "odoo:", "sandbox:"):
        assert service in result.stdout
    assert "postgres:16" in result.stdout
    assert "FROM odoo:18.0" in (ROOT / "docker" / "Dockerfile").read_text()
