# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestStockAlertUi(HttpCase):
    def test_salesperson_sees_shortage_on_quotation(self):
        salesperson = new_test_user(
            self.env,
            login="sales_plus_stock_tour",
            password="sales_plus_stock_tour",
            groups="base.group_user,sales_plus.group_sales_plus_user",
        )
        product = self.env["product.product"].create(
            {"name": "Tour Cabinet", "type": "consu", "is_storable": True}
        )
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 3)
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.env["res.partner"].create({"name": name}).id,
                    "user_id": salesperson.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
                }
                for name, qty in (("Tour Shortage Customer", 10), ("Tour Covered Customer", 2))
            ]
        )
        self.assertEqual(orders.mapped("stock_alert_at_risk"), [True, False])
        self.start_tour("/odoo", "sales_plus_stock_alert_tour", login=salesperson.login)
