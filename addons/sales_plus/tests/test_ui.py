# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSalesPlusUi(HttpCase):
    def test_salesperson_opens_sales_plus_menu(self):
        salesperson = new_test_user(
            self.env,
            login="sales_plus_tour_user",
            password="sales_plus_tour_user",
            groups="base.group_user,sales_plus.group_sales_plus_user",
        )
        self.env["res.partner"].create(
            [
                {"name": "Sales Plus Tour Customer", "is_company": True, "user_id": salesperson.id},
                {"name": "Somebody Else's Customer", "is_company": True},
            ]
        )
        self.start_tour("/odoo", "sales_plus_menu_tour", login=salesperson.login)
