import re

from odoo import fields
from odoo.tests import TransactionCase, tagged

ACORN_MODULES = {"acorn_vendor", "acorn_vendor_edi"}
# The only names that may carry amz_: identifiers Amazon issues or knows a document by.
AMAZON_IDENTIFIERS = {"amz_asin", "amz_fc_code", "amz_invoice_number", "amz_return_reference"}
# Odoo's method conventions put a verb before the field or subject they act on.
METHOD_VERB = re.compile(r"^_?(?:(?:action|compute|inverse|search|check|onchange|unlink_except)_)?")


def naming_problem(model, name, kind):
    """Why ``name``, added by Acorn to Odoo's ``model``, breaks the prefix rule (or None)."""
    subject = METHOD_VERB.sub("", name, count=1) if kind == "method" else name
    if subject.startswith("acorn_"):
        return None
    if subject.startswith("amz_") and any(
        subject == known or subject.startswith(known + "_") for known in AMAZON_IDENTIFIERS
    ):
        return None
    if subject.startswith("amz_"):
        known = ", ".join(sorted(AMAZON_IDENTIFIERS))
        return f"{model}.{name}: amz_ is for Amazon's identifiers ({known}); use acorn_"
    return f"{model}.{name}: a {kind} Acorn adds to an Odoo model starts with acorn_"


@tagged("-at_install", "post_install")
class TestNaming(TransactionCase):
    """Inherited Odoo models: amz_ for Amazon's identifiers, acorn_ for everything else."""

    def _added_by_acorn(self):
        """(model, name, kind) of every field and method Acorn's add-ons define on a model
        they did not create, leaving out overrides of what the model already had."""
        added = set()
        for model in self.env.registry:
            cls = self.env.registry[model]
            if cls._original_module in ACORN_MODULES:
                continue
            definitions = cls.__mro__[1:]
            ours = [k for k in definitions if getattr(k, "_module", None) in ACORN_MODULES]
            theirs = [k for k in definitions if k not in ours]
            for klass in ours:
                for name, value in vars(klass).items():
                    if isinstance(value, fields.Field):
                        kind = "field"
                    elif callable(value) or isinstance(value, (staticmethod, classmethod)):
                        kind = "method"
                    else:
                        continue
                    if not any(name in vars(k) for k in theirs):
                        added.add((model, name, kind))
        return added

    def test_acorn_fields_and_methods_on_odoo_models_carry_the_prefix(self):
        added = self._added_by_acorn()
        # The scan sees what it must judge: a field, an Amazon identifier, a button.
        self.assertLessEqual(
            {
                ("account.move", "acorn_invoice_state", "field"),
                ("product.product", "amz_asin", "field"),
                ("stock.picking", "action_acorn_send_asn", "method"),
            },
            added,
        )
        self.assertNotIn(("account.move", "button_draft", "method"), added, "an override")
        problems = sorted(filter(None, (naming_problem(*item) for item in added)))
        self.assertEqual(problems, [])

    def test_the_rule_refuses_unprefixed_names_and_acorn_state_under_amz(self):
        self.assertIn("amz_ is for Amazon", naming_problem("account.move", "amz_state", "field"))
        self.assertIn("starts with acorn_", naming_problem("sale.order", "po_state", "field"))
        self.assertIn("starts with acorn_", naming_problem("account.move", "send_it", "method"))
        self.assertIsNotNone(naming_problem("account.move", "action_amz_send", "method"))
        for name, kind in [
            ("amz_asin", "field"),
            ("_check_amz_asin_unique", "method"),
            ("action_acorn_send_asn", "method"),
            ("_compute_acorn_invoice_state", "method"),
            ("_acorn_packages", "method"),
        ]:
            self.assertIsNone(naming_problem("stock.picking", name, kind), name)
