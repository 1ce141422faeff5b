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
        cls.sp_users = {
            role: new_test_user(
                cls.env,
                login=f"sales_plus_{role}",
                groups=f"base.group_user,{group}",
                name=f"Sales Plus {role.replace('_', ' ').title()}",
                company_id=cls.env.company.id,
            )
            for role, group in cls.GROUP_XMLIDS.items()
        }
        # a plain salesperson without any Sales Plus group
        cls.plain_salesman = new_test_user(
            cls.env,
            login="sales_plus_plain_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.system_admin = new_test_user(
            cls.env,
            login="sales_plus_system_admin",
            groups="base.group_user,base.group_system,sales_plus.group_sales_plus_admin",
        )
