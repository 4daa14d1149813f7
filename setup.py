"""Packages both add-ons (with their pure-Python cores) for pip.

Odoo itself is not on PyPI, so it is not a requirement here; see README, "Finding Odoo".
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def requirements():
    lines = (HERE / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


setup(
    name="acorn-vendor-central",
    version="18.0.1.0.0",
    description="Amazon Vendor Central (1P) for Odoo 18: SP-API and EDI add-ons",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="LGPL-3.0-only",
    python_requires=">=3.10,<3.13",
    packages=find_packages(
        include=["acorn_vendor", "acorn_vendor.*", "acorn_vendor_edi", "acorn_vendor_edi.*"]
    ),
    include_package_data=True,
    package_data={
        "": [
            "*.xml",
            "*.csv",
            "*.json",
            "*.sql",
            "*.png",
            "*.svg",
            "LICENSE",
            "NOTICE",
            "*.js",
            "*.scss",
            "*.wsdl",
        ]
    },
    install_requires=requirements(),
    extras_require={"queue": ["odoo-addon-queue_job>=18.0,<18.1"]},
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
