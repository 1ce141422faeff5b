# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import calendar
import logging
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

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

_logger = logging.getLogger(__name__)

# thousands of documents: no chatter messages about their creation and changes
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}

# Seasonality: the weight of each calendar month (Chinese New Year in February,
# the year-end rush in November and December)
SEASON = {
    1: 1.0,
    2: 0.85,
    3: 1.0,
    4: 1.0,
    5: 1.05,
    6: 1.1,
    7: 0.95,
    8: 0.95,
    9: 1.1,
    10: 1.1,
    11: 1.2,
    12: 1.3,
}
# confirmed orders a month per company in a month of weight 1.0, and at least
MONTHLY_ORDERS = 15
MIN_MONTHLY_ORDERS = 15
# months of history before the current one
HISTORY_MONTHS = 24
# stock left in each warehouse once the history is delivered
STOCK_LEFT = 40.0

# demo records' names in Chinese: xml id -> {lang: name}
TRANSLATIONS = {
    "sales_plus.product_desk_demo": {"zh_CN": "升降办公桌", "zh_TW": "升降辦公桌"},
    "sales_plus.product_chair_demo": {"zh_CN": "人体工学椅", "zh_TW": "人體工學椅"},
    "sales_plus.product_cabinet_demo": {"zh_CN": "文件柜", "zh_TW": "文件櫃"},
    "sales_plus.product_lamp_demo": {"zh_CN": "LED 台灯", "zh_TW": "LED 檯燈"},
    "sales_plus.product_monitor_arm_demo": {"zh_CN": "显示器支架", "zh_TW": "螢幕支架"},
    "sales_plus.product_pricelist_cny_demo": {"zh_CN": "中国 (人民币)", "zh_TW": "中國 (人民幣)"},
    "sales_plus.crm_team_east_demo": {"zh_CN": "东区团队", "zh_TW": "東區團隊"},
    "sales_plus.crm_team_south_west_demo": {"zh_CN": "南区与西区团队", "zh_TW": "南區與西區團隊"},
    "sales_plus.crm_team_shanghai_demo": {"zh_CN": "华东大客户部", "zh_TW": "華東大客戶部"},
}

# demo users' languages, set when the language is loaded (make demo loads zh_CN and zh_TW);
# English is activated first: a database created with Chinese only has it inactive
USER_LANGS = {
    "base.user_admin": "en_US",
    "sales_plus.res_users_salesperson_west_demo": "en_US",
    "sales_plus.res_users_team_leader_demo": "zh_CN",
    "sales_plus.res_users_salesperson_east_demo": "zh_CN",
    "sales_plus.res_users_salesperson_south_demo": "zh_TW",
}


# ---- Generators ----


def generate_foundation(env):
    """The US company: customers in three regions, two years of confirmed orders
    in two currencies by the salespeople of its two teams, stock in two
    warehouses. Deterministic (fixed seed)."""
    rng = random.Random(19)
    ref = env.ref
    company = ref("base.main_company")
    _cancel_core_orders_below_cost(env)
    customers = _create_demo_customers(env, company)
    products = env["product.product"].browse([ref(x).id for x in _DEMO_PRODUCTS])
    warehouses = _demo_warehouses(env, company)
    sellers = [
        (ref("sales_plus.res_users_team_leader_demo"), ref("sales_plus.crm_team_east_demo")),
        (ref("sales_plus.res_users_salesperson_east_demo"), ref("sales_plus.crm_team_east_demo")),
        (ref("sales_plus.res_users_salesperson_south_demo"), ref("sales_plus.crm_team_south_west_demo")),
        (ref("sales_plus.res_users_salesperson_west_demo"), ref("sales_plus.crm_team_south_west_demo")),
    ]
    pricelist = ref("sales_plus.product_pricelist_cny_demo")
    _create_demo_orders(env, rng, company, sellers, customers, products, warehouses, pricelist)


