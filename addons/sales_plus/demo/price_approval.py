# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.fields import Command

# ---- Business methods ----


def generate_price_approvals(env):
    """Quotations priced under policy: one to request, and approvals pending
    at level 1, 2 and 3."""
    ref = env.ref
    east = ref("sales_plus.res_users_salesperson_east_demo")
    south = ref("sales_plus.res_users_salesperson_south_demo")
    west = ref("sales_plus.res_users_salesperson_west_demo")
    leader = ref("sales_plus.res_users_team_leader_demo")
    desk = ref("sales_plus.product_desk_demo")
    chair = ref("sales_plus.product_chair_demo")
    cabinet = ref("sales_plus.product_cabinet_demo")
    lamp = ref("sales_plus.product_lamp_demo")
    arm = ref("sales_plus.product_monitor_arm_demo")
    specs = [
        # (xml id, salesperson, customer, [(product, qty, price, discount)], request, approve level 1)
        (
            "sale_order_price_approval_to_request_demo",
            west,
            21,
            [(lamp, 20, 45.0, 8.0), (arm, 4, 85.0, 0.0)],
            False,
            False,
        ),
        (
            "sale_order_price_approval_level_1_demo",
            east,
            0,
            [(desk, 3, 520.0, 10.0), (lamp, 6, 45.0, 0.0)],
            True,
            False,
        ),
        (
            "sale_order_price_approval_level_2_demo",
            east,
            2,
            [(chair, 12, 200.0, 0.0), (desk, 2, 500.0, 0.0)],
            True,
            True,
        ),
        (
            "sale_order_price_approval_level_3_demo",
            south,
            15,
            [(cabinet, 5, 110.0, 0.0), (chair, 2, 240.0, 0.0)],
            True,
            False,
        ),
    ]
    for xmlid, salesperson, customer_index, lines, request, approve_first in specs:
        customer = ref(f"sales_plus.res_partner_customer_{customer_index:02d}_demo")
        team = (
            ref("sales_plus.crm_team_east_demo")
            if salesperson == east
            else ref("sales_plus.crm_team_south_west_demo")
        )
        order = (
            env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": salesperson.id,
                    "team_id": team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "discount": discount,
                            }
                        )
                        for product, qty, price, discount in lines
                    ],
                }
            )
        )
        env["ir.model.data"]._update_xmlids(
            [{"xml_id": f"sales_plus.{xmlid}", "record": order, "noupdate": True}]
        )
        if request:
            order.action_request_price_approval()
        if approve_first:
            order.with_user(leader)._validate_tier(order.review_ids)
