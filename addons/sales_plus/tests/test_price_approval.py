# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.addons.sales_plus.models.sale_order_line_price_approval import SaleOrderLine as PriceApprovalLine
from odoo.addons.sales_plus.tools import LOCK_PRICE_DECISION as _DECISION_LOCK_CLASS
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SalesPlusCommon

_logger = logging.getLogger(__name__)


class PriceApprovalCommon(SalesPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.usd = cls.company.currency_id
        # only the rule of the test applies (demo or local rules are archived)
        cls.env["sales_plus.price.rule"].search([]).action_archive()
        cls.rule = cls.env["sales_plus.price.rule"].create(
            {
                "name": "Test policy",
                "company_id": False,
                "sequence": 50,
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 5, "deviation_to": 15, "level": 1}
                    ),
                    Command.create(
                        {"kind": "deviation", "deviation_from": 15, "deviation_to": 30, "level": 2}
                    ),
                    Command.create(
                        {"kind": "deviation", "deviation_from": 30, "deviation_to": 100, "level": 3}
                    ),
                    Command.create({"kind": "margin", "margin_floor": 0, "level": 3}),
                ],
            }
        )

        # the users work in English (the texts for them are written in their
        # language), whatever the database's default language
        cls.env["res.lang"]._activate_lang("en_US")

        def user(login, groups, **kw):
            kw.setdefault("lang", "en_US")
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{groups}",
                email=f"{login}@example.com",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kw,
            )

        cls.salesperson = user("pa_salesperson", "sales_plus.group_sales_plus_user")
        cls.other_salesperson = user("pa_other_salesperson", "sales_plus.group_sales_plus_user")
        cls.leader = user("pa_leader", "sales_plus.group_sales_plus_team_leader")
        cls.other_leader = user("pa_other_leader", "sales_plus.group_sales_plus_team_leader")
        cls.manager = user("pa_manager", "sales_plus.group_sales_plus_manager")
        cls.manager_2 = user("pa_manager_2", "sales_plus.group_sales_plus_manager")
        cls.general_manager = user("pa_general_manager", "sales_plus.group_sales_plus_general_manager")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Approval Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.set(cls.salesperson.ids)],
                "company_id": cls.company.id,
            }
        )
        cls.other_team = cls.env["crm.team"].create(
            {
                "name": "Other Team",
                "user_id": cls.other_leader.id,
                "member_ids": [Command.set(cls.other_salesperson.ids)],
                "company_id": cls.company.id,
            }
        )
        cls.category = cls.env["product.category"].create({"name": "Approval Furniture"})
        cls.desk, cls.chair, cls.freebie = cls.env["product.product"].create(
            [
                {
                    "name": "Approval Desk",
                    "list_price": 100.0,
                    "standard_price": 40.0,
                    "categ_id": cls.category.id,
                    "taxes_id": [Command.clear()],
                },
                {
                    "name": "Approval Chair",
                    "list_price": 50.0,
                    "standard_price": 20.0,
                    "categ_id": cls.category.id,
                    "taxes_id": [Command.clear()],
                },
                {
                    "name": "Approval Freebie",
                    "list_price": 0.0,
                    "standard_price": 0.0,
                    "taxes_id": [Command.clear()],
                },
            ]
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Approval Customer", "user_id": cls.salesperson.id}
        )
        cls.pricelist_usd = cls.env["product.pricelist"].create(
            {"name": "Approval USD", "currency_id": cls.usd.id, "company_id": cls.company.id}
        )

    def _order(self, lines, user=None, **values):
        """``lines``: (product, qty, price, discount) tuples."""
        user = user or self.salesperson
        vals = {
            "partner_id": self.customer.id,
            "user_id": user.id,
            "team_id": self.team.id,
            "pricelist_id": self.pricelist_usd.id,
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
        vals.update(values)
        return self.env["sale.order"].with_user(user).create(vals)

    def _decide(self, order, user, approve=True, comment="Looks fine"):
        order = order.with_user(user)
        action = order.validate_tier() if approve else order.reject_tier()
        if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .with_context(**action["context"])
                .create({"comment": comment})
            )
            wizard.add_comment()

    def _activities(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("activity_type_id", "=", self.env.ref("sales_plus.mail_activity_type_price_approval").id),
            ]
        )


