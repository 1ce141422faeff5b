# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.sale.tests.common import SaleCommon
from odoo.tests import new_test_user


class SalesPlusCommon(SaleCommon):
    """Users of each Sales Plus group, with the lowest rights their role needs."""

    GROUP_XMLIDS = {
        "user": "sales_plus.group_sales_plus_user",
        "team_leader": "sales_plus.group_sales_plus_team_leader",
        "manager": "sales_plus.group_sales_plus_manager",
        "admin": "sales_plus.group_sales_plus_admin",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the users work in English, whichever languages the database has (a demo
        # database may default to Chinese); tests of other languages set them
        cls.env["res.lang"]._activate_lang("en_US")
        cls.sp_users = {
            role: new_test_user(
                cls.env,
                login=f"sales_plus_{role}",
                groups=f"base.group_user,{group}",
                name=f"Sales Plus {role.replace('_', ' ').title()}",
                company_id=cls.env.company.id,
                lang="en_US",
            )
            for role, group in cls.GROUP_XMLIDS.items()
        }
        # a plain salesperson without any Sales Plus group
        cls.plain_salesman = new_test_user(
            cls.env,
            login="sales_plus_plain_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            lang="en_US",
        )
        cls.system_admin = new_test_user(
            cls.env,
            login="sales_plus_system_admin",
            groups="base.group_user,base.group_system,sales_plus.group_sales_plus_admin",
            lang="en_US",
        )


class SalesPlusStockAlertCommon(SalesPlusCommon):
    """Helpers of the stock alert tests; the class sets ``cls.warehouse`` (the
    default warehouse of the helpers) and ``cls.Alert``."""

    @classmethod
    def _set_stock(cls, product, warehouse, qty):
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)

    def _incoming(self, product, qty, date, warehouse=None):
        """A receipt of ``qty`` expected in ``warehouse`` at ``date``."""
        warehouse = warehouse or self.warehouse
        move = self.env["stock.move"].create(
            {
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "date": date,
            }
        )
        move._action_confirm()
        move.date = date
        return move

    def _orderpoints(self, products, min_qty, max_qty, warehouse=None):
        """A manual reordering rule of each of ``products``."""
        warehouse = warehouse or self.warehouse
        return self.env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": product.id,
                    "warehouse_id": warehouse.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "product_min_qty": min_qty,
                    "product_max_qty": max_qty,
                    "trigger": "manual",
                }
                for product in products
            ]
        )

    def _alerts(self, **domain):
        return self.Alert.search([(key, "=", value) for key, value in domain.items()])
