# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCockpitManagerTour(HttpCase):
    """The cockpit as a manager reads it, in Chromium: ranking and target
    charts, rankings sorted by any column with the top 10 until "Show all",
    the pipeline, Odoo's date picker for the period and empty panels that say so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sales_plus.price.rule"].search([]).action_archive()
        cls.env["res.lang"]._activate_lang("en_US")
        # a company of its own: demo documents and salespeople stay out of its figures
        company = cls.env["res.company"].create(
            {"name": "Cockpit UI Company", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        in_company = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.manager = new_test_user(
            cls.env,
            login="cockpit_ui_manager",
            password="cockpit_ui_manager",
            groups="base.group_user,sales_plus.group_sales_plus_manager",
            tz="UTC",
            lang="en_US",
            **in_company,
        )
        partner = cls.env["res.partner"].create({"name": "Cockpit UI Customer"})
        product = cls.env["product.product"].create({"name": "Cockpit UI Product", "list_price": 10.0})
        now = datetime.now()
        cls.sellers = cls.env["res.users"]
        for number in range(1, 13):
            seller = new_test_user(
                cls.env,
                login=f"cockpit_ui_seller_{number:02d}",
                name=f"Cockpit Seller {number:02d}",
                groups="base.group_user,sales_plus.group_sales_plus_user",
                **in_company,
            )
            cls.sellers |= seller
            # seller 12 sells most: 1,200.00
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": seller.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 100.0 * number, "tax_ids": []}
                        )
                    ],
                }
            )
            order.action_confirm()
            order.date_order = now
        cls.env["sales_plus.target"].create(
            {
                "user_id": cls.sellers[2].id,
                "metric": "revenue",
                "period_type": "month",
                "date_from": now.date().replace(day=1),
                "amount": 1000.0,
            }
        )
        # an open quotation of 777.00
        cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.sellers[0].id,
                "order_line": [
                    Command.create({"product_id": product.id, "price_unit": 777.0, "tax_ids": []})
                ],
            }
        )

    def test_manager_tour(self):
        self.start_tour(
            "/odoo/action-sales_plus.sales_plus_cockpit_action",
            "sales_plus_cockpit_manager_tour",
            login=self.manager.login,
        )