@tagged("post_install", "-at_install")
class TestPriceApprovalAnalysis(PriceApprovalCommon):
    def test_reference_deviation_and_level(self):
        order = self._order(
            [(self.desk, 1, 90.0, 0.0), (self.desk, 1, 100.0, 20.0), (self.chair, 1, 30.0, 0.0)]
        )
        desk_price, desk_discount, chair = order.order_line
        self.assertAlmostEqual(desk_price.price_approval_reference_price, 100.0)
        self.assertAlmostEqual(desk_price.price_approval_effective_price, 90.0)
        self.assertAlmostEqual(desk_price.price_approval_deviation, 10.0)
        self.assertAlmostEqual(desk_price.price_approval_margin, 55.56, places=2)
        self.assertEqual(desk_price.price_approval_level, 1)
        self.assertEqual(desk_price.price_approval_rule_id, self.rule)
        # the discount counts: 100 at 20% off
        self.assertAlmostEqual(desk_discount.price_approval_effective_price, 80.0)
        self.assertAlmostEqual(desk_discount.price_approval_deviation, 20.0)
        self.assertEqual(desk_discount.price_approval_level, 2)
        self.assertAlmostEqual(chair.price_approval_deviation, 40.0)
        self.assertEqual(chair.price_approval_level, 3)
        self.assertEqual(order.price_approval_level, 3)
        self.assertEqual(order.price_approval_state, "to_request")
        summary = order.price_approval_summary
        self.assertIn("1 line needs level 3", summary)
        self.assertIn("1 line needs level 2", summary)
        self.assertIn("Approval Chair (40.0% under reference)", summary)

    def test_band_boundaries(self):
        # bands are (from, to]: 5% is within policy, 15% level 1, 30% level 2
        order = self._order([(self.desk, 1, price, 0.0) for price in (95.0, 94.99, 85.0, 70.0, 69.99)])
        self.assertEqual(order.order_line.mapped("price_approval_level"), [0, 1, 1, 2, 3])

    def test_margin_floor_in_company_currency(self):
        self.desk.standard_price = 96.0
        order = self._order([(self.desk, 1, 94.0, 0.0)])
        line = order.order_line
        self.assertAlmostEqual(line.price_approval_deviation, 6.0)
        self.assertLess(line.price_approval_margin, 0.0)
        self.assertEqual(line.price_approval_level, 3, "a margin under 0 needs level 3")

    def test_margin_floor_at_list_price(self):
        # sold at its list price but under cost: the margin floor applies whatever the deviation
        self.desk.standard_price = 120.0
        order = self._order([(self.desk, 1, 100.0, 0.0), (self.chair, 1, 55.0, 0.0)])
        desk, chair = order.order_line
        self.assertAlmostEqual(desk.price_approval_deviation, 0.0)
        self.assertAlmostEqual(desk.price_approval_margin, -20.0)
        self.assertEqual(desk.price_approval_level, 3)
        self.assertEqual(desk.price_approval_rule_id, self.rule)
        self.assertEqual(chair.price_approval_level, 0, "above reference with a margin: within policy")
        self.assertEqual(order.price_approval_state, "to_request")
        self.assertIn("Approval Desk (margin \u221220.0% under the 0% floor)", order.price_approval_summary)
        self.assertNotIn("under reference", order.price_approval_summary)
        self.assertIn("margin \u221220.0% under the 0% floor", desk.price_approval_reason)
        with self.assertRaisesRegex(UserError, "margin \u221220.0% under the 0% floor"):
            order.with_user(self.salesperson).action_confirm()
        # a deviation and a margin both needing level 3: the margin is named
        self.desk.standard_price = 98.0
        order = self._order([(self.desk, 1, 94.0, 0.0)])
        self.assertEqual(order.order_line.price_approval_level, 3)
        self.assertIn("margin \u22124.3% under the 0% floor", order.price_approval_summary)

    def test_foreign_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2020-01-01", "currency_id": eur.id, "rate": 2.0, "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Approval EUR", "currency_id": eur.id, "company_id": self.company.id}
        )
        order = self._order([(self.desk, 1, 150.0, 0.0)], pricelist_id=pricelist.id)
        line = order.order_line
        # list price 100 USD is 200 EUR; cost 40 USD is 80 EUR
        self.assertAlmostEqual(line.price_approval_reference_price, 200.0)
        self.assertAlmostEqual(line.price_approval_deviation, 25.0)
        self.assertAlmostEqual(line.purchase_price, 80.0)
        # 150 EUR = 75 USD against a cost of 40 USD
        self.assertAlmostEqual(line.price_approval_margin, (75.0 - 40.0) / 75.0 * 100, places=2)
        self.assertEqual(line.price_approval_level, 2)

    def test_pricelist_rules_and_quantity(self):
        self.env["product.pricelist.item"].create(
            [
                {
                    "pricelist_id": self.pricelist_usd.id,
                    "applied_on": "0_product_variant",
                    "product_id": self.desk.id,
                    "compute_price": "fixed",
                    "fixed_price": 80.0,
                    "min_quantity": 10,
                },
            ]
        )
        order = self._order([(self.desk, 10, 80.0, 0.0)])
        line = order.order_line
        self.assertAlmostEqual(line.price_approval_reference_price, 80.0)
        self.assertEqual(line.price_approval_level, 0)
        # fewer pieces: the quantity break no longer applies, Odoo reprices the line
        line.with_user(self.salesperson).product_uom_qty = 5
        self.assertAlmostEqual(line.price_approval_reference_price, 100.0)
        self.assertAlmostEqual(line.price_unit, 100.0)
        self.assertEqual(line.price_approval_level, 0)
        # keeping the quantity-break price for 5 pieces needs an approval
        line.with_user(self.salesperson).price_unit = 80.0
        self.assertAlmostEqual(line.price_approval_deviation, 20.0)
        self.assertEqual(line.price_approval_level, 2)

    def test_never_flagged(self):
        order = self._order([(self.desk, 1, 120.0, 0.0), (self.freebie, 1, 0.0, 0.0)])
        order.with_user(self.salesperson).write(
            {
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Section"}),
                    Command.create({"display_type": "line_note", "name": "Note"}),
                    Command.create(
                        {
                            "product_id": self.desk.id,
                            "name": "Down payment",
                            "price_unit": 1.0,
                            "product_uom_qty": 0,
                            "is_downpayment": True,
                        }
                    ),
                ]
            }
        )
        above, freebie, section, note, downpayment = order.order_line
        self.assertAlmostEqual(above.price_approval_deviation, -20.0)
        self.assertEqual(above.price_approval_level, 0, "prices above reference are never flagged")
        self.assertEqual(freebie.price_approval_reference_price, 0.0)
        self.assertEqual(freebie.price_approval_level, 0, "a reference price of 0 is never flagged")
        for line in (section, note, downpayment):
            self.assertEqual(line.price_approval_level, 0)
            self.assertEqual(line.price_approval_reference_price, 0.0)
        self.assertEqual(order.price_approval_state, "none")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_rule_specificity(self):
        Rule = self.env["sales_plus.price.rule"]
        strict = [Command.create({"kind": "deviation", "deviation_from": 0, "deviation_to": 100, "level": 1})]
        team_rule = Rule.create({"name": "Team", "team_id": self.team.id, "threshold_ids": strict})
        order = self._order([(self.desk, 1, 97.0, 0.0)])
        self.assertEqual(order.order_line.price_approval_rule_id, team_rule)
        self.assertEqual(order.order_line.price_approval_level, 1)
        categ_rule = Rule.create(
            {
                "name": "Category",
                "categ_id": self.category.id,
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 0, "deviation_to": 100, "level": 2}
                    )
                ],
            }
        )
        self.assertEqual(order.order_line.price_approval_rule_id, categ_rule, "a category beats a team")
        self.assertEqual(order.order_line.price_approval_level, 2)
        product_rule = Rule.create(
            {
                "name": "Product",
                "product_tmpl_id": self.desk.product_tmpl_id.id,
                "sequence": 99,
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 10, "deviation_to": 100, "level": 3}
                    )
                ],
            }
        )
        self.assertEqual(order.order_line.price_approval_rule_id, product_rule)
        self.assertEqual(order.order_line.price_approval_level, 0, "3% is within the product's policy")
        # same specificity: lowest sequence wins
        twin = Rule.create(
            {
                "name": "Product twin",
                "product_tmpl_id": self.desk.product_tmpl_id.id,
                "sequence": 1,
                "threshold_ids": strict,
            }
        )
        self.assertEqual(order.order_line.price_approval_rule_id, twin)
        # customer class, from the customer's grade in the order's company
        abc_rule = Rule.create(
            {
                "name": "Key accounts",
                "product_tmpl_id": self.desk.product_tmpl_id.id,
                "partner_abc_class": "A",
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 50, "deviation_to": 100, "level": 1}
                    )
                ],
            }
        )
        self.assertEqual(order.order_line.price_approval_rule_id, twin, "an ungraded customer has no class")
        grade = self.env["sales_plus.rfm.grade"].create(
            {
                "partner_id": order.partner_id.commercial_partner_id.id,
                "company_id": order.company_id.id,
                "abc_class": "b",
            }
        )
        order.order_line.sudo()._compute_price_approval()
        self.assertEqual(
            order.order_line.price_approval_rule_id, twin, "a class B customer is not a key account"
        )
        grade.abc_class = "a"
        order.order_line.sudo()._compute_price_approval()
        self.assertEqual(order.order_line.price_approval_rule_id, abc_rule)
        # deactivating rules recomputes the open quotations
        (twin | abc_rule | product_rule | categ_rule | team_rule).action_archive()
        self.assertEqual(order.order_line.price_approval_rule_id, self.rule)
        self.assertEqual(order.order_line.price_approval_level, 0)

    def test_default_policy_data(self):
        default = self.env.ref("sales_plus.sales_plus_price_rule_default")
        self.assertFalse(default.company_id)
        bands = {
            (t.kind, t.deviation_from, t.deviation_to, t.margin_floor, t.level) for t in default.threshold_ids
        }
        self.assertEqual(
            bands,
            {
                ("deviation", 5.0, 15.0, 0.0, 1),
                ("deviation", 15.0, 30.0, 0.0, 2),
                ("deviation", 30.0, 100.0, 0.0, 3),
                ("margin", 0.0, 100.0, 0.0, 3),
            },
        )
        levels = self.env["tier.definition"]._price_approval_definitions(self.company)
        self.assertEqual(sorted(levels.mapped("price_approval_level")), [1, 2, 3])
        self.assertTrue(all(levels.mapped("approve_sequence")))


