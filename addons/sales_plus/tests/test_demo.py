# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import SalesPlusCommon


@tagged("post_install", "-at_install")
class TestDemoGenerators(SalesPlusCommon):
    """The demo generators are plain functions of ``sales_plus/demo``: a database
    (with or without demo data) has no model of theirs."""

    def test_no_demo_model(self):
        self.assertNotIn("sales_plus.demo", self.env.registry)
        self.assertFalse(self.env["ir.model"].search_count([("model", "=like", "sales_plus.demo%")]))


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo tells one coherent story: the salespeople sell in the companies
    they work in, with their own team there. The checks on the demo records run
    on a database with demo data; the quotation flow also runs on a scenario of
    its own (two companies, a salesperson in a team of each). Not on SaleCommon:
    it archives the existing teams."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env["ir.module.module"].search([("name", "=", "sales_plus")]).demo
        cls.customer = cls.env["res.partner"].create({"name": "Demo Story Customer", "company_id": False})
        cls.item = cls.env["product.product"].create(
            {"name": "Demo Story Item", "list_price": 50.0, "company_id": False}
        )

    def _demo_customers(self):
        """The customers the demo generated (core modules' demo has its own)."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "sales_plus"),
                ("model", "=", "res.partner"),
                ("name", "=like", "%customer%\\_demo"),
            ]
        )
        return self.env["res.partner"].browse(data.mapped("res_id"))

    def _demo_companies(self):
        return self.env.ref("base.main_company") | self.env.ref("sales_plus.res_company_shanghai_demo")

    def _quote_as(self, user, company):
        """Create, save and confirm a quotation with the defaults of ``user``
        working in ``company`` (all his companies selected, as the switcher does)."""
        allowed = company | user.company_ids
        env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=allowed.ids))
        form = Form(env["sale.order"])
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.item
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.company_id, company)
        self.assertEqual(order.user_id, user)
        self.assertTrue(order.team_id, f"{user.login} has no team in {company.name}")
        self.assertIn(order.team_id.company_id.id, (company.id, False))
        self.assertIn(user, order.team_id.member_ids | order.team_id.user_id)
        return order

    def test_quotation_in_each_company_of_own_scenario(self):
        self.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        other = self.env["res.company"].create({"name": "Demo Story Second Company"})
        user = new_test_user(
            self.env,
            login="demo_story_salesperson",
            groups="base.group_user,sales_plus.group_sales_plus_user",
            company_id=self.env.company.id,
            company_ids=[Command.set((self.env.company | other).ids)],
        )
        for company in self.env.company | other:
            self.env["crm.team"].create(
                {
                    "name": f"Team of {company.name}",
                    "company_id": company.id,
                    "member_ids": [Command.link(user.id)],
                }
            )
        for company in self.env.company | other:
            self._quote_as(user, company)

    def test_demo_staff_quote_in_each_company(self):
        if not self.demo:
            self.skipTest("no demo data")
        teams = self.env["crm.team"].search([("company_id", "in", self._demo_companies().ids)])
        staff = (teams.member_ids | teams.user_id).filtered(lambda u: not u.share)
        self.assertGreaterEqual(len(staff), 5)
        for user in staff:
            for company in user.company_ids & self._demo_companies():
                with self.subTest(user=user.login, company=company.name):
                    self._quote_as(user, company)

    def test_team_members_work_in_team_company(self):
        """Every team member and leader is a user of the team's company, and every
        order carries its salesperson's team in its own company."""
        for team in self.env["crm.team"].search([("company_id", "!=", False)]):
            for user in team.member_ids | team.user_id:
                self.assertIn(
                    team.company_id, user.company_ids, f"{user.login} is in {team.name} of another company"
                )
        if not self.demo:
            return
        orders = self.env["sale.order"].search([("partner_id", "in", self._demo_customers().ids)])
        self.assertTrue(orders)
        for order in orders:
            self.assertTrue(order.team_id, f"{order.name} has no team")
            self.assertIn(order.team_id.company_id.id, (order.company_id.id, False), order.name)
            self.assertIn(order.user_id, order.team_id.member_ids | order.team_id.user_id, order.name)

    def test_no_demo_document_of_odoobot(self):
        if not self.demo:
            self.skipTest("no demo data")
        bot = self.env.ref("base.user_root")
        companies = self._demo_companies()
        customers = self._demo_customers()
        orders = self.env["sale.order"].search([("partner_id", "in", customers.ids)])
        moves = self.env["account.move"].search(
            [
                ("company_id", "in", companies.ids),
                ("commercial_partner_id", "in", customers.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        pickings = orders.picking_ids
        self.assertTrue(orders and moves and pickings)
        # no salesperson is negative over the year: no credit note of no sale
        year = {"period_type": "year", "date_from": f"{date.today().year}-01-01"}
        year["date_to"] = f"{date.today().year}-12-31"
        for company in companies:
            figures = (
                self.env["sales_plus.cockpit"]
                .with_user(self.env.ref("base.user_admin"))
                .with_context(allowed_company_ids=company.ids)
                .get_cockpit_data(dict(year, company_id=company.id))
            )
            rows = figures["by_salesperson"]
            rows = rows["rows"] if isinstance(rows, dict) else rows
            self.assertFalse([row["name"] for row in rows if row["revenue"] < 0], company.name)
        # both companies invoice their orders (the Shanghai one on Odoo's generic chart)
        for company in companies:
            self.assertTrue(moves.filtered(lambda m, c=company: m.company_id == c), company.name)
        # nor any of Odoo's own demo documents: no cockpit row reads "OdooBot"
        all_orders = self.env["sale.order"].search([("company_id", "in", companies.ids)])
        all_moves = self.env["account.move"].search(
            [("company_id", "in", companies.ids), ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        nobody = (bot, self.env["res.users"])
        self.assertFalse(all_orders.filtered(lambda o: o.user_id in nobody).mapped("name"))
        self.assertFalse(all_moves.filtered(lambda m: m.invoice_user_id in nobody).mapped("name"))
        self.assertFalse(
            pickings.filtered(lambda p: p.user_id in (bot, self.env["res.users"])).mapped("name")
        )
        # invoices follow their orders, payments their invoices
        for move in moves.filtered(lambda m: m.move_type == "out_invoice"):
            order = move.line_ids.sale_line_ids.order_id
            self.assertEqual(len(order), 1, move.name)
            self.assertGreaterEqual(move.invoice_date, order.date_order.date(), move.name)
            self.assertEqual(move.invoice_user_id, order.user_id, move.name)
        refunds = moves.filtered(lambda m: m.move_type == "out_refund")
        self.assertTrue(refunds)
        self.assertTrue(moves.filtered(lambda m: m.payment_state in ("paid", "in_payment")))
        self.assertTrue(
            moves.filtered(lambda m: m.payment_state == "not_paid" and m.invoice_date_due < date.today())
        )

    def test_demo_orders_above_cost_and_quoted_on_their_date(self):
        """No confirmed order of the demo sells below cost (Odoo's own demo orders
        that do are cancelled), and each order of the story was quoted on its date,
        so that the pipeline's "quotations of the period" are the period's, not
        the whole history made on the day of the install."""
        if not self.demo:
            self.skipTest("no demo data")
        companies = self._demo_companies()
        below_cost = self.env["sale.order"].search(
            [("company_id", "in", companies.ids), ("state", "=", "sale"), ("margin", "<", 0)]
        )
        self.assertFalse(below_cost.mapped("name"))
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self._demo_customers().ids), ("state", "=", "sale")]
        )
        self.assertTrue(orders)
        for order in orders:
            self.assertLessEqual(order.create_date, order.date_order, order.name)
        months = {(order.create_date.year, order.create_date.month) for order in orders}
        self.assertGreaterEqual(len(months), 25)

    def test_every_month_has_orders_in_each_company(self):
        if not self.demo:
            self.skipTest("no demo data")
        today = fields.Date.context_today(self.env.user)
        start = today.replace(day=1) - relativedelta(months=24)
        for company in self._demo_companies():
            counts = {
                (month.year, month.month): count
                for month, count in self.env["sale.order"]._read_group(
                    [("company_id", "=", company.id), ("state", "=", "sale"), ("date_order", ">=", start)],
                    ["date_order:month"],
                    ["__count"],
                )
            }
            for offset in range(25):
                month = start + relativedelta(months=offset)
                with self.subTest(company=company.name, month=month):
                    self.assertGreaterEqual(
                        counts.get((month.year, month.month), 0), 15 if offset < 24 else 1
                    )

    def test_targets_of_one_rule(self):
        """Each month, the members' revenue targets add up to their team's."""
        if not self.demo:
            self.skipTest("no demo data")
        team_targets = self.env["sales_plus.target"].search(
            [
                ("team_id", "!=", False),
                ("metric", "=", "revenue"),
                ("company_id", "in", self._demo_companies().ids),
            ]
        )
        self.assertTrue(team_targets)
        for target in team_targets:
            self.assertAlmostEqual(
                target.member_target_amount, target.amount, delta=10 * len(target.team_id.member_ids)
            )
        # salespeople's targets of the same order of magnitude, in each company
        for company in self._demo_companies():
            amounts = (
                self.env["sales_plus.target"]
                .search(
                    [("user_id", "!=", False), ("metric", "=", "revenue"), ("company_id", "=", company.id)]
                )
                .mapped("amount")
            )
            self.assertTrue(amounts)
            self.assertLess(max(amounts), 10 * min(amounts), company.name)
