# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import api, sql_db
from odoo.addons.sales_plus.tools import LOCK_STOCK_ALERT_SCAN, try_lock
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SalesPlusStockAlertCommon

NOW = datetime(2026, 3, 10, 9, 0, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStockAlert(SalesPlusStockAlertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.warehouse2 = cls.env["stock.warehouse"].create(
            {"name": "Alert Second Warehouse", "code": "AW2", "company_id": cls.company.id}
        )
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        cls.widget = cls.env["product.product"].create(
            {"name": "Alert Widget", "type": "consu", "is_storable": True, "uom_id": cls.uom_unit.id}
        )
        cls.gadget = cls.env["product.product"].create(
            {"name": "Alert Gadget", "type": "consu", "is_storable": True, "uom_id": cls.uom_unit.id}
        )
        cls.consumable = cls.env["product.product"].create({"name": "Alert Paper", "type": "consu"})
        cls.service = cls.env["product.product"].create({"name": "Alert Installation", "type": "service"})
        cls.salesperson = cls.sp_users["user"]
        cls.other_salesperson = new_test_user(
            cls.env,
            login="sales_plus_alert_other",
            groups="base.group_user,sales_plus.group_sales_plus_user",
            name="Other Salesperson",
        )
        cls.leader = cls.sp_users["team_leader"]
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Alert Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.set([cls.leader.id, cls.salesperson.id])],
            }
        )
        cls.fallback = cls.sp_users["manager"]
        cls.company.sales_plus_fallback_user_id = cls.fallback
        cls.warehouse_user = new_test_user(
            cls.env, login="sales_plus_alert_stock", groups="base.group_user,stock.group_stock_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Alert Customer", "user_id": cls.salesperson.id}
        )
        cls.Alert = cls.env["sales_plus.stock.alert"]
        cls._set_stock(cls.widget, cls.warehouse, 10)

    # ---- helpers ----

    def _order(self, lines, warehouse=None, user=None, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": (user or self.salesperson).id,
                "team_id": self.team.id,
                "warehouse_id": (warehouse or self.warehouse).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty, **extra})
                    for product, qty, *rest in lines
                    for extra in [rest[0] if rest else {}]
                ],
                **values,
            }
        )

    def _short_orders_in(self, companies):
        """A confirmed order short of stock in each of ``companies`` (created
        confirmed: no alert until a scan)."""
        return [
            self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "warehouse_id": self.env["stock.warehouse"]
                    .search([("company_id", "=", company.id)], limit=1)
                    .id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.gadget.id, "product_uom_qty": 2})],
                }
            )
            for company in companies
        ]

    def _deliver(self, picking, qty):
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking._action_done()

    # ---- figures at quotation time ----

    def test_quotation_figures_and_shortage(self):
        order = self._order([(self.widget, 15)])
        line = order.order_line
        self.assertEqual(line.stock_alert_on_hand_qty, 10)
        self.assertEqual(line.stock_alert_free_qty, 10)
        self.assertEqual(line.stock_alert_shortage_qty, 5)
        self.assertTrue(line.stock_alert_shortage)
        self.assertTrue(order.stock_alert_at_risk)
        at_risk = self.env["sale.order"].search(
            [("stock_alert_at_risk", "=", True), ("state", "in", ("draft", "sent"))]
        )
        self.assertIn(order, at_risk)
        # stock incoming after the promised date does not help, before it does
        self._incoming(self.widget, 8, NOW + timedelta(days=5))
        line._stock_alert_refresh()
        self.assertEqual(line.stock_alert_incoming_qty, 0)
        self.assertEqual(line.stock_alert_incoming_date, NOW + timedelta(days=5))
        order.commitment_date = NOW + timedelta(days=7)
        self.assertEqual(line.stock_alert_incoming_qty, 8)
        self.assertEqual(line.stock_alert_company_incoming_qty, 8)
        self.assertFalse(line.stock_alert_shortage)
        self.assertFalse(order.stock_alert_at_risk)
        # changing the line refreshes it
        line.product_uom_qty = 30
        self.assertEqual(line.stock_alert_shortage_qty, 12)
        self.assertTrue(order.stock_alert_at_risk)
        # a quotation raises no shortage alert, only the confirmation does
        self.Alert._stock_alert_scan()
        self.assertFalse(self._alerts(order_id=order.id, alert_type="shortage"))

    def test_services_and_non_storable_goods(self):
        order = self._order([(self.service, 5), (self.consumable, 500)])
        self.assertFalse(order.order_line.filtered("stock_alert_promised_date"))
        self.assertFalse(order.stock_alert_at_risk)
        order.action_confirm()
        self.Alert._stock_alert_scan()
        self.assertFalse(self._alerts(order_id=order.id))

    def test_uom_dozens(self):
        order = self._order([(self.widget, 2, {"product_uom_id": self.uom_dozen.id})])
        line = order.order_line
        # 10 units are 0.83 dozen
        self.assertAlmostEqual(line.stock_alert_on_hand_qty, 0.83, places=2)
        self.assertAlmostEqual(line.stock_alert_shortage_qty, 1.17, places=2)
        self._set_stock(self.widget, self.warehouse, 20)
        line._stock_alert_refresh()
        self.assertEqual(line.stock_alert_on_hand_qty, 2.5)
        self.assertFalse(line.stock_alert_shortage)
        order.action_confirm()
        self.assertEqual(line.stock_alert_line_reserved_qty, 2)
        self.assertEqual(line.stock_alert_reserved_qty, 2)

    def test_negative_stock(self):
        self._set_stock(self.gadget, self.warehouse, -5)
        line = self._order([(self.gadget, 3)]).order_line
        self.assertEqual(line.stock_alert_on_hand_qty, -5)
        self.assertEqual(line.stock_alert_free_qty, -5)
        self.assertEqual(line.stock_alert_shortage_qty, 3)

    def test_two_warehouses(self):
        self._set_stock(self.gadget, self.warehouse2, 7)
        line = self._order([(self.gadget, 4)]).order_line
        self.assertEqual(line.stock_alert_on_hand_qty, 0)
        self.assertEqual(line.stock_alert_company_on_hand_qty, 7)
        self.assertEqual(line.stock_alert_company_free_qty, 7)
        self.assertTrue(line.stock_alert_shortage)
        other = self._order([(self.gadget, 4)], warehouse=self.warehouse2).order_line
        self.assertFalse(other.stock_alert_shortage)

    def test_multi_step_delivery_reserved_not_zero(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order = self._order([(self.widget, 4)])
        order.action_confirm()
        line = order.order_line
        # Odoo 19 creates the pick step; pack and ship are pushed when it is done
        self.assertEqual(order.picking_ids.picking_type_id, self.warehouse.pick_type_id)
        self.assertEqual(line.stock_alert_line_reserved_qty, 4)
        self.assertEqual(line.stock_alert_reserved_qty, 4)
        self.assertFalse(line.stock_alert_shortage)
        quote_line = self._order([(self.widget, 8)]).order_line
        self.assertEqual(quote_line.stock_alert_reserved_qty, 4)
        self.assertEqual(quote_line.stock_alert_free_qty, 6)
        self.assertEqual(quote_line.stock_alert_shortage_qty, 2)
        # after picking, the goods sit in the output zone, still reserved once
        self._deliver(order.picking_ids, 4)
        self.assertEqual(len(order.picking_ids), 2)
        self.Alert._stock_alert_scan()
        self.assertEqual(line.stock_alert_line_reserved_qty, 4)
        self.assertEqual(quote_line.stock_alert_on_hand_qty, 10)
        self.assertEqual(quote_line.stock_alert_reserved_qty, 4)
        # the pack step, not yet a delivery order, is late all the same
        with freeze_time(NOW + timedelta(days=3)):
            self.Alert._stock_alert_scan()
        late = self._alerts(order_id=order.id, alert_type="late_shipment")
        self.assertEqual(late.picking_id, order.picking_ids.filtered(lambda p: p.state != "done"))

    # ---- confirmation ----

    def test_confirmation_shortage_alert_and_cancel(self):
        receipt = self._incoming(self.widget, 20, NOW + timedelta(days=12))
        order = self._order([(self.widget, 15)])
        order.action_confirm()
        line = order.order_line
        self.assertEqual(line.stock_alert_line_reserved_qty, 10)
        self.assertEqual(line.stock_alert_shortage_qty, 5)
        alert = self._alerts(order_id=order.id, alert_type="shortage")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.quantity, 5)
        self.assertEqual(alert.severity, "medium")
        self.assertEqual(alert.expected_date, receipt.date)
        self.assertEqual(alert.user_id, self.salesperson)
        self.assertEqual(alert.activity_ids.user_id, self.salesperson)
        self.assertEqual(order.stock_alert_count, 1)
        # a second scan writes nothing
        self.Alert._stock_alert_scan()
        self.assertEqual(
            self.Alert._stock_alert_scan(), {"created": 0, "updated": 0, "resolved": 0, "skipped": 0}
        )
        self.assertEqual(len(self._alerts(order_id=order.id, alert_type="shortage")), 1)
        # cancelled: the alert resolves and its activity closes
        order._action_cancel()
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.activity_ids)
        self.assertFalse(line.stock_alert_promised_date)
        self.assertFalse(order.stock_alert_at_risk)

    def test_shortage_resolves_when_stock_arrives(self):
        order = self._order([(self.gadget, 6)])
        order.action_confirm()
        alert = self._alerts(order_id=order.id, alert_type="shortage")
        self.assertEqual(alert.severity, "high")
        self.assertFalse(alert.expected_date)
        self._set_stock(self.gadget, self.warehouse, 4)
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.quantity, 2)
        self._set_stock(self.gadget, self.warehouse, 2)
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.state, "resolved")

    def test_partial_delivery_and_backorder(self):
        order = self._order([(self.widget, 15)], commitment_date=NOW - timedelta(days=2))
        order.action_confirm()
        shortage = self._alerts(order_id=order.id, alert_type="shortage")
        late = self._alerts(order_id=order.id, alert_type="late_shipment")
        self.assertEqual(late.severity, "high")
        picking = order.picking_ids
        self._deliver(picking, 10)
        backorder = order.picking_ids - picking
        self.assertTrue(backorder)
        self.Alert._stock_alert_scan()
        self.assertEqual(order.order_line.qty_delivered, 10)
        # the line still misses 5: the same alert stays open
        self.assertEqual(shortage.state, "open")
        self.assertEqual(shortage.quantity, 5)
        # the delivered transfer's alert resolves, its backorder gets its own
        self.assertEqual(late.state, "resolved")
        backorder_alert = self._alerts(picking_id=backorder.id, alert_type="late_shipment", state="open")
        self.assertEqual(len(backorder_alert), 1)
        self._set_stock(self.widget, self.warehouse, 5)
        backorder.action_assign()
        self._deliver(backorder, 5)
        self.Alert._stock_alert_scan()
        self.assertEqual(shortage.state, "resolved")
        self.assertEqual(backorder_alert.state, "resolved")
        self.assertFalse(order.order_line.stock_alert_promised_date)

    def test_resolution_closes_activities_with_chatter(self):
        order = self._order([(self.gadget, 6)])
        other = self._order([(self.gadget, 2)])
        (order | other).action_confirm()
        alert = self._alerts(order_id=order.id, alert_type="shortage")
        other_alert = self._alerts(order_id=other.id, alert_type="shortage")
        # a file attached by hand to the activity follows it into the chatter
        attachment = self.env["ir.attachment"].create(
            {
                "name": "supplier.txt",
                "raw": b"ETA Friday",
                "res_model": "mail.activity",
                "res_id": other_alert.activity_ids.id,
            }
        )
        self._set_stock(self.gadget, self.warehouse, 10)
        self.Alert._stock_alert_scan()
        for resolved in (alert, other_alert):
            self.assertEqual(resolved.state, "resolved")
            self.assertEqual(resolved.date_resolved, NOW)
            self.assertFalse(resolved.activity_ids)
            # the activity is logged done, as marking it done by hand would
            done = resolved.message_ids.filtered("mail_activity_type_id")
            self.assertEqual(len(done), 1)
            self.assertEqual(
                done.mail_activity_type_id, self.env.ref("sales_plus.mail_activity_type_stock_alert")
            )
            self.assertEqual(done.subtype_id, self.env.ref("mail.mt_activities"))
            self.assertIn("Resolved: the cause cleared.", str(done.body))
            self.assertIn("not reserved", str(done.body))
        self.assertEqual(attachment.res_model, "mail.message")
        activity = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", self.Alert._name), ("res_id", "=", alert.id)])
        )
        self.assertFalse(activity.active)
        self.assertEqual(activity.feedback, "Resolved: the cause cleared.")
        self.assertEqual(activity.date_done, NOW.date())

    def test_late_shipment_routing(self):
        self.warehouse.sales_plus_alert_user_id = self.warehouse_user
        order = self._order([(self.widget, 2)])
        order.action_confirm()
        self.assertFalse(self._alerts(order_id=order.id))
        with freeze_time(NOW + timedelta(days=3)):
            self.Alert._stock_alert_scan()
            late = self._alerts(order_id=order.id, alert_type="late_shipment")
        self.assertEqual(late.user_id, self.warehouse_user)
        self.assertEqual(late.salesperson_id, self.salesperson)
        self.assertIn(self.salesperson.partner_id, late.message_partner_ids)
        self.assertEqual(late.picking_id, order.picking_ids)

    def test_block_confirmation_when_short(self):
        self.company.sales_plus_stock_alert_block_confirm = True
        # ordered ten days ago, ships five days after the order date
        order = self._order(
            [(self.widget, 15, {"customer_lead": 5}), (self.gadget, 0)],
            picking_policy="one",
            date_order=NOW - timedelta(days=10),
        )
        with self.assertRaisesRegex(
            UserError, r"Alert Widget: 5\.0 Units short, next stock expected not planned"
        ) as caught:
            order.with_user(self.salesperson).action_confirm()
        self.assertIs(type(caught.exception), UserError)
        self.assertNotIn("Alert Gadget", str(caught.exception))
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        self.assertFalse(self._alerts(order_id=order.id))
        # stock expected tomorrow: after the quotation's promised date (five days
        # ago), before the one a confirmation today gives (in five days)
        self._incoming(self.widget, 5, NOW + timedelta(days=1))
        order.order_line._stock_alert_refresh()
        self.assertEqual(order.order_line[0].stock_alert_shortage_qty, 5)
        self.assertFalse(order._confirmation_error_message())
        # partial deliveries accepted: confirmation goes through, short or not
        short = self._order([(self.gadget, 4)])
        self.assertEqual(short.picking_policy, "direct")
        short.action_confirm()
        self.assertEqual(short.state, "sale")
        self.assertEqual(short.order_line.stock_alert_shortage_qty, 4)

    def test_confirmation_refreshes_each_line_once(self):
        """Each confirmation computes each line's stock figures once, after its
        transfers exist (blocking or not); the blocking check reads them
        without writing."""
        Line = type(self.env["sale.order.line"])
        refresh = Line._stock_alert_refresh
        refreshed = []

        def count(lines, *args, **kwargs):
            refreshed.extend(lines.ids)
            return refresh(lines, *args, **kwargs)

        for block in (False, True):
            self.company.sales_plus_stock_alert_block_confirm = block
            orders = self._order([(self.widget, 3), (self.gadget, 1)], picking_policy="one") | self._order(
                [(self.widget, 2)], picking_policy="one"
            )
            self._set_stock(self.gadget, self.warehouse, 1)
            refreshed.clear()
            with patch.object(Line, "_stock_alert_refresh", autospec=True, side_effect=count):
                orders.action_confirm()
            self.assertEqual(orders.mapped("state"), ["sale", "sale"])
            self.assertEqual(sorted(refreshed), sorted(orders.order_line.ids), f"blocking: {block}")
            # refreshed after the transfers reserved the stock
            self.assertEqual(orders.order_line.mapped("stock_alert_line_reserved_qty"), [3, 1, 2])

    # ---- safety stock and expiring quotations ----

    def test_safety_stock_from_reordering_rule(self):
        self._orderpoints(self.widget, 25, 40)
        self.Alert._stock_alert_scan()
        alert = self._alerts(product_id=self.widget.id, alert_type="safety_stock")
        self.assertEqual(alert.safety_qty, 25)
        self.assertEqual(alert.forecast_qty, 10)
        self.assertEqual(alert.suggested_qty, 30)
        # no product responsible: the company's fallback user
        self.assertEqual(alert.user_id, self.fallback)
        # stock incoming lifts the forecast above the minimum
        self._incoming(self.widget, 20, NOW + timedelta(days=1))
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.state, "resolved")

    def test_safety_stock_from_demand_and_responsible(self):
        self.company.write(
            {
                "sales_plus_stock_alert_demand_days": 10,
                "sales_plus_stock_alert_lead_days": 4,
                "sales_plus_stock_alert_safety_factor": 2.0,
            }
        )
        self.gadget.with_company(self.company).responsible_id = self.warehouse_user
        self._set_stock(self.gadget, self.warehouse, 30)
        order = self._order([(self.gadget, 25)])
        order.action_confirm()
        self._deliver(order.picking_ids, 25)
        self.Alert._stock_alert_scan()
        # 25 delivered over 10 days x 4 days x 2 = 20, forecast 5
        alert = self._alerts(product_id=self.gadget.id, alert_type="safety_stock")
        self.assertEqual(alert.safety_qty, 20)
        self.assertEqual(alert.forecast_qty, 5)
        self.assertEqual(alert.suggested_qty, 25)
        self.assertEqual(alert.user_id, self.warehouse_user)
        # archived product: no safety stock alert
        self.gadget.action_archive()
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.state, "resolved")

    def test_safety_stock_replenishment_group(self):
        """Neither a buyer nor a responsible: the first active internal user of
        the company's replenishment group (directly or through a group implying
        it) gets the activity, the other members of the company follow."""
        company_b = self.env["res.company"].create({"name": "Alert Replenishment Company B"})
        group = self.env["res.groups"].create({"name": "Alert Replenishment"})

        def member(login, **values):
            return new_test_user(
                self.env, login=login, groups="base.group_user,stock.group_stock_user", **values
            )

        archived = member("sales_plus_alert_repl_archived")
        first = member("sales_plus_alert_repl_first")
        second = member("sales_plus_alert_repl_second")
        other_company = member(
            "sales_plus_alert_repl_b", company_id=company_b.id, company_ids=[Command.set(company_b.ids)]
        )
        implied = member("sales_plus_alert_repl_implied")
        outsider = member("sales_plus_alert_repl_outsider")
        group.user_ids = archived | first | second | other_company
        self.env["res.groups"].create(
            {
                "name": "Alert Replenishment Lead",
                "implied_ids": [Command.link(group.id)],
                "user_ids": [Command.link(implied.id)],
            }
        )
        archived.action_archive()
        self.company.sales_plus_stock_alert_group_id = group
        self._orderpoints(self.widget, 25, 40)
        self.Alert._stock_alert_scan()
        alert = self._alerts(product_id=self.widget.id, alert_type="safety_stock")
        self.assertEqual(alert.user_id, first)
        self.assertEqual(alert.activity_ids.user_id, first)
        followers = alert.message_partner_ids
        self.assertEqual(
            followers & (first | second | implied).partner_id, (first | second | implied).partner_id
        )
        self.assertFalse(followers & (archived | other_company | outsider).partner_id)
        # the product's responsible comes before the group
        self.gadget.with_company(self.company).responsible_id = outsider
        self._orderpoints(self.gadget, 5, 5)
        self.Alert._stock_alert_scan()
        gadget_alert = self._alerts(product_id=self.gadget.id, alert_type="safety_stock")
        self.assertEqual(gadget_alert.user_id, outsider)
        self.assertFalse(gadget_alert.message_partner_ids & (first | second).partner_id)
        # the setting is on the Sales Plus settings page
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.sales_plus_stock_alert_group_id, group)

    def test_expiring_quotation(self):
        order = self._order([(self.widget, 2)], validity_date=(NOW + timedelta(days=2)).date())
        short = self._order([(self.widget, 50)], validity_date=(NOW + timedelta(days=2)).date())
        later = self._order([(self.widget, 2)], validity_date=(NOW + timedelta(days=20)).date())
        self.Alert._stock_alert_scan()
        alert = self._alerts(order_id=order.id, alert_type="reservation_expiring")
        self.assertEqual(alert.user_id, self.salesperson)
        self.assertFalse(self._alerts(order_id=short.id, alert_type="reservation_expiring"))
        self.assertFalse(self._alerts(order_id=later.id))
        order.action_confirm()
        self.assertEqual(alert.state, "resolved")

    def test_acknowledge(self):
        order = self._order([(self.gadget, 3)])
        order.action_confirm()
        alert = self._alerts(order_id=order.id).with_user(self.salesperson)
        alert.action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertFalse(alert.activity_ids)
        # still unresolved: no duplicate on the next scan
        self.Alert._stock_alert_scan()
        self.assertEqual(len(self._alerts(order_id=order.id)), 1)

    def test_activities_per_person_limit(self):
        """A person holds at most the company's limit of stock alert
        activities; the other alerts wait, the most severe first, and get theirs
        as earlier ones are done or resolved."""
        self.company.sales_plus_stock_alert_activity_limit = 2
        products = self.env["product.product"].create(
            [{"name": f"Alert Limit {i}", "type": "consu", "is_storable": True} for i in range(4)]
        )
        self._set_stock(products[3], self.warehouse, 1)
        orders = self.env["sale.order"]
        for product in products:
            order = self._order([(product, 2)])
            order.action_confirm()
            orders |= order
        alerts = self.Alert.search([("order_id", "in", orders.ids)], order="id")
        self.assertEqual(len(alerts), 4)
        # the one partly reserved (medium) comes after the high ones
        self.assertEqual(alerts.mapped("severity"), ["high", "high", "high", "medium"])
        assigned = alerts.filtered("date_assigned")
        self.assertEqual(assigned, alerts[:2])
        self.assertEqual(len(alerts.activity_ids), 2)
        self.assertEqual(alerts.activity_ids.user_id, self.salesperson)
        # the waiting ones are listed as such
        waiting = self.Alert.search(
            [("id", "in", alerts.ids), ("state", "=", "open"), ("date_assigned", "=", False)]
        )
        self.assertEqual(waiting, alerts[2:])
        # one is acknowledged: the next scan gives the most severe waiting alert its activity
        alerts[0].with_user(self.salesperson).action_acknowledge()
        self.assertEqual(len(alerts.activity_ids), 1)
        self.Alert._stock_alert_scan()
        self.assertEqual(alerts.activity_ids.mapped("res_id"), alerts[1:3].ids)
        # one is resolved: its activity is done and the last one gets its activity
        self._set_stock(products[1], self.warehouse, 5)
        self.Alert._stock_alert_scan()
        self.assertEqual(alerts[1].state, "resolved")
        self.assertEqual(sorted(alerts.activity_ids.mapped("res_id")), alerts[2:].ids)
        # no activity at all when the limit is 0; an alert is not given one twice
        self.company.sales_plus_stock_alert_activity_limit = 0
        late = self._order([(self.widget, 1)], commitment_date=NOW - timedelta(days=1))
        late.action_confirm()
        late_alert = self._alerts(order_id=late.id)
        self.assertEqual(late_alert.alert_type, "late_shipment")
        self.assertFalse(late_alert.activity_ids)
        self.company.sales_plus_stock_alert_activity_limit = 50
        alerts[2].activity_ids.action_done()
        self.Alert._stock_alert_scan()
        self.assertFalse(alerts[2].activity_ids)
        # the waiting alert gets its activity, for its responsible (demo data may
        # route late shipments to the company's warehouse responsible)
        self.assertTrue(late_alert.user_id)
        self.assertEqual(late_alert.activity_ids.user_id, late_alert.user_id)

    def test_alert_counts_and_lists_on_documents(self):
        order = self._order([(self.gadget, 3)], commitment_date=NOW - timedelta(days=1))
        order.action_confirm()
        picking = order.picking_ids
        template = self.gadget.product_tmpl_id
        shortage = self._alerts(order_id=order.id, alert_type="shortage")
        late = self._alerts(order_id=order.id, alert_type="late_shipment")
        self.assertTrue(shortage)
        self.assertEqual(late.picking_id, picking)
        for record, alerts in ((order, shortage | late), (picking, late), (template, shortage)):
            self.assertEqual(record.with_user(self.salesperson).stock_alert_count, len(alerts))
            action = record.with_user(self.salesperson).action_view_stock_alerts()
            self.assertEqual(action["res_model"], "sales_plus.stock.alert")
            self.assertEqual(self.Alert.with_user(self.salesperson).search(action["domain"]), alerts)
        # resolved alerts are not counted
        order._action_cancel()
        self.assertEqual(self.env["sale.order"].browse(order.id).stock_alert_count, 0)

    def test_quotation_form_shows_shortage(self):
        """A salesperson types a quotation line: once saved, the line shows the
        stock figures and the quantity short; changing the quantity updates them."""
        form = Form(self.env["sale.order"].with_user(self.salesperson))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.widget
            line.product_uom_qty = 15
        order = form.save()
        line = order.order_line
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(line.stock_alert_on_hand_qty, 10)
        self.assertEqual(line.stock_alert_free_qty, 10)
        self.assertEqual(line.stock_alert_shortage_qty, 5)
        self.assertTrue(order.stock_alert_at_risk)
        with Form(order) as form, form.order_line.edit(0) as line_form:
            line_form.product_uom_qty = 8
        self.assertEqual(line.stock_alert_shortage_qty, 0)
        self.assertFalse(line.stock_alert_shortage)
        self.assertFalse(order.stock_alert_at_risk)
        # a commitment date after the next receipt: what arrives by then counts
        self._incoming(self.widget, 20, NOW + timedelta(days=4))
        with Form(order) as form:
            with form.order_line.edit(0) as line_form:
                line_form.product_uom_qty = 25
            form.commitment_date = NOW + timedelta(days=5)
        self.assertEqual(line.stock_alert_incoming_qty, 20)
        self.assertEqual(line.stock_alert_shortage_qty, 0)

    # ---- scan jobs: one per company, never two at once ----

    def test_scan_job_per_company(self):
        company_b = self.env["res.company"].create({"name": "Alert Job Company B"})
        Cron = self.env["ir.cron"]
        self.Alert._cron_stock_alert_scan()
        jobs = (self.company | company_b)._stock_alert_scan_job()
        self.assertEqual(len(jobs), 2)
        self.assertEqual(
            jobs.mapped("code"),
            [f"model._cron_stock_alert_scan_company({c.id})" for c in self.company | company_b],
        )
        self.assertEqual(len(self.env["ir.cron.trigger"].search([("cron_id", "in", jobs.ids)])), 2)
        # the schedule again: the same jobs, triggered again
        self.Alert._cron_stock_alert_scan()
        self.assertEqual(Cron.search([("code", "like", "_cron_stock_alert_scan_company(")]) & jobs, jobs)
        self.assertEqual((self.company | company_b)._stock_alert_scan_job(), jobs)
        self.assertEqual(len(self.env["ir.cron.trigger"].search([("cron_id", "in", jobs.ids)])), 4)
        # a company's job scans its company only, and commits its progress
        order_a, order_b = self._short_orders_in(self.company | company_b)
        with patch.object(type(Cron), "_commit_progress", autospec=True) as commit:
            self.Alert._cron_stock_alert_scan_company(company_b.id)
        commit.assert_called_once_with(Cron, 1)
        self.assertTrue(self._alerts(order_id=order_b.id, alert_type="shortage"))
        self.assertFalse(self._alerts(order_id=order_a.id))
        # the jobs run as superuser, by trigger (and once a day by themselves)
        self.assertEqual(jobs.user_id, self.env.ref("base.user_root"))
        self.assertEqual(set(jobs.mapped("interval_type")), {"days"})
        # an archived company's job does nothing; the job of a company gone stops
        company_b.action_archive()
        with patch.object(type(Cron), "_commit_progress", autospec=True) as commit:
            self.Alert._cron_stock_alert_scan_company(company_b.id)
        commit.assert_not_called()
        with patch.object(type(Cron), "_commit_progress", autospec=True) as commit:
            self.Alert._cron_stock_alert_scan_company(max(self.env["res.company"].search([]).ids) + 1000)
        commit.assert_called_once_with(Cron, deactivate=True)

    def test_two_servers_never_scan_one_company_at_once(self):
        """Another server's transaction scanning a company holds its lock: a
        scan of that company skips it (and its job commits no progress) while
        the other companies are scanned, and they stay locked to the other
        server until this transaction ends."""
        company_b = self.env["res.company"].create({"name": "Alert Lock Company B"})
        order_a, order_b = self._short_orders_in(self.company | company_b)
        self.env.flush_all()
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other_cr:
            other_env = api.Environment(other_cr, api.SUPERUSER_ID, {})
            # the other server starts scanning company A
            self.assertTrue(try_lock(other_env, LOCK_STOCK_ALERT_SCAN, self.company.id))
            result = self.Alert._stock_alert_scan(companies=self.company | company_b)
            self.assertEqual(result["skipped"], 1)
            self.assertFalse(self._alerts(order_id=order_a.id))
            self.assertTrue(self._alerts(order_id=order_b.id, alert_type="shortage"))
            with patch.object(type(self.env["ir.cron"]), "_commit_progress", autospec=True) as commit:
                self.Alert._cron_stock_alert_scan_company(self.company.id)
            commit.assert_called_once_with(self.env["ir.cron"], 0)
            self.assertFalse(self._alerts(order_id=order_a.id))
            # company B is this transaction's until it ends
            self.assertFalse(try_lock(other_env, LOCK_STOCK_ALERT_SCAN, company_b.id))
            other_cr.rollback()
        # the other server is done with company A
        result = self.Alert._stock_alert_scan(companies=self.company)
        self.assertEqual(result["skipped"], 0)
        self.assertTrue(self._alerts(order_id=order_a.id, alert_type="shortage"))

    def test_one_open_alert_per_subject(self):
        order = self._order([(self.gadget, 3)])
        order.action_confirm()
        alert = self._alerts(order_id=order.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.subject_key, f"line:{order.order_line.id}")
        # every required value given: only the open-subject index can refuse it
        vals = {
            "alert_type": alert.alert_type,
            "subject_key": alert.subject_key,
            "company_id": self.company.id,
        }
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(UniqueViolation) as caught,
            self.cr.savepoint(),
        ):
            self.Alert.create(vals)
        self.assertIn("open_subject_unique", caught.exception.diag.constraint_name)
        # once resolved, the subject may have a new alert
        self._set_stock(self.gadget, self.warehouse, 10)
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(self.Alert.create(vals))

    def test_settings_validation(self):
        cases = [
            (
                "sales_plus_stock_alert_demand_days",
                0,
                f"demand period of {re.escape(self.company.name)} must be at least one day",
            ),
            ("sales_plus_stock_alert_lead_days", -1, "cannot be negative"),
            ("sales_plus_stock_alert_safety_factor", -1, "cannot be negative"),
            ("sales_plus_stock_alert_expiry_days", -1, "cannot be negative"),
            ("sales_plus_stock_alert_activity_limit", -1, "cannot be negative"),
        ]
        for name, value, message in cases:
            with self.subTest(name), self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
                self.company.write({name: value})
        self.assertEqual(self.company.sales_plus_stock_alert_demand_days, 30)
        self.assertEqual(self.company.sales_plus_stock_alert_activity_limit, 50)
        # the activities per person are set on the Sales Plus settings page
        settings = self.env["res.config.settings"].create({"sales_plus_stock_alert_activity_limit": 5})
        settings.execute()
        self.assertEqual(self.company.sales_plus_stock_alert_activity_limit, 5)

    # ---- access and companies ----

    def test_access_by_role(self):
        own = self._order([(self.gadget, 3)])
        other = self._order([(self.gadget, 4)], user=self.other_salesperson, team_id=False)
        (own | other).action_confirm()
        own_alert = self._alerts(order_id=own.id)
        other_alert = self._alerts(order_id=other.id)
        Alert = self.Alert
        self.assertEqual(
            Alert.with_user(self.salesperson).search([("id", "in", (own_alert | other_alert).ids)]), own_alert
        )
        self.assertEqual(
            Alert.with_user(self.leader).search([("id", "in", (own_alert | other_alert).ids)]), own_alert
        )
        for user in (self.sp_users["manager"], self.warehouse_user):
            self.assertEqual(
                Alert.with_user(user).search([("id", "in", (own_alert | other_alert).ids)]),
                own_alert | other_alert,
            )
        with self.assertRaises(AccessError):
            other_alert.with_user(self.salesperson).read(["quantity"])
        with self.assertRaises(AccessError):
            Alert.with_user(self.plain_salesman).search([])
        # the salesperson sees the count on the order
        self.assertEqual(own.with_user(self.salesperson).stock_alert_count, 1)

    def test_two_companies(self):
        company_b = self.env["res.company"].create({"name": "Alert Company B"})
        fallback_b = new_test_user(
            self.env,
            login="sales_plus_alert_b",
            groups="base.group_user,sales_plus.group_sales_plus_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        company_b.sales_plus_fallback_user_id = fallback_b
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        self._set_stock(self.gadget, warehouse_b, 50)
        order_b = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": company_b.id,
                "user_id": False,
                "warehouse_id": warehouse_b.id,
                "order_line": [Command.create({"product_id": self.gadget.id, "product_uom_qty": 60})],
            }
        )
        line_b = order_b.order_line
        # only company B's warehouses count
        self.assertEqual(line_b.stock_alert_company_on_hand_qty, 50)
        self.assertEqual(line_b.stock_alert_shortage_qty, 10)
        order_b.with_company(company_b).action_confirm()
        alert_b = self._alerts(order_id=order_b.id)
        self.assertEqual(alert_b.company_id, company_b)
        self.assertEqual(alert_b.user_id, fallback_b)
        self.assertFalse(self.Alert.with_user(self.sp_users["manager"]).search([("id", "=", alert_b.id)]))
        self.assertEqual(self.Alert.with_user(fallback_b).search([("id", "=", alert_b.id)]), alert_b)

    # ---- queries ----

    def _scan_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        result = self.Alert._stock_alert_scan()
        return self.cr.sql_log_count - start, result

    def test_scan_query_count_does_not_grow(self):
        products = self.env["product.product"].create(
            [{"name": f"Alert Bulk {i}", "type": "consu", "is_storable": True} for i in range(12)]
        )
        self._order([(products[0], 2)]).action_confirm()
        self.Alert._stock_alert_scan()
        small_steady, result = self._scan_queries()
        self.assertEqual(result, {"created": 0, "updated": 0, "resolved": 0, "skipped": 0})
        self._order([(product, 2) for product in products[1:4]]).action_confirm()
        self.Alert._stock_alert_scan()
        self.assertEqual(self._scan_queries()[0], small_steady)
        # creating alerts (with their activities): as many queries for 2 as for 6
        with freeze_time(NOW + timedelta(days=5)):
            self.Alert._stock_alert_scan()
            small = self._order([(product, 2) for product in products[4:6]], state="sale")
            small_create, small_result = self._scan_queries()
            big = self._order([(product, 2) for product in products[6:12]], state="sale")
            big_create, big_result = self._scan_queries()
        self.assertEqual(small_result["created"], 2)
        self.assertEqual(big_result["created"], 6)
        self.assertEqual(small_create, big_create)
        for order, count in ((small, 2), (big, 6)):
            alerts = self._alerts(order_id=order.id, alert_type="shortage")
            self.assertEqual(len(alerts), count)
            self.assertEqual(len(alerts.activity_ids), count)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStockAlertScanQueries(SalesPlusStockAlertCommon):
    """The full scan takes as many queries for a few alerts as for three times
    more, whether it creates them or updates and resolves them (alerts of every
    type, each with its activity, followers and chatter)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.warehouse.sales_plus_alert_user_id = new_test_user(
            cls.env, login="sales_plus_alert_q_stock", groups="base.group_user,stock.group_stock_user"
        )
        cls.company.sales_plus_fallback_user_id = cls.sp_users["manager"]
        cls.company.sales_plus_stock_alert_expiry_days = 3
        cls.salesperson = cls.sp_users["user"]
        cls.customer = cls.env["res.partner"].create({"name": "Alert Query Customer"})
        cls.stocked = cls.env["product.product"].create(
            {"name": "Alert Query Stocked", "type": "consu", "is_storable": True}
        )
        cls._set_stock(cls.stocked, cls.warehouse, 1000)
        cls.Alert = cls.env["sales_plus.stock.alert"]

    def _order(self, product, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
                **values,
            }
        )

    def _batch(self, size):
        """``size`` subjects of each alert type, none raised yet: products under
        their reordering rule minimum, orders confirmed without their stock (late
        after tomorrow), lines confirmed without a transfer, quotations expiring
        in four days."""
        products = self.env["product.product"].create(
            [{"name": f"Alert Query {i}", "type": "consu", "is_storable": True} for i in range(size)]
        )
        self._orderpoints(products, 5, 10)
        for product in products:
            self._order(product, commitment_date=NOW + timedelta(days=1)).action_confirm()
            self._order(product, state="sale")
            self._order(self.stocked, validity_date=(NOW + timedelta(days=4)).date())
        return products

    def _scan_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        result = self.Alert._stock_alert_scan()
        return self.cr.sql_log_count - start, result

    def test_scan_queries_equal_at_two_sizes(self):
        # a first round fills the caches (templates, xml ids) the measured ones use
        warm = self._batch(2)
        with freeze_time(NOW + timedelta(days=3)):
            self._scan_queries()
        small = self._batch(2)
        with freeze_time(NOW + timedelta(days=3)):
            small_create, small_result = self._scan_queries()
        big = self._batch(6)
        with freeze_time(NOW + timedelta(days=3)):
            big_create, big_result = self._scan_queries()
        self.assertTrue(small_result["created"])
        self.assertEqual(big_result["created"], 3 * small_result["created"])
        self.assertEqual(big_create, small_create)
        alerts = self.Alert.search([("product_id", "in", big.ids)]) | self.Alert.search(
            [("order_id.order_line.product_id", "in", big.ids)]
        )
        self.assertEqual(set(alerts.mapped("alert_type")), {"shortage", "late_shipment", "safety_stock"})
        self.assertEqual(len(alerts.activity_ids), len(alerts))
        names = sorted(alerts.mapped("display_name"))
        self.assertEqual(sorted(alerts.activity_ids.mapped("res_name")), names)
        late = alerts.filtered(lambda a: a.alert_type == "late_shipment")
        self.assertTrue(all(self.salesperson.partner_id in alert.message_partner_ids for alert in late))
        self.assertTrue(self.Alert.search([("alert_type", "=", "reservation_expiring")]))
        # some products get part of the stock they miss (figures change), others all of it (resolved)
        changes = []
        for products in (warm, small, big):
            half = len(products) // 2
            for product in products[:half]:
                self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 1)
            for product in products[half:]:
                self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 20)
            with freeze_time(NOW + timedelta(days=3)):
                changes.append(self._scan_queries())
        _warm, (small_change, small_result), (big_change, big_result) = changes
        self.assertTrue(small_result["updated"])
        self.assertTrue(small_result["resolved"])
        self.assertEqual(big_result["updated"], 3 * small_result["updated"])
        self.assertEqual(big_result["resolved"], 3 * small_result["resolved"])
        self.assertEqual(big_change, small_change)
        resolved = self.Alert.search([("product_id", "in", big[3:].ids), ("state", "=", "resolved")])
        self.assertTrue(resolved)
        self.assertFalse(resolved.activity_ids)
        for alert in resolved:
            self.assertEqual(alert.date_resolved, NOW + timedelta(days=3))
            done = alert.message_ids.filtered("mail_activity_type_id")
            self.assertEqual(len(done), 1)
            self.assertIn("Resolved: the cause cleared.", str(done.body))
        self.assertEqual(
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", self.Alert._name), ("res_id", "in", resolved.ids)])
            .mapped("feedback"),
            ["Resolved: the cause cleared."] * len(resolved),
        )