@tagged("post_install", "-at_install")
class TestPriceRuleValidation(PriceApprovalCommon):
    def _assert_refused(self, vals, exception=ValidationError):
        Rule = self.env["sales_plus.price.rule"].with_user(self.manager)
        count = Rule.search_count([])
        threshold_count = self.env["sales_plus.price.rule.threshold"].search_count([])
        with self.assertRaises(exception) as caught:
            Rule.create({"name": "Bad", **vals})
        self.assertEqual(Rule.search_count([]), count, "nothing written")
        self.assertEqual(self.env["sales_plus.price.rule.threshold"].search_count([]), threshold_count)
        return str(caught.exception)

    def _band(self, start, stop, level=1):
        return Command.create(
            {"kind": "deviation", "deviation_from": start, "deviation_to": stop, "level": level}
        )

    def test_bad_bands(self):
        self.assertIn("cannot be negative", self._assert_refused({"threshold_ids": [self._band(-5, 10)]}))
        self.assertIn("beyond 100%", self._assert_refused({"threshold_ids": [self._band(50, 120)]}))
        self.assertIn("start below its end", self._assert_refused({"threshold_ids": [self._band(20, 10)]}))
        self.assertIn(
            "overlap", self._assert_refused({"threshold_ids": [self._band(5, 15), self._band(10, 30, 2)]})
        )
        self.assertIn("1, 2 or 3", self._assert_refused({"threshold_ids": [self._band(5, 15, 4)]}))
        self.assertIn("1, 2 or 3", self._assert_refused({"threshold_ids": [self._band(5, 15, 0)]}))
        margin = {"kind": "margin", "level": 3}
        self.assertIn(
            "between -100% and 100%",
            self._assert_refused({"threshold_ids": [Command.create({**margin, "margin_floor": 150})]}),
        )
        self.assertIn(
            "same value",
            self._assert_refused(
                {
                    "threshold_ids": [
                        Command.create({**margin, "margin_floor": 5}),
                        Command.create({**margin, "margin_floor": 5, "level": 2}),
                    ]
                }
            ),
        )
        # adjacent bands are fine
        rule = (
            self.env["sales_plus.price.rule"]
            .with_user(self.manager)
            .create({"name": "Good", "threshold_ids": [self._band(5, 15), self._band(15, 30, 2)]})
        )
        self.assertEqual(len(rule.threshold_ids), 2)

    def test_scope_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Approval Company B"})
        self.manager.company_ids |= company_b
        product_b = self.env["product.product"].create({"name": "B product", "company_id": company_b.id})
        team_b = self.env["crm.team"].create({"name": "B team", "company_id": company_b.id})
        vals = {"company_id": self.company.id}
        for scope in ({"product_tmpl_id": product_b.product_tmpl_id.id}, {"team_id": team_b.id}):
            self._assert_refused({**vals, **scope}, exception=UserError)

    def test_tier_level_outside_range(self):
        level_1 = self.env.ref("sales_plus.tier_definition_price_approval_level_1")
        with self.assertRaises(ValidationError):
            level_1.price_approval_level = 4
        self.assertEqual(level_1.price_approval_level, 1)

    def test_rule_access(self):
        Rule = self.env["sales_plus.price.rule"]
        # a User and a Team Leader read rules but cannot change them
        for user in (self.salesperson, self.leader):
            self.assertTrue(Rule.with_user(user).search([("id", "=", self.rule.id)]))
            with self.assertRaises(AccessError):
                Rule.with_user(user).create({"name": "Mine"})
            with self.assertRaises(AccessError):
                self.rule.with_user(user).name = "Changed"
        self.rule.with_user(self.manager).name = "Changed by manager"
        self.assertEqual(self.rule.name, "Changed by manager")

    def test_company_rule(self):
        company_b = self.env["res.company"].create({"name": "Approval Company C"})
        rule_b = self.env["sales_plus.price.rule"].create({"name": "Only B", "company_id": company_b.id})
        self.assertFalse(
            self.env["sales_plus.price.rule"].with_user(self.manager).search([("id", "=", rule_b.id)])
        )
        # a rule of company B does not apply to company A's orders
        rule_b.write({"threshold_ids": [self._band(0, 100, 3)], "sequence": 0})
        order = self._order([(self.desk, 1, 97.0, 0.0)])
        self.assertEqual(order.order_line.price_approval_rule_id, self.rule)
        self.assertEqual(order.order_line.price_approval_level, 0)


