# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stock alerts with the optional ``mrp`` and ``purchase`` modules installed.

sales_plus depends on neither: these tests are tagged ``sales_plus_extra`` and
not ``standard``, so the usual ``--test-tags /sales_plus`` runs leave them out;
the harness runs them on a third database installed with ``mrp`` and
``purchase`` (``--test-tags sales_plus_extra/sales_plus``). There they must
run: a missing module fails the class instead of skipping it.
"""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import SalesPlusStockAlertCommon

NOW = datetime(2026, 3, 10, 9, 0, 0)


@tagged("-standard", "post_install", "-at_install", "sales_plus_extra")
@freeze_time(NOW)
class TestStockAlertWithMrpPurchase(SalesPlusStockAlertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        missing = [
            name
            for name in ("mrp", "sale_mrp", "purchase")
            if cls.env["ir.module.module"]._get(name).state != "installed"
        ]
        if missing:
            raise AssertionError(f"sales_plus_extra tests need these modules installed: {missing}")
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        Product = cls.env["product.product"]
        cls.part_a = Product.create({"name": "Alert Kit Part A", "is_storable": True})
        cls.part_b = Product.create({"name": "Alert Kit Part B", "is_storable": True})
        cls.part_d = Product.create({"name": "Alert Bundle Part D", "is_storable": True})
        cls.paper = Product.create({"name": "Alert Kit Manual", "type": "consu"})
        # a kit of 2 A + 1 B + a manual (not storable: not counted)
        cls.kit = Product.create({"name": "Alert Kit", "type": "consu"})
        cls._kit_bom(cls.kit, [(cls.part_a, 2), (cls.part_b, 1), (cls.paper, 1)])
        # a kit holding a kit: 1 kit + half a dozen D per bundle
        cls.bundle = Product.create({"name": "Alert Bundle", "type": "consu"})
        cls._kit_bom(cls.bundle, [(cls.kit, 1), (cls.part_d, 0.5, cls.uom_dozen)])
        cls.salesperson = cls.sp_users["user"]
        cls.fallback = cls.sp_users["manager"]
        cls.company.sales_plus_fallback_user_id = cls.fallback
        cls.customer = cls.env["res.partner"].create(
            {"name": "Alert Kit Customer", "user_id": cls.salesperson.id}
        )
        cls.Alert = cls.env["sales_plus.stock.alert"]
        cls._set_stock(cls.part_a, cls.warehouse, 10)  # 5 kits
        cls._set_stock(cls.part_b, cls.warehouse, 3)  # 3 kits
        cls._set_stock(cls.part_d, cls.warehouse, 60)  # 10 bundles

    @classmethod
    def _kit_bom(cls, product, components):
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_uom_id": cls.uom_unit.id,
                "type": "phantom",
                "bom_line_ids": [
                    Command.create(
                        {
                            "product_id": component.id,
                            "product_qty": qty,
                            "product_uom_id": (rest[0] if rest else cls.uom_unit).id,
                        }
                    )
                    for component, qty, *rest in components
                ],
            }
        )

    def _order(self, product, qty, order_values=None, **line_values):
        return self.env["sale.order"].create(
            {
                **(order_values or {}),
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty, **line_values})
                ],
            }
        )

    # ---- kits ----

    def test_kit_figures_from_components(self):
        line = self._order(self.kit, 4, {"commitment_date": NOW + timedelta(days=5)}).order_line
        # the scarcest component decides: B allows 3 kits (A would allow 5)
        self.assertEqual(line.stock_alert_on_hand_qty, 3)
        self.assertEqual(line.stock_alert_free_qty, 3)
        self.assertEqual(line.stock_alert_company_on_hand_qty, 3)
        self.assertEqual(line.stock_alert_shortage_qty, 1)
        self.assertTrue(line.stock_alert_shortage)
        self.assertTrue(line.order_id.stock_alert_at_risk)
        # whole kits only, as Odoo counts them: 7 A = 3 kits
        self._set_stock(self.part_b, self.warehouse, 10)
        self._set_stock(self.part_a, self.warehouse, -3)
        line._stock_alert_refresh()
        self.assertEqual(line.stock_alert_on_hand_qty, 3)
        self.assertEqual(line.stock_alert_shortage_qty, 1)
        # A expected by the promised date covers the kit; the next incoming date is A's
        arrival = NOW + timedelta(days=2)
        self._incoming(self.part_a, 2, arrival)
        line._stock_alert_refresh()
        self.assertEqual(line.stock_alert_shortage_qty, 0)
        self.assertFalse(line.stock_alert_shortage)
        # the incoming figure is in kits too: B has none incoming, so no kit is
        self.assertEqual(line.stock_alert_incoming_qty, 0)
        self.assertEqual(line.stock_alert_incoming_date, arrival)

    def test_kit_in_dozens_and_nested_kit(self):
        # a dozen kits need 24 A and 12 B
        line = self._order(self.kit, 1, product_uom_id=self.uom_dozen.id).order_line
        self.assertAlmostEqual(line.stock_alert_on_hand_qty, 3 / 12, places=2)
        self.assertAlmostEqual(line.stock_alert_shortage_qty, 9 / 12, places=2)
        # a bundle: 1 kit (2 A + 1 B) + 6 D; B still decides
        bundle_line = self._order(self.bundle, 2).order_line
        self.assertEqual(bundle_line.stock_alert_on_hand_qty, 3)
        self.assertEqual(bundle_line.stock_alert_shortage_qty, 0)
        self._set_stock(self.part_d, self.warehouse, -57)  # 3 D left: no whole bundle
        bundle_line._stock_alert_refresh()
        self.assertEqual(bundle_line.stock_alert_on_hand_qty, 0)
        self.assertEqual(bundle_line.stock_alert_shortage_qty, 2)

    def test_kit_shortage_on_confirmation(self):
        order = self._order(self.kit, 4)
        order.action_confirm()
        line = order.order_line
        moves = order.picking_ids.move_ids
        self.assertEqual(moves.product_id, self.part_a | self.part_b | self.paper)
        # the component moves hold 8 A and 3 B: 3 whole kits for this line
        self.assertEqual(line.stock_alert_line_reserved_qty, 3)
        self.assertEqual(line.stock_alert_shortage_qty, 1)
        alert = self._alerts(order_line_id=line.id, alert_type="shortage")
        self.assertEqual(alert.quantity, 1)
        self.assertEqual(alert.product_id, self.kit)
        self.assertEqual(alert.severity, "medium")
        self.assertEqual(alert.user_id, self.salesperson)
        # B arrives: the kit is no longer short, the alert resolves itself
        self._set_stock(self.part_b, self.warehouse, 1)
        self.Alert._stock_alert_scan()
        self.assertEqual(line.stock_alert_shortage_qty, 0)
        self.assertEqual(alert.state, "resolved")

    def test_no_safety_stock_for_kits(self):
        """A kit has no stock of its own, so no safety stock (Odoo refuses it a
        reordering rule; its demand is its components'). A product delivered
        before it became a kit has demand of its own: it loses its alert."""
        self.company.write(
            {
                "sales_plus_stock_alert_demand_days": 10,
                "sales_plus_stock_alert_lead_days": 4,
                "sales_plus_stock_alert_safety_factor": 2.0,
            }
        )
        former = self.env["product.product"].create({"name": "Alert Former Part", "is_storable": True})
        self._set_stock(former, self.warehouse, 30)
        move = self.env["stock.move"].create(
            {
                "product_id": former.id,
                "product_uom_qty": 30,
                "product_uom": former.uom_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.write({"quantity": 30, "picked": True})
        move._action_done()
        self.Alert._stock_alert_scan()
        alert = self._alerts(product_id=former.id, alert_type="safety_stock")
        self.assertEqual(alert.safety_qty, 24)
        self.assertEqual(alert.state, "open")
        self._kit_bom(former, [(self.part_a, 1)])
        self.Alert._stock_alert_scan()
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(self._alerts(product_id=self.kit.id, alert_type="safety_stock"))

    # ---- routing to the purchase representative ----

    def test_safety_stock_to_vendor_buyer(self):
        self.assertIn("buyer_id", self.env["res.partner"]._fields)
        buyer = new_test_user(
            self.env, login="sales_plus_alert_buyer", groups="base.group_user,purchase.group_purchase_user"
        )
        other_buyer = new_test_user(
            self.env, login="sales_plus_alert_buyer2", groups="base.group_user,purchase.group_purchase_user"
        )
        responsible = new_test_user(
            self.env, login="sales_plus_alert_resp", groups="base.group_user,stock.group_stock_user"
        )
        vendor = self.env["res.partner"].create({"name": "Alert Main Vendor", "buyer_id": buyer.id})
        second = self.env["res.partner"].create({"name": "Alert Second Vendor", "buyer_id": other_buyer.id})
        no_buyer = self.env["res.partner"].create({"name": "Alert Vendor Without Buyer"})
        Info = self.env["product.supplierinfo"]
        Info.create(
            {"partner_id": second.id, "product_tmpl_id": self.part_a.product_tmpl_id.id, "sequence": 20}
        )
        Info.create(
            {"partner_id": vendor.id, "product_tmpl_id": self.part_a.product_tmpl_id.id, "sequence": 10}
        )
        Info.create(
            {"partner_id": no_buyer.id, "product_tmpl_id": self.part_b.product_tmpl_id.id, "sequence": 10}
        )
        parts = self.part_a | self.part_b | self.part_d
        parts.with_company(self.company).responsible_id = responsible
        self._orderpoints(parts, 100, 100)
        self.Alert._stock_alert_scan()
        # the main vendor's buyer first, before the product's responsible
        alert_a = self._alerts(product_id=self.part_a.id, alert_type="safety_stock")
        self.assertEqual(alert_a.user_id, buyer)
        self.assertEqual(alert_a.activity_ids.user_id, buyer)
        # main vendor without a buyer, or no vendor: the product's responsible
        self.assertEqual(
            self._alerts(product_id=self.part_b.id, alert_type="safety_stock").user_id, responsible
        )
        self.assertEqual(
            self._alerts(product_id=self.part_d.id, alert_type="safety_stock").user_id, responsible
        )
