# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.fields import Command

from .foundation import _demo_warehouses

# ---- Business methods ----


def generate_stock_alerts(env):
    """Live alerts of each type on top of the foundation's stock and orders."""
    ref = env.ref
    company = ref("base.main_company")
    main, south = _demo_warehouses(env, company)
    cabinet = ref("sales_plus.product_cabinet_demo")
    lamp = ref("sales_plus.product_lamp_demo")
    arm = ref("sales_plus.product_monitor_arm_demo")
    chair = ref("sales_plus.product_chair_demo")
    now = fields.Datetime.now()
    # below safety stock: a reordering rule above what Shenzhen will have
    env["stock.warehouse.orderpoint"].create(
        {
            "product_id": cabinet.id,
            "warehouse_id": south.id,
            "location_id": south.lot_stock_id.id,
            "product_min_qty": 60.0,
            "product_max_qty": 120.0,
            "trigger": "manual",
        }
    )

    def order_vals(customer_xmlid, warehouse, product, qty, **extra):
        customer = ref(customer_xmlid)
        # the salesperson's team of this company (they may lead one in another)
        team = env["crm.team"].search(
            [
                ("company_id", "in", (company.id, False)),
                "|",
                ("user_id", "=", customer.user_id.id),
                ("member_ids", "in", customer.user_id.ids),
            ],
            limit=1,
        )
        return {
            "partner_id": customer.id,
            "user_id": customer.user_id.id,
            "team_id": team.id,
            "company_id": company.id,
            "warehouse_id": warehouse.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            **extra,
        }

    orders = env["sale.order"].create(
        [
            # shortage on confirmation: more lamps than the warehouse holds (an order
            # of an ordinary size, so that the cockpit's month stays plausible)
            order_vals("sales_plus.res_partner_customer_00_demo", main, lamp, 48),
            # promised last week, not shipped
            order_vals("sales_plus.res_partner_customer_04_demo", main, arm, 6),
            # quotation at risk: more lamps than both warehouses hold
            order_vals("sales_plus.res_partner_customer_08_demo", south, lamp, 120),
            # quotation expiring tomorrow, stock available but not held
            order_vals(
                "sales_plus.res_partner_customer_15_demo",
                south,
                chair,
                12,
                validity_date=fields.Date.context_today(env.user) + timedelta(days=1),
            ),
        ]
    )
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": f"sales_plus.sale_order_stock_alert_{name}_demo",
                "record": order,
                "noupdate": True,
            }
            for name, order in zip(("shortage", "late", "at_risk", "expiring"), orders, strict=True)
        ]
    )
    orders[:2].action_confirm()
    for order in orders[:2]:
        order.picking_ids.user_id = order.user_id
    orders[1].commitment_date = now - timedelta(days=7)
    env["sales_plus.stock.alert"]._stock_alert_scan()