@tagged("post_install", "-at_install")
class TestPriceApprovalFlow(PriceApprovalCommon):
    def test_level_1_flow(self):
        order = self._order([(self.desk, 2, 90.0, 0.0), (self.chair, 1, 50.0, 0.0)])
        self.assertEqual(order.price_approval_state, "to_request")
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesperson).action_confirm()
        self.assertIn("Approval Desk", str(caught.exception))
        self.assertIn("level 1", str(caught.exception))
        self.assertEqual(order.state, "draft")
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertEqual(order.price_approval_state, "pending")
        review = order.review_ids
        self.assertEqual(review.reviewer_ids, self.leader)
        self.assertEqual(self._activities(order).user_id, self.leader)
        self.assertEqual(order.order_line[0].price_approval_snapshot_level, 1)
        self.assertTrue(order.with_user(self.leader).price_approval_to_review)
        to_do = (
            self.env["sale.order"].with_user(self.leader).search([("price_approval_to_review", "=", True)])
        )
        self.assertIn(order, to_do)
        messages_before = order.message_ids
        self._decide(order, self.leader, comment="Key account, fine")
        self.assertEqual(order.price_approval_state, "approved")
        self.assertEqual(review.status, "approved")
        self.assertEqual(review.done_by, self.leader)
        self.assertFalse(self._activities(order))
        decision = order.message_ids - messages_before
        self.assertTrue(
            decision.filtered(lambda m: "Key account, fine" in m.body and "Approval Desk" in m.body)
        )
        self.assertIn(
            self.salesperson.partner_id,
            decision.partner_ids,
            "the salesperson is told of the approval",
        )
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_level_2_in_sequence(self):
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertEqual(len(order.review_ids), 2)
        # only the team leader is asked first
        self.assertEqual(self._activities(order).user_id, self.leader)
        with self.assertRaisesRegex(UserError, "not your turn"):
            self._decide(order, self.manager)
        self.assertFalse(order.review_ids.filtered(lambda r: r.status == "approved"))
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "pending")
        self.assertIn(self.manager, self._activities(order).user_id)
        self.assertNotIn(self.leader, self._activities(order).user_id)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).action_confirm()
        self._decide(order, self.manager)
        self.assertEqual(order.price_approval_state, "approved")
        self.assertFalse(self._activities(order))
        # the other managers' activities are gone with the decision
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_one_approver_holding_several_levels(self):
        # the general manager leads the team: approving once covers levels 1-3
        self.team.user_id = self.general_manager
        order = self._order([(self.desk, 1, 60.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertEqual(len(order.review_ids), 3)
        self._decide(order, self.general_manager)
        self.assertEqual(set(order.review_ids.mapped("status")), {"approved"})
        self.assertEqual(order.review_ids.done_by, self.general_manager)
        self.assertEqual(order.price_approval_state, "approved")

    def test_four_eyes(self):
        # a manager selling: never an approver of their own order, even as team leader
        self.team.user_id = self.manager
        order = self._order([(self.desk, 1, 80.0, 0.0)], user=self.manager)
        order.with_user(self.manager).action_request_price_approval()
        for review in order.review_ids:
            self.assertNotIn(self.manager, review.reviewer_ids)
        # level 1 without an eligible team leader falls back to the other managers
        self.assertIn(self.manager_2, order.review_ids[0].reviewer_ids)
        with self.assertRaisesRegex(UserError, "someone else must approve"):
            self._decide(order, self.manager)
        # nor by writing the review directly
        with self.assertRaises(AccessError):
            order.review_ids[0].with_user(self.manager).write(
                {"status": "approved", "done_by": self.manager.id}
            )
        self.assertEqual(order.price_approval_state, "pending")
        self._decide(order, self.manager_2)
        self.assertEqual(order.price_approval_state, "approved")

    def test_forged_reviews_refused(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        level_3 = self.env.ref("sales_plus.tier_definition_price_approval_level_3")
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.salesperson).create(
                {
                    "model": "sale.order",
                    "res_id": order.id,
                    "definition_id": level_3.id,
                    "status": "approved",
                }
            )
        order.with_user(self.salesperson).action_request_price_approval()
        with self.assertRaises(AccessError):
            order.review_ids.with_user(self.salesperson).write({"definition_id": level_3.id})
        self.assertEqual(order.price_approval_state, "pending")

    def test_reject_and_request_again(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        messages_before = order.message_ids
        self._decide(order, self.leader, approve=False, comment="Too cheap")
        self.assertEqual(order.price_approval_state, "rejected")
        rejection = (order.message_ids - messages_before).filtered(lambda m: "Too cheap" in m.body)
        self.assertIn(self.salesperson.partner_id, rejection.partner_ids)
        self.assertFalse(self._activities(order))
        with self.assertRaisesRegex(UserError, "rejected"):
            order.with_user(self.salesperson).action_confirm()
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertEqual(order.price_approval_state, "pending")
        self.assertEqual(self._activities(order).user_id, self.leader)

    def test_blocked_customer_actions(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)], require_signature=True, require_payment=True)
        self.assertFalse(order._has_to_be_signed())
        self.assertFalse(order._has_to_be_paid())
        with self.assertRaisesRegex(UserError, "sent by email"):
            order.with_user(self.salesperson).action_quotation_send()
        with self.assertRaisesRegex(UserError, "marked as sent"):
            order.with_user(self.salesperson).action_quotation_sent()
        with self.assertRaisesRegex(UserError, "sent by email"):
            order.with_user(self.salesperson).with_context(mark_so_as_sent=True).message_post(body="Quote")
        self.assertEqual(order.state, "draft")
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertFalse(order._has_to_be_signed(), "still pending")
        self._decide(order, self.leader)
        self.assertTrue(order._has_to_be_signed())
        self.assertTrue(order._has_to_be_paid())
        action = order.with_user(self.salesperson).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        order.with_user(self.salesperson).action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_restart_only_on_worse(self):
        order = self._order([(self.desk, 1, 90.0, 0.0), (self.chair, 1, 50.0, 0.0)])
        desk, chair = order.order_line
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "approved")
        review = order.review_ids
        # better price: the approval stands
        order.with_user(self.salesperson).write(
            {"order_line": [Command.update(desk.id, {"price_unit": 92.0})]}
        )
        self.assertEqual(order.price_approval_state, "approved")
        self.assertEqual(order.review_ids, review)
        # more pieces at the same price: the approval stands
        desk.with_user(self.salesperson).product_uom_qty = 3
        self.assertEqual(order.review_ids, review)
        # worse than approved: the approval restarts at once
        desk.with_user(self.salesperson).discount = 5.0
        self.assertAlmostEqual(desk.price_approval_deviation, 12.6)
        self.assertNotEqual(order.review_ids, review)
        self.assertEqual(order.price_approval_state, "pending")
        self.assertTrue(order.message_ids.filtered(lambda m: "restarted" in m.body))
        self._decide(order, self.leader)
        self.assertAlmostEqual(desk.price_approval_snapshot_deviation, 12.6)
        review = order.review_ids
        # a new flagged line restarts too
        chair.with_user(self.salesperson).price_unit = 46.0
        self.assertNotEqual(order.review_ids, review)
        self.assertEqual(order.price_approval_state, "pending")
        # removing a line does not
        review = order.review_ids
        order.with_user(self.salesperson).write({"order_line": [Command.delete(chair.id)]})
        self.assertEqual(order.review_ids, review)

    def test_improvement_drops_needless_levels(self):
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "pending")
        # the salesperson improves the price to level 1, which is approved already
        order.order_line.with_user(self.salesperson).price_unit = 90.0
        self.assertEqual(order.price_approval_level, 1)
        self.assertEqual(order.price_approval_state, "approved")
        self.assertEqual(order.review_ids.mapped("price_approval_level"), [1])
        self.assertFalse(self._activities(order))
        order.with_user(self.salesperson).action_confirm()

    def test_decision_on_order_no_longer_pending(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            self._decide(order, self.leader)
        order2 = self._order([(self.desk, 1, 90.0, 0.0)])
        order2.with_user(self.salesperson).action_request_price_approval()
        order2.with_user(self.salesperson).action_cancel()
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            self._decide(order2, self.leader)

    def test_concurrent_decisions(self):
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        # two managers open the order; the first decides, the second one's view is stale
        seen_by_second = order.with_user(self.manager_2)
        seen_by_second.review_ids.mapped("status")
        self._decide(order, self.manager)
        with self.assertRaisesRegex(UserError, "decided by pa_manager"):
            self._decide(seen_by_second, self.manager_2)
        self.assertEqual(order.review_ids.done_by, self.leader | self.manager)

    def test_concurrent_lock(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        # another approver's transaction is deciding on the order right now
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (_DECISION_LOCK_CLASS, order.id))
            try:
                with self.assertRaisesRegex(UserError, "Another approver is deciding"):
                    self._decide(order, self.leader)
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", (_DECISION_LOCK_CLASS, order.id))
        self.assertEqual(order.price_approval_state, "pending")
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "approved")

    def test_reviewer_without_access(self):
        # the leader of another team does not even read the order; as a
        # member of the order's team they read it but are not its approver
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        with self.assertRaises(AccessError):
            self._decide(order, self.other_leader)
        self.team.member_ids |= self.other_leader
        with self.assertRaisesRegex(UserError, "not an approver"):
            self._decide(order, self.other_leader)
        self.assertEqual(order.price_approval_state, "pending")
        # a team led by a plain User (who sees only their own orders): their
        # level goes to the managers
        plain_leader = new_test_user(
            self.env, login="pa_plain_leader", groups="base.group_user,sales_plus.group_sales_plus_user"
        )
        self.team.user_id = plain_leader
        order2 = self._order([(self.desk, 1, 90.0, 0.0)])
        order2.with_user(self.salesperson).action_request_price_approval()
        self.assertNotIn(plain_leader, order2.review_ids.reviewer_ids)
        self.assertIn(self.manager, order2.review_ids.reviewer_ids)
        with self.assertRaises(AccessError):
            self._decide(order2, plain_leader)

    def test_team_leader_cannot_approve_level_2(self):
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        with self.assertRaisesRegex(UserError, "not an approver"):
            self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "pending")

    def test_user_sees_own_figures_only(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        other = self._order(
            [(self.desk, 1, 90.0, 0.0)], user=self.other_salesperson, team_id=self.other_team.id
        )
        line = order.order_line.with_user(self.salesperson)
        self.assertAlmostEqual(line.price_approval_deviation, 10.0)
        self.assertEqual(line.price_approval_level, 1)
        with self.assertRaises(AccessError):
            other.order_line.with_user(self.salesperson).read(["price_approval_deviation"])
        # portal users never see cost-based margins
        field = self.env["sale.order.line"]._fields["price_approval_margin"]
        self.assertEqual(field.groups, "base.group_user")

    def test_two_companies(self):
        company_b = self.env["res.company"].create({"name": "Approval Company B", "currency_id": self.usd.id})
        manager_b = new_test_user(
            self.env,
            login="pa_manager_b",
            groups="base.group_user,sales_plus.group_sales_plus_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertNotIn(manager_b, order.review_ids.reviewer_ids, "reviewers belong to the order's company")
        self.assertIn(self.manager, order.review_ids.reviewer_ids)

    def test_reminders_when_their_turn(self):
        with freeze_time("2030-01-01 09:00"):
            order = self._order([(self.desk, 1, 80.0, 0.0)])
            order.with_user(self.salesperson).action_request_price_approval()
        level_2 = order.review_ids.filtered(lambda r: r.price_approval_level == 2)
        with freeze_time("2030-01-02 09:00"):
            self.env["tier.definition"]._cron_send_review_reminder()
            self.assertFalse(order.message_ids.filtered(lambda m: "Reminder" in m.body))
        with freeze_time("2030-01-04 09:00"):
            self.env["tier.definition"]._cron_send_review_reminder()
            reminders = order.message_ids.filtered(lambda m: "Reminder" in m.body)
            self.assertEqual(len(reminders), 1)
            self.assertEqual(reminders.partner_ids, self.leader.partner_id)
            self.assertFalse(level_2.last_reminder_date and level_2.last_reminder_date < datetime(2030, 1, 2))
            self._decide(order, self.leader)
        with freeze_time("2030-01-05 09:00"):
            self.env["tier.definition"]._cron_send_review_reminder()
            self.assertEqual(len(order.message_ids.filtered(lambda m: "Reminder" in m.body)), 1)
        with freeze_time("2030-01-07 10:00"):
            self.env["tier.definition"]._cron_send_review_reminder()
            reminders = order.message_ids.filtered(lambda m: "Reminder" in m.body)
            self.assertEqual(len(reminders), 2)
            self.assertIn(self.manager.partner_id, reminders[0].partner_ids)


@tagged("post_install", "-at_install")
class TestPriceApprovalQueries(PriceApprovalCommon):
    """The analysis and the approval checks cost a constant number of queries per
    order: the queries beyond Odoo's own per-line cost do not grow with lines."""

    def _count(self, size, analysed):
        order = self._order([(self.desk if i % 2 else self.chair, 1 + i % 3, 0.0, 0.0) for i in range(size)])
        for line in order.order_line:
            line.price_unit = line.product_id.list_price
        self.env.flush_all()
        self.env.invalidate_all()

        def noop_reference(lines):
            for line in lines:
                line.price_approval_reference_price = 0.0

        def noop(lines):
            for line in lines:
                line.price_approval_effective_price = 0.0
                line.price_approval_deviation = 0.0
                line.price_approval_margin = 0.0
                line.price_approval_rule_id = False
                line.price_approval_level = 0

        start = self.env.cr.sql_log_count
        analysis_off = not analysed
        with (
            patch.object(PriceApprovalLine, "_compute_price_approval", noop)
            if analysis_off
            else _nullcontext(),
            patch.object(PriceApprovalLine, "_compute_price_approval_reference_price", noop_reference)
            if analysis_off
            else _nullcontext(),
        ):
            order.write(
                {"order_line": [Command.update(line.id, {"discount": 2.0}) for line in order.order_line]}
            )
            self.env.flush_all()
            order.action_confirm()
            self.env.flush_all()
        self.assertEqual(order.state, "sale")
        return self.env.cr.sql_log_count - start

    def test_query_count_constant(self):
        # warm the caches (ir.model ids, access rules, templates) of both flows
        self._count(5, True)
        self._count(5, False)
        overhead_20 = self._count(20, True) - self._count(20, False)
        overhead_200 = self._count(200, True) - self._count(200, False)
        _logger.info("price approval query overhead: %s at 20 lines, %s at 200", overhead_20, overhead_200)
        self.assertEqual(overhead_20, overhead_200)
        self.assertLessEqual(overhead_20, 25)


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


@tagged("post_install", "-at_install")
class TestPriceApprovalUi(HttpCase, PriceApprovalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.password = "pa_salesperson"
        cls.leader.password = "pa_leader"
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref("sale.group_discount_per_so_line")

    def test_tour_salesperson_lowers_price_leader_approves(self):
        order = self._order([(self.desk, 2, 100.0, 0.0)], name="SP-TOUR-QUOTE")
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_plus_price_approval_tour",
            login="pa_salesperson",
        )
        self.assertEqual(order.price_approval_state, "pending")
        self.assertAlmostEqual(order.order_line.price_unit, 90.0)
        self.start_tour("/odoo", "sales_plus_price_approval_leader_tour", login="pa_leader")
        self.assertEqual(order.price_approval_state, "approved")
        self.assertEqual(order.review_ids.done_by, self.leader)

    def _jsonrpc(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_portal_signature_and_payment_blocked(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)], require_signature=True, require_payment=True)
        order._portal_ensure_token()
        result = self._jsonrpc(
            f"/my/orders/{order.id}/transaction",
            {"access_token": order.access_token, "amount": order.amount_total},
        )
        self.assertIn("being reviewed", result["error"]["data"]["message"])
        self.assertNotIn(
            "Approval Desk", result["error"]["data"]["message"], "no deviation shown to customers"
        )
        result = self._jsonrpc(
            f"/my/orders/{order.id}/accept",
            {"access_token": order.access_token, "name": "Customer", "signature": "R0lGODlhAQABAAAAACw="},
        )
        self.assertIn("not in a state requiring customer signature", result["result"]["error"])
        self.assertFalse(order.signature)
        self.assertEqual(order.state, "draft")


# what a quotation shows by default must fit 1600 px (with the chatter beside it)
_QUOTATION_LINE_DEFAULT_COLUMNS = {
    "sequence",
    "product_id",
    "product_template_id",
    "name",
    "product_uom_qty",
    "stock_alert_shortage",
    "qty_delivered",
    "qty_at_date_widget",
    "qty_invoiced",
    "product_uom_id",
    "price_unit",
    "discount",
    "tax_ids",
    "price_approval_deviation",
    "price_approval_level",
    "price_subtotal",
    "price_total",
}
_BLOCKED_STATES = "price_approval_state in ('to_request', 'pending', 'rejected')"


@tagged("post_install", "-at_install")
class TestQuotationScreen(PriceApprovalCommon):
    """The quotation form and the approvals to do list as their users load them."""

    def _arch(self, user, view_type="form", view_id=False, model="sale.order"):
        views = self.env[model].with_user(user).get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _lines_list(self, user):
        lists = self._arch(user).xpath("//field[@name='order_line']/list")
        self.assertEqual(len(lists), 1)
        return lists[0]

    def test_row_colour_is_the_price_level_only(self):
        lines = self._lines_list(self.salesperson)
        self.assertEqual(lines.get("decoration-danger"), "price_approval_level >= 2")
        self.assertIn("price_approval_level == 1", lines.get("decoration-warning"))
        self.assertNotIn("stock_alert_shortage", lines.get("decoration-warning"))
        # the shortage is a stock icon of its own, always shown
        icons = lines.xpath("./field[@name='stock_alert_shortage'][@widget='sales_plus_shortage_icon']")
        self.assertEqual(len(icons), 1)
        self.assertFalse(icons[0].get("optional"))
        self.assertNotEqual(icons[0].get("column_invisible"), "True")

    def test_legend_under_the_lines(self):
        form = self._arch(self.salesperson)
        legends = form.xpath(
            "//field[@name='order_line']/following-sibling::div[@name='sales_plus_line_legend']"
        )
        self.assertEqual(len(legends), 1)
        text = " ".join(legends[0].itertext())
        self.assertIn("level 1", text)
        self.assertIn("level 2 or 3", text)
        self.assertIn("Short of stock", text)
        self.assertTrue(legends[0].xpath(".//i[contains(@class, 'fa-cubes')]"))

    def test_default_columns_fit(self):
        lines = self._lines_list(self.salesperson)
        shown = {
            node.get("name")
            for node in lines.xpath("./field | ./widget")
            if node.get("optional") != "hide" and node.get("column_invisible") not in ("True", "1")
        }
        self.assertIn("price_approval_level", shown)
        self.assertIn("price_approval_deviation", shown)
        self.assertLessEqual(shown, _QUOTATION_LINE_DEFAULT_COLUMNS, "other columns are optional (hidden)")
        for name in ("price_approval_reference_price", "stock_alert_shortage_qty", "price_approval_margin"):
            (node,) = lines.xpath(f"./field[@name='{name}']")
            self.assertEqual(node.get("optional"), "hide", name)

    def test_blocked_actions_not_primary(self):
        header = self._arch(self.salesperson).xpath("//header")[0]
        (request,) = header.xpath("./button[@name='action_request_price_approval']")
        self.assertIn("btn-primary", request.get("class"))
        for primary_id in ("quotation_send_primary", "action_confirm", "send_proforma_primary"):
            for button in header.xpath(f"./button[@id='{primary_id}']"):
                self.assertIn(_BLOCKED_STATES, button.get("invisible"), primary_id)
        for secondary_id in ("sales_plus_quotation_send_blocked", "sales_plus_action_confirm_blocked"):
            (button,) = header.xpath(f"./button[@id='{secondary_id}']")
            self.assertIn("btn-secondary", button.get("class"))
            self.assertIn(
                "price_approval_state not in ('to_request', 'pending', 'rejected')", button.get("invisible")
            )
        # the blocked actions still explain why they are refused
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        with self.assertRaisesRegex(UserError, "Request Approval"):
            order.with_user(self.salesperson).action_quotation_send()

    def test_approvals_to_do_list(self):
        view = self.env.ref("sales_plus.sale_order_view_list_price_approval")
        arch = self._arch(self.leader, "list", view.id)
        shown = {
            node.get("name"): node
            for node in arch.xpath("./field")
            if node.get("optional") != "hide" and node.get("column_invisible") not in ("True", "1")
        }
        for name in (
            "partner_id",
            "price_approval_requested_date",
            "price_approval_deviation",
            "price_approval_margin",
        ):
            self.assertIn(name, shown)
        self.assertIsNone(shown["partner_id"].get("optional"), "the customer is always shown")
        self.assertNotIn("price_approval_summary", shown, "the long summary is optional")
        # margins follow sale_margin: internal users only
        portal = new_test_user(self.env, login="pa_portal", groups="base.group_portal")
        self.assertNotIn("price_approval_margin", self.env["sale.order"].with_user(portal).fields_get())
        self.assertIn("price_approval_margin", self.env["sale.order"].with_user(self.leader).fields_get())

    def test_approvals_to_do_figures(self):
        order = self._order(
            [(self.desk, 1, 90.0, 0.0), (self.chair, 1, 40.0, 0.0), (self.desk, 1, 100.0, 0.0)]
        )
        self.assertAlmostEqual(order.price_approval_deviation, 20.0)
        self.assertAlmostEqual(order.price_approval_margin, 50.0)
        self.assertFalse(order.price_approval_requested_date)
        order.with_user(self.salesperson).action_request_price_approval()
        requested = order.review_ids[:1].create_date
        self.assertTrue(requested)
        self.assertEqual(order.price_approval_requested_date, requested)
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_state, "pending", "the sales manager's turn")
        self.assertEqual(order.price_approval_requested_date, requested, "waiting since the request")
        self._decide(order, self.manager)
        self.assertEqual(order.price_approval_state, "approved")
        self.assertFalse(order.price_approval_requested_date)