def generate_l10n(env):
    """The Shanghai company: Chinese customers with two years of orders in CNY by
    the members of its team, stock in its warehouse; the demo users' languages and
    the demo records' Chinese names when the languages are loaded."""
    rng = random.Random(86)
    ref = env.ref
    company = ref("sales_plus.res_company_shanghai_demo")
    team = ref("sales_plus.crm_team_shanghai_demo")
    sellers = [
        (ref("sales_plus.res_users_salesperson_east_demo"), team),
        (ref("sales_plus.res_users_team_leader_demo"), team),
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
                "user_id": sellers[index % 2][0].id,
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
    _create_demo_orders(company_env, rng, company, sellers, customers, products, warehouses)
    env["res.lang"]._activate_lang("en_US")
    for xmlid, lang in USER_LANGS.items():
        if _lang_active(env, lang):
            ref(xmlid).lang = lang
    langs = env["res.lang"].search([("active", "=", True)]).mapped("code")
    for xmlid, names in TRANSLATIONS.items():
        values = {lang: name for lang, name in names.items() if lang in langs}
        record = ref(xmlid)
        if record._name == "product.product":
            record = record.product_tmpl_id
        if values:
            record.update_field_translations("name", values)


def generate_rfm(env):
    """Grade the demo companies' customers, so they show their segments."""
    for xmlid in ("base.main_company", "sales_plus.res_company_shanghai_demo"):
        env["sales_plus.rfm.grade"].sudo()._regrade_company(env.ref(xmlid))


# ---- Helpers ----


def _cancel_core_orders_below_cost(env):
    """Odoo's own demo orders are priced without regard to its demo costs: some
    confirmed ones sell far below cost (a meeting table at 150 that costs 4,500)
    and would give the current month of the cockpit a negative margin that no
    salesperson of the story made. Those with nothing delivered or invoiced are
    cancelled; the others are left as they are."""
    core = env["ir.model.data"].search([("model", "=", "sale.order"), ("module", "!=", "sales_plus")])
    below_cost = env["sale.order"].search(
        [
            ("id", "in", core.mapped("res_id")),
            ("state", "=", "sale"),
            ("margin", "<", 0),
            ("invoice_ids", "=", False),
            ("order_line", "not any", [("qty_delivered", "!=", 0)]),
        ]
    )
    below_cost.with_context(**QUIET)._action_cancel()
    _logger.info("demo: %s of Odoo's demo orders below cost cancelled", len(below_cost))


def _lang_active(env, code):
    return bool(env["res.lang"].search_count([("code", "=", code), ("active", "=", True)]))


def _create_demo_customers(env, company):
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


def _demo_months(today):
    """(first day, last day of the history in it) of the HISTORY_MONTHS months
    before the current one and of the current one up to ``today``."""
    current = today.replace(day=1)
    months = []
    for offset in range(HISTORY_MONTHS, -1, -1):
        start = current - relativedelta(months=offset)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        months.append((start, min(end, today)))
    return months


def _create_demo_orders(env, rng, company, sellers, customers, products, warehouses, foreign_pricelist=None):
    """Confirmed orders of each month of the history, each by a salesperson of
    ``sellers`` ((user, team) pairs of ``company``) for one of his customers;
    Chinese and Taiwanese customers at odd positions buy through
    ``foreign_pricelist`` when given. A few customers buy often, many sometimes,
    some have stopped. Orders older than ten days are delivered."""
    env = env(context=dict(env.context, **QUIET))
    now = fields.Datetime.now()
    today = now.date()
    term = env.ref("account.account_payment_term_30days", raise_if_not_found=False)
    position = {customer: index for index, customer in enumerate(customers)}
    by_user = defaultdict(list)
    for customer in customers:
        by_user[customer.user_id].append(customer)
    order_vals, order_dates = [], []
    for start, end in _demo_months(today):
        full_days = calendar.monthrange(start.year, start.month)[1]
        days = (end - start).days + 1
        count = max(MIN_MONTHLY_ORDERS, round(MONTHLY_ORDERS * SEASON[start.month]))
        # the current month up to today, at least one order per salesperson
        count = max(len(sellers), round(count * days / full_days))
        for n in range(count):
            user, team = sellers[(n + start.month) % len(sellers)]
            age = (today - start).days
            # customers at positions 3, 7, ... stopped buying a year ago
            candidates = [c for c in by_user[user] if position[c] % 4 != 3 or age > 400] or by_user[user]
            weights = [(6, 3, 2, 1)[position[c] % 4] for c in candidates]
            customer = rng.choices(candidates, weights)[0]
            index = position[customer]
            chinese = customer.country_id.code in ("CN", "TW")
            delivery = customer.child_ids.filtered(lambda p: p.type == "delivery")[:1]
            date_order = datetime.combine(
                start + timedelta(days=rng.randrange(days)), time(rng.randint(1, 9))
            )
            order_date = min(date_order, now - timedelta(hours=1))
            order_vals.append(
                {
                    # the quotation was made on its date (the pipeline counts the
                    # quotations of a period by their creation; the superuser may
                    # set it while the demo data is being loaded)
                    "create_date": order_date,
                    "partner_id": customer.id,
                    "partner_shipping_id": delivery.id or customer.id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "payment_term_id": term.id if term else False,
                    "pricelist_id": foreign_pricelist.id
                    if foreign_pricelist and chinese and index % 2
                    else False,
                    "warehouse_id": warehouses[index % len(warehouses)].id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": rng.randint(1, 6)})
                        for product in rng.sample(products, rng.randint(1, 3))
                    ],
                }
            )
            order_dates.append(order_date)
    orders = env["sale.order"].create(order_vals)
    _logger.info("demo: %s orders of %s created", len(orders), company.name)
    # stock for the deliveries of the history, STOCK_LEFT of each product left
    delivered = orders.browse(
        [order.id for order, date in zip(orders, order_dates, strict=True) if date < now - timedelta(days=10)]
    )
    _create_demo_stock(env, products, warehouses, delivered)
    orders.action_confirm()
    for order, date in zip(orders, order_dates, strict=True):
        order.date_order = date
    pickings = delivered.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    _logger.info("demo: orders confirmed")
    pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()
    _logger.info("demo: %s pickings done", len(pickings))
    # the picking is the salesperson's, done three days after the order
    for order in orders:
        order.picking_ids.write(
            {
                "user_id": order.user_id.id,
                **({"date_done": order.date_order + timedelta(days=3)} if order in delivered else {}),
            }
        )
    return orders


def _create_demo_stock(env, products, warehouses, orders):
    demand = defaultdict(float)
    for line in orders.order_line:
        demand[line.order_id.warehouse_id, line.product_id] += line.product_uom_qty
    Quant = env["stock.quant"].with_context(inventory_mode=True)
    quants = Quant.create(
        [
            {
                "product_id": product.id,
                "location_id": warehouse.lot_stock_id.id,
                "inventory_quantity": STOCK_LEFT + demand[warehouse, product],
            }
            for warehouse in warehouses
            for product in products
        ]
    )
    quants.action_apply_inventory()
