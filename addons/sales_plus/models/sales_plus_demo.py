import random
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command

# (customer name, country xml id, state xml id or False, city)
_DEMO_CUSTOMERS = [
    ("Shanghai Lianhua Trading", "base.cn", "base.state_cn_SH", "Shanghai"),
    ("Hangzhou West Lake Office", "base.cn", "base.state_cn_ZJ", "Hangzhou"),
    ("Ningbo Harbour Supplies", "base.cn", "base.state_cn_ZJ", "Ningbo"),
    ("Suzhou Garden Interiors", "base.cn", "base.state_cn_JS", "Suzhou"),
    ("Nanjing Purple Mountain Co.", "base.cn", "base.state_cn_JS", "Nanjing"),
    ("Wenzhou Crafts Group", "base.cn", "base.state_cn_ZJ", "Wenzhou"),
    ("Pudong Fintech Park", "base.cn", "base.state_cn_SH", "Shanghai"),
    ("Wuxi Precision Works", "base.cn", "base.state_cn_JS", "Wuxi"),
    ("Jiaxing Paper Mills", "base.cn", "base.state_cn_ZJ", "Jiaxing"),
    ("Changzhou Dragon Hotel", "base.cn", "base.state_cn_JS", "Changzhou"),
    ("Guangzhou Pearl River Media", "base.cn", "base.state_cn_GD", "Guangzhou"),
    ("Shenzhen Bay Robotics", "base.cn", "base.state_cn_GD", "Shenzhen"),
    ("Dongguan Export Factory", "base.cn", "base.state_cn_GD", "Dongguan"),
    ("Foshan Ceramics Ltd.", "base.cn", "base.state_cn_GD", "Foshan"),
    ("Zhuhai Coastal Resorts", "base.cn", "base.state_cn_GD", "Zhuhai"),
    ("Taipei Sunrise Electronics", "base.tw", False, "Taipei"),
    ("Taichung Precision Tools", "base.tw", False, "Taichung"),
    ("Kaohsiung Harbour Logistics", "base.tw", False, "Kaohsiung"),
    ("Tainan Heritage Design", "base.tw", False, "Tainan"),
    ("Hsinchu Semiconductor Lab", "base.tw", False, "Hsinchu"),
    ("Taoyuan Airport Services", "base.tw", False, "Taoyuan"),
    ("Golden Gate Architects", "base.us", "base.state_us_5", "San Francisco"),
    ("Pacific Coast Realty", "base.us", "base.state_us_5", "Los Angeles"),
    ("Silicon Valley Cowork", "base.us", "base.state_us_5", "San Jose"),
    ("Sacramento Public Library", "base.us", "base.state_us_5", "Sacramento"),
    ("San Diego Marine Institute", "base.us", "base.state_us_5", "San Diego"),
    ("Oakland Community Clinic", "base.us", "base.state_us_5", "Oakland"),
    ("Fresno Agritech", "base.us", "base.state_us_5", "Fresno"),
    ("Napa Valley Wineries", "base.us", "base.state_us_5", "Napa"),
    ("Santa Barbara Studios", "base.us", "base.state_us_5", "Santa Barbara"),
    ("Berkeley Research Partners", "base.us", "base.state_us_5", "Berkeley"),
    ("Palo Alto Ventures", "base.us", "base.state_us_5", "Palo Alto"),
]

_DEMO_PRODUCTS = [
    "sales_plus.product_desk_demo",
    "sales_plus.product_chair_demo",
    "sales_plus.product_cabinet_demo",
    "sales_plus.product_lamp_demo",
    "sales_plus.product_monitor_arm_demo",
]