@tagged("post_install", "-at_install")
class TestQuotationScreenUi(HttpCase, PriceApprovalCommon):
    browser_size = "1600,1000"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.password = "pa_salesperson"

    def test_quotation_lines_at_1600px(self):
        order = self._order([(self.desk, 2, 90.0, 0.0), (self.chair, 1, 40.0, 0.0)], name="SP-LINES")
        desk, chair = order.order_line
        self.assertEqual((desk.price_approval_level, chair.price_approval_level), (1, 2))
        desk.sudo().write({"stock_alert_shortage": True, "stock_alert_shortage_qty": 2.0})
        order.sudo().stock_alert_at_risk = True
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_plus_quotation_lines_tour",
            login="pa_salesperson",
        )


@tagged("post_install", "-at_install")
class TestPriceApprovalLineForm(PriceApprovalCommon):
    """The salesperson types a price on a quotation line: the form shows the
    deviation and the approval level before anything is saved."""

    def test_price_deviation_level_as_typed(self):
        form = Form(self.env["sale.order"].with_user(self.salesperson))
        form.partner_id = self.customer
        form.team_id = self.team
        with form.order_line.new() as line:
            line.product_id = self.desk
            self.assertAlmostEqual(line.price_unit, 100.0)
            self.assertAlmostEqual(line.price_approval_deviation, 0.0)
            self.assertEqual(line.price_approval_level, 0)
            line.price_unit = 90.0
            self.assertAlmostEqual(line.price_approval_deviation, 10.0)
            self.assertEqual(line.price_approval_level, 1)
        self.assertEqual(form.price_approval_level, 1)
        with form.order_line.edit(0) as line:
            line.price_unit = 80.0
            self.assertAlmostEqual(line.price_approval_deviation, 20.0)
            self.assertEqual(line.price_approval_level, 2)
            line.price_unit = 60.0
            self.assertAlmostEqual(line.price_approval_deviation, 40.0)
            self.assertEqual(line.price_approval_level, 3)
            line.price_unit = 98.0
            self.assertAlmostEqual(line.price_approval_deviation, 2.0)
            self.assertEqual(line.price_approval_level, 0)
            line.price_unit = 84.0
        self.assertEqual(form.price_approval_level, 2)
        self.assertEqual(form.price_approval_state, "to_request")
        order = form.save()
        self.assertAlmostEqual(order.order_line.price_approval_deviation, 16.0)
        self.assertEqual(order.order_line.price_approval_level, 2)
        self.assertEqual(order.price_approval_state, "to_request")
