# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SalesPlusCommon


@tagged("post_install", "-at_install")
class TestDemoGenerators(SalesPlusCommon):
    """The demo generators are plain functions of ``sales_plus/demo``: a database
    (with or without demo data) has no model of theirs."""

    def test_no_demo_model(self):
        self.assertNotIn("sales_plus.demo", self.env.registry)
        self.assertFalse(self.env["ir.model"].search_count([("model", "=like", "sales_plus.demo%")]))