class SalesPlusDemo(models.AbstractModel):
    _name = "sales_plus.demo"
    _description = "Sales Plus Demo Data Generator"

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _generate_foundation(self):
        """Customers in three regions with two years of confirmed orders in two
        currencies, and stock in two warehouses. Deterministic (fixed seed)."""
        rng = random.Random(19)
        ref = self.env.ref
        company = ref("base.main_company")
        customers = self._create_demo_customers(rng, company)
        products = self.env["product.product"].browse([ref(x).id for x in _DEMO_PRODUCTS])
        warehouses = self._demo_warehouses(company)
        self._create_demo_stock(products, warehouses)
        self._create_demo_orders(rng, company, customers, products, warehouses)

    def _create_demo_customers(self, rng, company):
        ref = self.env.ref
        by_country = {
            "base.cn": [
                ref("sales_plus.res_users_salesperson_east_demo"),
                ref("sales_plus.res_users_team_leader_demo"),
            ],
            "base.tw": [ref("sales_plus.res_users_salesperson_south_demo")],
            "base.us": [ref("sales_plus.res_users_salesperson_west_demo")],
        }
        vals_list = []
        for index, (name, country, state, city) in enumerate(_DEMO_CUSTOMERS):
            salespeople = by_country[country]
            salesperson = salespeople[index % len(salespeople)]
            vals_list.append(
                {
                    "name": name,
                    "is_company": True,
                    "country_id": ref(country).id,
                    "state_id": state and ref(state).id,
                    "city": city,
                    "email": f"contact{index}@example.com",
                    "user_id": salesperson.id,
                    "company_id": False,
                    "child_ids": [
                        Command.create(
                            {
                                "name": f"{name} Purchasing",
                                "type": "contact",
                                "email": f"buyer{index}@example.com",
                            }
                        ),
                        Command.create({"name": f"{name} Warehouse", "type": "delivery", "city": city}),
                    ],
                }
            )
        customers = self.env["res.partner"].create(vals_list)
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"sales_plus.res_partner_customer_{index:02d}_demo",
                    "record": customer,
                    "noupdate": True,
                }
                for index, customer in enumerate(customers)
            ]
        )
        return customers

    def _demo_warehouses(self, company):
        return self.env["stock.warehouse"].search([("company_id", "=", company.id)], order="id", limit=2)

    def _create_demo_stock(self, products, warehouses):
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        for warehouse in warehouses:
            for product in products:
                Quant.create(
                    {
                        "product_id": product.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "inventory_quantity": 400.0,
                    }
                ).action_apply_inventory()

    def _create_demo_orders(self, rng, company, customers, products, warehouses):
        cny_pricelist = self.env.ref("sales_plus.product_pricelist_cny_demo")
        teams = self.env.ref("sales_plus.crm_team_east_demo") | self.env.ref(
            "sales_plus.crm_team_south_west_demo"
        )
        now = fields.Datetime.now()
        order_vals, order_dates = [], []
        for index, customer in enumerate(customers):
            # a few customers buy often, many buy sometimes, some have stopped
            profile = index % 4
            count = (14, 6, 3, 2)[profile]
            last_age = (5, 40, 150, 420)[profile] + rng.randint(0, 20)
            chinese = customer.country_id.code in ("CN", "TW")
            for n in range(count):
                # spread the orders from the last one back to two years ago
                age = last_age + n * (725 - last_age) // max(count - 1, 1) + rng.randint(0, 5)
                delivery = customer.child_ids.filtered(lambda p: p.type == "delivery")[:1]
                order_vals.append(
                    {
                        "partner_id": customer.id,
                        "partner_shipping_id": delivery.id or customer.id,
                        "user_id": customer.user_id.id,
                        "team_id": teams.filtered(lambda t, u=customer.user_id: u in t.member_ids)[:1].id,
                        "company_id": company.id,
                        "pricelist_id": cny_pricelist.id if chinese and index % 2 else False,
                        "warehouse_id": warehouses[index % len(warehouses)].id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": rng.randint(1, 6),
                                }
                            )
                            for product in rng.sample(products, rng.randint(1, 3))
                        ],
                    }
                )
                order_dates.append(now - timedelta(days=age, hours=rng.randint(0, 8)))
        orders = self.env["sale.order"].create(order_vals)
        orders.action_confirm()
        for order, date in zip(orders, order_dates, strict=True):
            order.date_order = date
        # deliver what was ordered more than two weeks ago
        delivered = orders.filtered(lambda o: o.date_order < now - timedelta(days=14))
        pickings = delivered.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()
        for order in delivered:
            order.picking_ids.filtered(lambda p: p.state == "done").date_done = order.date_order + timedelta(
                days=3
            )
        return orders

    # ------------------------------------------------------------
    # BUSINESS METHODS: customer grading
    # ------------------------------------------------------------

    @api.model
    def _generate_rfm(self):
        """Grade the demo company's customers, so they show their segments."""
        company = self.env.ref("base.main_company")
        self.env["sales_plus.rfm.grade"].sudo()._regrade_company(company)
