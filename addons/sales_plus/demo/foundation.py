# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
from datetime import timedelta

from odoo import fields
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

# Customers of the Shanghai company: (name, state xml id, city)
_DEMO_CN_CUSTOMERS = [
    ("北京华夏科技有限公司", "base.state_cn_BJ", "北京"),
    ("广州珠江家具有限公司", "base.state_cn_GD", "广州"),
    ("深圳前海数码有限公司", "base.state_cn_GD", "深圳"),
    ("杭州西湖文创有限公司", "base.state_cn_ZJ", "杭州"),
    ("宁波港通物流有限公司", "base.state_cn_ZJ", "宁波"),
    ("南京紫金办公设备有限公司", "base.state_cn_JS", "南京"),
    ("苏州园林酒店管理有限公司", "base.state_cn_JS", "苏州"),
    ("成都天府软件园有限公司", "base.state_cn_SC", "成都"),
    ("上海浦江金融服务有限公司", "base.state_cn_SH", "上海"),
    ("上海静安设计事务所", "base.state_cn_SH", "上海"),
    ("武汉长江光电有限公司", "base.state_cn_HB", "武汉"),
    ("重庆山城商贸有限公司", "base.state_cn_CQ", "重庆"),
]

_DEMO_PRODUCTS = [
    "sales_plus.product_desk_demo",
    "sales_plus.product_chair_demo",
    "sales_plus.product_cabinet_demo",
    "sales_plus.product_lamp_demo",
    "sales_plus.product_monitor_arm_demo",
]


# ---- Business methods ----


def generate_foundation(env):
    """Customers in three regions with two years of confirmed orders in two
    currencies, and stock in two warehouses. Deterministic (fixed seed)."""
    rng = random.Random(19)
    ref = env.ref
    company = ref("base.main_company")
    customers = _create_demo_customers(env, rng, company)
    products = env["product.product"].browse([ref(x).id for x in _DEMO_PRODUCTS])
    warehouses = _demo_warehouses(env, company)
    _create_demo_stock(env, products, warehouses)
    teams = ref("sales_plus.crm_team_east_demo") | ref("sales_plus.crm_team_south_west_demo")
    pricelist = ref("sales_plus.product_pricelist_cny_demo")
    _create_demo_orders(env, rng, company, customers, products, warehouses, teams, pricelist)


def generate_l10n(env):
    """The Shanghai company: Chinese customers with two years of orders in CNY,
    stock in its warehouse; demo users speak Chinese when it is loaded."""
    rng = random.Random(86)
    ref = env.ref
    company = ref("sales_plus.res_company_shanghai_demo")
    salespeople = [
        ref("sales_plus.res_users_salesperson_east_demo"),
        ref("sales_plus.res_users_team_leader_demo"),
    ]
    zh_cn = _lang_active(env, "zh_CN")
    customers = env["res.partner"].create(
        [
            {
                "name": name,
                "is_company": True,
                "country_id": ref("base.cn").id,
                "state_id": ref(state).id,
                "city": city,
                "lang": "zh_CN" if zh_cn else False,
                "user_id": salespeople[index % 2].id,
                "company_id": company.id,
                "child_ids": [Command.create({"name": f"{name} 采购部", "type": "contact"})],
            }
            for index, (name, state, city) in enumerate(_DEMO_CN_CUSTOMERS)
        ]
    )
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": f"sales_plus.res_partner_cn_customer_{index:02d}_demo",
                "record": customer,
                "noupdate": True,
            }
            for index, customer in enumerate(customers)
        ]
    )
    products = env["product.product"].browse([ref(x).id for x in _DEMO_PRODUCTS])
    company_env = env["res.company"].with_company(company).env
    warehouses = _demo_warehouses(company_env, company)
    _create_demo_stock(company_env, products, warehouses)
    teams = ref("sales_plus.crm_team_shanghai_demo")
    _create_demo_orders(company_env, rng, company, customers, products, warehouses, teams)
    for xmlid, lang in (
        ("sales_plus.res_users_salesperson_east_demo", "zh_CN"),
        ("sales_plus.res_users_team_leader_demo", "zh_CN"),
        ("sales_plus.res_users_salesperson_south_demo", "zh_TW"),
    ):
        if _lang_active(env, lang):
            ref(xmlid).lang = lang


def _lang_active(env, code):
    return bool(env["res.lang"].search_count([("code", "=", code), ("active", "=", True)]))


def _create_demo_customers(env, rng, company):
    ref = env.ref
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
    customers = env["res.partner"].create(vals_list)
    env["ir.model.data"]._update_xmlids(
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


def _demo_warehouses(env, company):
    return env["stock.warehouse"].search([("company_id", "=", company.id)], order="id", limit=2)


def _create_demo_stock(env, products, warehouses):
    Quant = env["stock.quant"].with_context(inventory_mode=True)
    for warehouse in warehouses:
        for product in products:
            Quant.create(
                {
                    "product_id": product.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "inventory_quantity": 400.0,
                }
            ).action_apply_inventory()


def _create_demo_orders(env, rng, company, customers, products, warehouses, teams, foreign_pricelist=None):
    """Confirmed orders over two years; customers at odd positions of China and
    Taiwan buy through ``foreign_pricelist`` when given."""
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
                    "pricelist_id": foreign_pricelist.id
                    if foreign_pricelist and chinese and index % 2
                    else False,
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
    orders = env["sale.order"].create(order_vals)
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


# ---- Business methods: customer grading ----


def generate_rfm(env):
    """Grade the demo company's customers, so they show their segments."""
    company = env.ref("base.main_company")
    env["sales_plus.rfm.grade"].sudo()._regrade_company(company)
