# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import xmlrpc.client
from datetime import date, datetime, timedelta

import xlsxwriter
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..tools.cockpit_metrics import METRICS, PIPELINE_METRICS, TARGET_METRIC_KEYS

TODAY = "2024-03-20 10:00:00"
# SQL queries of one cockpit payload, whatever the number of salespeople, teams,
# targets and months: 10 for the figures (the pipeline and the regions two of
# them), the rest reads names, targets and filters (34 when nothing is left to read)
QUERIES = 35
MARCH = {"period_type": "month", "date_from": "2024-03-01"}


class CockpitCommon(AccountTestInvoicingCommon):
    """Two salespeople in two teams, a team leader, a manager, orders and invoices
    in USD (company currency) and EUR (2 EUR = 1 USD)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the figures count confirmed orders whatever their price: no price policy
        # here (hand-set prices would otherwise wait for a price approval)
        cls.env["sales_plus.price.rule"].sudo().search([]).action_archive()
        cls.env.user.group_ids += cls.env.ref("sales_plus.group_sales_plus_admin")
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.product_a.write({"standard_price": 40.0, "taxes_id": [Command.clear()], "lst_price": 100.0})

        def user(login, group, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{group}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="UTC",
                **kwargs,
            )

        cls.leader = user("cockpit_leader", "sales_plus.group_sales_plus_team_leader")
        cls.seller_a = user("cockpit_seller_a", "sales_plus.group_sales_plus_user")
        cls.seller_b = user("cockpit_seller_b", "sales_plus.group_sales_plus_user")
        cls.manager = user("cockpit_manager", "sales_plus.group_sales_plus_manager")
        cls.team_1 = cls.env["crm.team"].create(
            {"name": "Cockpit Team 1", "user_id": cls.leader.id, "company_id": cls.company.id}
        )
        cls.team_2 = cls.env["crm.team"].create({"name": "Cockpit Team 2", "company_id": cls.company.id})
        cls.team_1.member_ids = cls.seller_a | cls.leader
        cls.team_2.member_ids = cls.seller_b
        cls.customer_cn = cls.env["res.partner"].create(
            {"name": "Cockpit CN", "country_id": cls.env.ref("base.cn").id, "is_company": True}
        )
        cls.customer_us = cls.env["res.partner"].create(
            {"name": "Cockpit US", "country_id": cls.env.ref("base.us").id, "is_company": True}
        )

    # helpers ---------------------------------------------------------------

    def _order(self, user, amount, when, partner=None, currency=None, team=None, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer_us).id,
                "user_id": user.id,
                "team_id": (team or user.sale_team_id).id,
                "company_id": self.company.id,
                "pricelist_id": (
                    self.eur_pricelist if currency == "EUR" else self.env["product.pricelist"]
                ).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        if when:
            order.date_order = when
        return order

    def _invoice(self, order, when, pay=None):
        invoice = order._create_invoices()
        # no payment term: due on its date
        invoice.write({"invoice_date": when, "invoice_date_due": when})
        invoice.action_post()
        if pay:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": pay})._create_payments()
        return invoice

    def _refund(self, invoice, amount, when):
        # as the reversal wizard does, the credit note keeps the invoice's salesperson
        refund = invoice._reverse_moves(
            [{"invoice_date": when, "invoice_user_id": invoice.invoice_user_id.id}]
        )
        refund.invoice_line_ids.price_unit = amount
        refund.action_post()
        return refund

    def _data(self, user=None, **filters):
        cockpit = self.env["sales_plus.cockpit"]
        if user:
            cockpit = cockpit.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        return cockpit.get_cockpit_data({"company_id": self.company.id, **MARCH, **filters})


@tagged("post_install", "-at_install")
class TestCockpitFigures(CockpitCommon):
    @freeze_time(TODAY)
    def test_figures_currencies_credit_notes_cancelled_comparisons(self):
        usd = self._order(self.seller_a, 1000.0, datetime(2024, 3, 5, 9))
        eur = self._order(
            self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn, currency="EUR"
        )
        cancelled = self._order(self.seller_a, 5000.0, datetime(2024, 3, 7, 9))
        cancelled._action_cancel()
        self._order(self.seller_a, 999.0, datetime(2024, 3, 8, 9), confirm=False)  # quotation
        self._order(self.seller_a, 500.0, datetime(2024, 2, 10, 9))
        self._order(self.seller_b, 300.0, datetime(2023, 3, 10, 9))
        usd_invoice = self._invoice(usd, date(2024, 3, 6), pay=date(2024, 3, 15))
        self._invoice(eur, date(2024, 3, 7))
        self._refund(usd_invoice, 100.0, date(2024, 3, 18))

        data = self._data()
        current = data["kpis"]["current"]
        # 1000 USD + 400 EUR (= 200 USD) - 100 credit note; cancelled and quotation out
        self.assertAlmostEqual(current["revenue"], 1100.0)
        self.assertAlmostEqual(current["order_value"], 1200.0)
        self.assertAlmostEqual(current["refunded"], 100.0)
        self.assertEqual(current["orders"], 2)
        self.assertAlmostEqual(current["aov"], 600.0)  # order value / orders
        # cost 40 USD a unit: 1000 - 40 + (200 - 40)
        self.assertAlmostEqual(current["margin"], 1120.0)
        self.assertAlmostEqual(current["margin_pct"], 1120.0 / 1200.0)
        self.assertAlmostEqual(current["invoiced"], 1100.0)
        self.assertAlmostEqual(current["collected"], 1000.0)
        # of what fell due (the USD invoice, paid; the EUR one, 200 USD open)
        self.assertAlmostEqual(current["collection_rate"], 1000.0 / 1200.0)
        self.assertEqual(current["customers"], 2)
        self.assertEqual(current["new_customers"], 1)  # the CN customer; US bought in February
        self.assertEqual(current["returning_customers"], 1)
        self.assertAlmostEqual(data["kpis"]["previous"]["revenue"], 500.0)
        self.assertAlmostEqual(data["kpis"]["last_year"]["revenue"], 300.0)
        self.assertEqual(data["currency"]["name"], self.company.currency_id.name)

        by_user = {row["id"]: row for row in data["by_salesperson"]}
        self.assertAlmostEqual(by_user[self.seller_a.id]["revenue"], 900.0)
        self.assertAlmostEqual(by_user[self.seller_b.id]["revenue"], 200.0)
        self.assertAlmostEqual(by_user[self.seller_a.id]["collected"], 1000.0)
        by_team = {row["id"]: row for row in data["by_team"]}
        self.assertAlmostEqual(by_team[self.team_2.id]["invoiced"], 200.0)
        regions = {row["country_id"]: row for row in data["by_region"]}
        self.assertAlmostEqual(regions[self.env.ref("base.cn").id]["revenue"], 200.0)
        self.assertAlmostEqual(data["by_product"][0]["revenue"], 1200.0)
        self.assertEqual(data["pareto"]["rows"][0]["id"], self.customer_us.id)
        self.assertAlmostEqual(sum(t["revenue"] for t in data["trend"]), 1100.0)
        self.assertEqual(len(data["trend"]), 31)
        self.assertEqual([data["trend"][0]["label"], data["trend"][30]["label"]], ["03-01", "03-31"])
        # nobody is graded: one "Not graded" row, orders only (as the categories)
        self.assertEqual([row["id"] for row in data["by_segment"]], [-1])
        self.assertAlmostEqual(data["by_segment"][0]["revenue"], 1200.0)
        self.assertEqual([row["id"] for row in data["by_abc"]], ["none"])

        # drill-down to the records behind the figures
        action = self.env["sales_plus.cockpit"].get_drilldown_action(MARCH, "orders")
        self.assertEqual(self.env["sale.order"].search(action["domain"]), usd | eur)
        action = self.env["sales_plus.cockpit"].get_drilldown_action(MARCH, "payments")
        self.assertEqual(self.env["account.move"].search(action["domain"]), usd_invoice)
        action = self.env["sales_plus.cockpit"].get_drilldown_action(MARCH, "new_customers")
        self.assertEqual(action["domain"], [("id", "in", [self.customer_cn.id])])
        action = self.env["sales_plus.cockpit"].get_drilldown_action(
            MARCH, "invoices", {"user_id": self.seller_b.id}
        )
        self.assertEqual(len(self.env["account.move"].search(action["domain"])), 1)

    @freeze_time(TODAY)
    def test_timezone_cut(self):
        """23:30 in Shanghai on 31 March is March there, April 00:30 is not."""
        self.manager.tz = "Asia/Shanghai"
        self._order(self.seller_a, 100.0, datetime(2024, 3, 31, 15, 30))  # 23:30 in Shanghai
        self._order(self.seller_a, 70.0, datetime(2024, 3, 31, 16, 30))  # 1 April 00:30 in Shanghai
        self._order(self.seller_a, 10.0, datetime(2024, 2, 29, 16, 30))  # 1 March 00:30 in Shanghai
        data = self._data(self.manager)
        self.assertAlmostEqual(data["kpis"]["current"]["revenue"], 110.0)
        self.assertAlmostEqual(data["trend"][30]["revenue"], 100.0)
        self.assertAlmostEqual(data["trend"][0]["revenue"], 10.0)
        self.manager.tz = "UTC"
        self.assertAlmostEqual(self._data(self.manager)["kpis"]["current"]["revenue"], 170.0)

    @freeze_time(TODAY)
    def test_contacts_count_as_their_company(self):
        """An order of a contact counts for the company the contact belongs to
        (customer, region, drill-downs), and follows the contact when it moves
        to another company."""
        buyer = self.env["res.partner"].create(
            {
                "name": "Cockpit CN Buyer",
                "parent_id": self.customer_cn.id,
                "country_id": self.env.ref("base.us").id,
            }
        )
        order = self._order(self.seller_a, 300.0, datetime(2024, 3, 5, 9), partner=buyer)
        self._order(self.seller_a, 100.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        self.assertEqual(order.cockpit_customer_id, self.customer_cn)
        data = self._data()
        current = data["kpis"]["current"]
        # one customer, new, with two orders
        self.assertEqual(
            (current["customers"], current["new_customers"], current["repurchase_rate"]), (1, 1, 1.0)
        )
        self.assertEqual({row["country_id"] for row in data["by_region"]}, {self.env.ref("base.cn").id})
        cockpit = self.env["sales_plus.cockpit"]
        action = cockpit.get_drilldown_action(MARCH, "orders", {"country_id": self.env.ref("base.cn").id})
        self.assertEqual(len(self.env["sale.order"].search(action["domain"])), 2)
        action = cockpit.get_drilldown_action(MARCH, "orders", {"partner_id": self.customer_cn.id})
        self.assertEqual(len(self.env["sale.order"].search(action["domain"])), 2)
        action = cockpit.get_drilldown_action(MARCH, "new_customers")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.customer_cn)
        # the buyer moves to the US customer: so does their order
        buyer.parent_id = self.customer_us
        self.assertEqual(order.cockpit_customer_id, self.customer_us)
        data = self._data()
        self.assertEqual(
            (data["kpis"]["current"]["customers"], data["kpis"]["current"]["new_customers"]), (2, 2)
        )
        regions = {row["country_id"]: row["revenue"] for row in data["by_region"]}
        self.assertEqual(regions, {self.env.ref("base.cn").id: 100.0, self.env.ref("base.us").id: 300.0})
        # installing or upgrading fills the column in SQL for the orders already there
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET cockpit_customer_id = NULL WHERE id = %s", [order.id])
        self.env["sale.order"]._cockpit_fill_customer()
        order.invalidate_recordset(["cockpit_customer_id"])
        self.assertEqual(order.cockpit_customer_id, self.customer_us)

    @freeze_time(TODAY)
    def test_team_change_mid_period(self):
        """The figures follow the team on the order, not the salesperson's team today."""
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9), team=self.team_1)
        self.team_1.member_ids -= self.seller_a
        self.team_2.member_ids |= self.seller_a
        self._order(self.seller_a, 250.0, datetime(2024, 3, 14, 9), team=self.team_2)
        by_team = {row["id"]: row for row in self._data()["by_team"]}
        self.assertAlmostEqual(by_team[self.team_1.id]["revenue"], 100.0)
        self.assertAlmostEqual(by_team[self.team_2.id]["revenue"], 250.0)
        data = self._data(team_id=self.team_1.id)
        self.assertAlmostEqual(data["kpis"]["current"]["revenue"], 100.0)

    @freeze_time(TODAY)
    def test_new_repeat_customers_and_pareto(self):
        """New customers (their first order ever is in the period, and for a
        salesperson it is theirs), repeat customers, repurchase rate and the
        Pareto of the customers' revenue."""
        customer_x = self.env["res.partner"].create({"name": "Cockpit X", "is_company": True})
        self._order(self.seller_b, 200.0, datetime(2024, 3, 5, 9))  # the US customer's first order
        self._order(self.seller_a, 1000.0, datetime(2024, 3, 20, 9))
        self._order(self.seller_b, 300.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        self._order(self.seller_b, 40.0, datetime(2024, 1, 10, 9), partner=customer_x)
        self._order(self.seller_a, 100.0, datetime(2024, 3, 10, 9), partner=customer_x)
        data = self._data()
        current = data["kpis"]["current"]
        self.assertEqual(
            (current["customers"], current["new_customers"], current["returning_customers"]), (3, 2, 1)
        )
        self.assertAlmostEqual(current["repurchase_rate"], 1 / 3)
        by_user = {row["id"]: row for row in data["by_salesperson"]}
        # the US customer's first order is seller B's: new for B, not for A
        self.assertEqual(
            (by_user[self.seller_a.id]["customers"], by_user[self.seller_a.id]["new_customers"]), (2, 0)
        )
        self.assertEqual(
            (by_user[self.seller_b.id]["customers"], by_user[self.seller_b.id]["new_customers"]), (2, 2)
        )
        self.assertEqual(by_user[self.seller_a.id]["repurchase_rate"], 0.0)
        # the drill-downs list the customers the figures count
        cockpit = self.env["sales_plus.cockpit"]
        for user, kind, partners in (
            (self.seller_a, "customers", self.customer_us | customer_x),
            (self.seller_a, "new_customers", self.env["res.partner"]),
            (self.seller_b, "new_customers", self.customer_us | self.customer_cn),
            (False, "new_customers", self.customer_us | self.customer_cn),
        ):
            action = cockpit.get_drilldown_action(MARCH, kind, {"user_id": user and user.id})
            who = user.login if user else "all"
            self.assertEqual(self.env["res.partner"].search(action["domain"]), partners, f"{kind} of {who}")
        # 1,200 + 300 + 100: the first two make 80% of the revenue
        pareto = data["pareto"]
        self.assertEqual((pareto["customers"], pareto["pareto_count"]), (3, 2))
        self.assertEqual(
            [r["id"] for r in pareto["rows"]], [self.customer_us.id, self.customer_cn.id, customer_x.id]
        )
        self.assertEqual([r["name"] for r in pareto["rows"]], ["Cockpit US", "Cockpit CN", "Cockpit X"])
        for row, share, cumulative in zip(
            pareto["rows"], (0.75, 0.1875, 0.0625), (0.75, 0.9375, 1.0), strict=True
        ):
            self.assertAlmostEqual(row["share"], share)
            self.assertAlmostEqual(row["cumulative_share"], cumulative)
        # a salesperson's Pareto holds only their own orders
        own = self._data(self.seller_a)["pareto"]
        self.assertEqual(
            [(r["id"], r["revenue"]) for r in own["rows"]],
            [(self.customer_us.id, 1000.0), (customer_x.id, 100.0)],
        )

    @freeze_time(TODAY)
    def test_year_compared_with_one_year_read_once(self):
        """For a year, the previous period and last year are the same dates: read
        once, both get the figures the year itself shows as its current period."""
        self._order(self.seller_a, 300.0, datetime(2023, 2, 10, 9))
        self._order(self.seller_a, 200.0, datetime(2023, 5, 10, 9))
        self._order(self.seller_b, 400.0, datetime(2023, 6, 6, 9), partner=self.customer_cn, currency="EUR")
        self._order(self.seller_b, 50.0, datetime(2024, 3, 1, 9), partner=self.customer_cn)
        self._order(self.seller_a, 20.0, datetime(2022, 12, 31, 9))
        year_2023 = self._data(period_type="year", date_from="2023-01-01")
        year_2024 = self._data(period_type="year", date_from="2024-01-01")
        self.assertEqual(year_2024["periods"]["previous"], year_2024["periods"]["last_year"])
        expected = year_2023["kpis"]["current"]
        self.assertAlmostEqual(expected["revenue"], 700.0)
        self.assertEqual((expected["customers"], expected["new_customers"]), (2, 1))
        for bucket in ("previous", "last_year"):
            self.assertEqual(year_2024["kpis"][bucket], {**expected, "overdue": 0.0}, bucket)
            for row in year_2024["by_salesperson"]:
                figures = next(r for r in year_2023["by_salesperson"] if r["id"] == row["id"])
                self.assertAlmostEqual(row[bucket]["revenue"], figures["revenue"])
                self.assertEqual(row[bucket]["customers"], figures["customers"])
        for key in ("by_segment", "by_abc"):
            self.assertAlmostEqual(year_2024[key][0]["revenue_previous"], year_2023[key][0]["revenue"])
            self.assertAlmostEqual(year_2024[key][0]["revenue_last_year"], year_2023[key][0]["revenue"])
        # the trend's last year line is the months of 2023
        self.assertEqual(
            [t["revenue_last_year"] for t in year_2024["trend"]], [t["revenue"] for t in year_2023["trend"]]
        )

    @freeze_time(TODAY)
    def test_empty_period_gives_zeros(self):
        data = self._data(period_type="year", date_from="2001-06-01")
        self.assertEqual(data["periods"]["current"], ["2001-01-01", "2001-12-31"])
        for bucket in ("current", "previous", "last_year"):
            for key, value in data["kpis"][bucket].items():
                self.assertFalse(value, key)
        self.assertEqual([t["label"] for t in data["trend"]][::11], ["2001-01", "2001-12"])
        self.assertFalse(data["by_salesperson"])
        self.assertEqual(data["targets"]["totals"]["revenue"]["target"], 0.0)

    @freeze_time(TODAY)
    def test_bad_filters(self):
        with self.assertRaisesRegex(UserError, "end is not before its start"):
            self._data(period_type="custom", date_from="2024-03-10", date_to="2024-03-01")
        with self.assertRaisesRegex(UserError, "Unknown period type fortnight"):
            self._data(period_type="fortnight")

    @freeze_time(TODAY)
    def test_multi_company(self):
        """Another company's orders never enter the figures, which are in the
        currency of the company shown; a user of one company cannot ask for the other."""
        company_2 = self.setup_other_company(name="Cockpit Company 2", currency_id=self.eur.id)["company"]
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        order_2 = (
            self.env["sale.order"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer_us.id,
                    "company_id": company_2.id,
                    "user_id": self.manager.id,
                    "order_line": [
                        Command.create({"product_id": self.product_a.id, "price_unit": 900.0, "tax_ids": []})
                    ],
                }
            )
        )
        order_2.action_confirm()
        order_2.date_order = datetime(2024, 3, 5, 9)
        self.assertAlmostEqual(self._data()["kpis"]["current"]["revenue"], 100.0)
        data_2 = (
            self.env["sales_plus.cockpit"]
            .with_context(allowed_company_ids=company_2.ids)
            .get_cockpit_data({"company_id": company_2.id, **MARCH})
        )
        self.assertAlmostEqual(data_2["kpis"]["current"]["revenue"], 900.0)
        self.assertEqual(data_2["currency"]["name"], "EUR")
        with self.assertRaisesRegex(AccessError, "figures of this company"):
            self._data(self.manager, company_id=company_2.id)

    @freeze_time(TODAY)
    def test_scope_by_role(self):
        """No figure of another salesperson is reachable by a User, a Team Leader
        sees their team, a Manager everything."""
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_b, 700.0, datetime(2024, 3, 5, 9))
        self._order(self.leader, 20.0, datetime(2024, 3, 6, 9))
        self.env["sales_plus.target"].create(
            [
                {"user_id": self.seller_b.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000},
                {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 400},
            ]
        )
        data = self._data(self.seller_a)
        self.assertAlmostEqual(data["kpis"]["current"]["revenue"], 100.0)
        self.assertEqual([row["id"] for row in data["by_salesperson"]], [self.seller_a.id])
        self.assertEqual(data["targets"]["totals"]["revenue"]["target"], 400.0)
        self.assertEqual(data["pareto"]["customers"], 1)
        # asking for another salesperson's figures gives nothing of theirs
        spying = self._data(self.seller_a, user_id=self.seller_b.id)
        self.assertEqual(spying["kpis"]["current"]["revenue"], 0.0)
        self.assertEqual(spying["targets"]["totals"]["revenue"]["target"], 0.0)
        self.assertEqual(self._data(self.seller_a, team_id=self.team_2.id)["kpis"]["current"]["revenue"], 0.0)
        action = (
            self.env["sales_plus.cockpit"]
            .with_user(self.seller_a)
            .get_drilldown_action(dict(MARCH, user_id=self.seller_b.id), "orders")
        )
        self.assertFalse(self.env["sale.order"].search(action["domain"]))
        self.assertEqual([u["id"] for u in data["options"]["users"]], [self.seller_a.id])

        leader = self._data(self.leader)
        self.assertAlmostEqual(leader["kpis"]["current"]["revenue"], 120.0)
        self.assertEqual(
            {row["id"] for row in leader["by_salesperson"]},
            {self.seller_a.id, self.leader.id},
        )
        self.assertAlmostEqual(self._data(self.manager)["kpis"]["current"]["revenue"], 820.0)

    @freeze_time(TODAY)
    def test_targets_pacing_and_team_vs_members(self):
        Target = self.env["sales_plus.target"]
        Target.create(
            [
                {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000},
                {"user_id": self.leader.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 500},
                {"team_id": self.team_1.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 2000},
                # a yearly target seen over March: its March share by working days
                {
                    "user_id": self.seller_b.id,
                    "metric": "invoiced",
                    "period_type": "year",
                    "date_from": "2024-01-01",
                    "amount": 26200,
                },
            ]
        )
        self._order(self.seller_a, 600.0, datetime(2024, 3, 4, 9))
        data = self._data()
        totals = data["targets"]["totals"]
        # 14 of the 21 working days of March 2024 are gone on the 20th
        self.assertAlmostEqual(data["targets"]["elapsed"], 14 / 21)
        # the total line reads the team targets, for every metric
        self.assertEqual(data["targets"]["source"], "team")
        self.assertEqual(data["targets"]["source_label"], "Sum of the team targets")
        self.assertAlmostEqual(totals["revenue"]["target"], 2000.0)  # the team target
        self.assertAlmostEqual(totals["revenue"]["member_target"], 1500.0)
        self.assertAlmostEqual(totals["revenue"]["completion"], 0.3)
        self.assertAlmostEqual(totals["revenue"]["expected"], 2000.0 * 14 / 21)
        self.assertAlmostEqual(totals["revenue"]["forecast"], 600.0 * 21 / 14)
        self.assertEqual(totals["invoiced"]["target"], 0.0)  # no team target
        self.assertIs(totals["invoiced"]["completion"], False)
        self.assertAlmostEqual(totals["invoiced"]["member_target"], 26200.0 * 21 / 262)
        # for one salesperson, their targets
        seller_b = self._data(user_id=self.seller_b.id)["targets"]
        self.assertEqual(seller_b["source"], "salesperson")
        self.assertAlmostEqual(seller_b["totals"]["invoiced"]["target"], 26200.0 * 21 / 262)
        by_team = {row["id"]: row for row in data["by_team"]}
        self.assertEqual(by_team[self.team_1.id]["revenue_target"], 2000.0)
        self.assertEqual(by_team[self.team_1.id]["revenue_member_target"], 1500.0)
        by_user = {row["id"]: row for row in data["by_salesperson"]}
        self.assertAlmostEqual(by_user[self.seller_a.id]["revenue_completion"], 0.6)
        team_target = Target.search([("team_id", "=", self.team_1.id)])
        self.assertEqual(team_target.member_target_amount, 1500.0)


@tagged("post_install", "-at_install")
class TestCockpitSegments(CockpitCommon):
    """Breakdown by the customers' RFM segment and ABC class in the company shown."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Segment = cls.env["sales_plus.rfm.segment"]
        cls.segment_top = Segment.create({"name": "Cockpit Top", "sequence": 1})
        cls.segment_risk = Segment.create({"name": "Cockpit Risk", "sequence": 2})
        cls.company_2 = cls.setup_other_company(name="Cockpit Company 2", currency_id=cls.eur.id)["company"]
        cls.customer_new = cls.env["res.partner"].create({"name": "Cockpit Ungraded", "is_company": True})
        cls.contact_us = cls.env["res.partner"].create(
            {"name": "Cockpit US Buyer", "parent_id": cls.customer_us.id}
        )
        cls.env["sales_plus.rfm.grade"].sudo().create(
            [
                # owned by seller B: seller A cannot read this grade, yet sells to the customer
                {
                    "partner_id": cls.customer_us.id,
                    "company_id": cls.company.id,
                    "user_id": cls.seller_b.id,
                    "segment_id": cls.segment_top.id,
                    "abc_class": "a",
                },
                {
                    "partner_id": cls.customer_cn.id,
                    "company_id": cls.company.id,
                    "user_id": cls.seller_b.id,
                    "segment_id": cls.segment_risk.id,
                    "abc_class": "b",
                },
                # the same customer graded differently in the other company
                {
                    "partner_id": cls.customer_us.id,
                    "company_id": cls.company_2.id,
                    "segment_id": cls.segment_risk.id,
                    "abc_class": "c",
                },
                # graded in the other company only: not graded in the first
                {
                    "partner_id": cls.customer_new.id,
                    "company_id": cls.company_2.id,
                    "segment_id": cls.segment_top.id,
                    "abc_class": "a",
                },
            ]
        )

    def _rows(self, data, kind):
        return {row["id"]: row for row in data[kind]}

    def _drill(self, row, user=None, **filters):
        cockpit = self.env["sales_plus.cockpit"]
        if user:
            cockpit = cockpit.with_user(user)
        action = cockpit.get_drilldown_action(
            {"company_id": self.company.id, **MARCH, **filters}, "orders", row["key"]
        )
        return self.env["sale.order"].search(action["domain"])

    def _assert_drill_sums(self, data, user=None):
        """Every row drills down to exactly the orders it sums."""
        for kind in ("by_segment", "by_abc"):
            for row in data[kind]:
                orders = self._drill(row, user)
                self.assertEqual(len(orders), row["orders"], row["name"])
                self.assertAlmostEqual(
                    sum(o.amount_untaxed / o.currency_rate for o in orders), row["revenue"], msg=row["name"]
                )

    @freeze_time(TODAY)
    def test_segment_and_abc_figures(self):
        o1 = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        o2 = self._order(self.seller_a, 500.0, datetime(2024, 3, 5, 9), partner=self.contact_us)
        o3 = self._order(
            self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn, currency="EUR"
        )
        o4 = self._order(self.seller_a, 300.0, datetime(2024, 3, 7, 9), partner=self.customer_new)
        o5 = self._order(self.seller_b, 100.0, datetime(2024, 3, 8, 9), partner=self.customer_new)
        self._order(self.seller_a, 250.0, datetime(2023, 3, 8, 9))  # same month last year
        cancelled = self._order(self.seller_a, 9000.0, datetime(2024, 3, 9, 9))
        cancelled._action_cancel()
        order_2 = (
            self.env["sale.order"]
            .with_company(self.company_2)
            .create(
                {
                    "partner_id": self.customer_us.id,
                    "company_id": self.company_2.id,
                    "user_id": self.manager.id,
                    "order_line": [
                        Command.create({"product_id": self.product_a.id, "price_unit": 900.0, "tax_ids": []})
                    ],
                }
            )
        )
        order_2.action_confirm()
        order_2.date_order = datetime(2024, 3, 5, 9)

        data = self._data(self.manager)
        segments = self._rows(data, "by_segment")
        self.assertEqual(
            [row["id"] for row in data["by_segment"]], [self.segment_top.id, self.segment_risk.id, -1]
        )
        top, risk, ungraded = segments[self.segment_top.id], segments[self.segment_risk.id], segments[-1]
        self.assertEqual(top["name"], "Cockpit Top")
        self.assertAlmostEqual(top["revenue"], 1500.0)  # the contact's order counts for its company
        self.assertEqual((top["orders"], top["customers"]), (2, 1))
        self.assertIsInstance(top["orders"], int)
        self.assertIsInstance(data["kpis"]["current"]["orders"], int)
        self.assertAlmostEqual(top["margin"], 1500.0 - 2 * 40.0)
        self.assertAlmostEqual(top["revenue_last_year"], 250.0)
        self.assertAlmostEqual(risk["revenue"], 200.0)  # 400 EUR
        self.assertEqual(ungraded["name"], "Not graded")
        self.assertAlmostEqual(ungraded["revenue"], 400.0)
        self.assertEqual((ungraded["orders"], ungraded["customers"]), (2, 1))
        self.assertEqual([row["id"] for row in data["by_abc"]], ["a", "b", "none"])
        self.assertEqual(
            [row["revenue"] for row in data["by_abc"]], [top["revenue"], risk["revenue"], ungraded["revenue"]]
        )
        self.assertEqual(data["by_abc"][2]["name"], "Not graded")
        self.assertAlmostEqual(sum(row["revenue"] for row in data["by_abc"]), 2100.0)
        self._assert_drill_sums(data)
        self.assertEqual(self._drill(top), o1 | o2)
        self.assertEqual(self._drill(risk), o3)
        self.assertEqual(self._drill(ungraded), o4 | o5)

        # the other company: its own grade of the same customer, in its currency
        data_2 = (
            self.env["sales_plus.cockpit"]
            .with_context(allowed_company_ids=self.company_2.ids)
            .get_cockpit_data({"company_id": self.company_2.id, **MARCH})
        )
        self.assertEqual(
            [(r["id"], r["revenue"]) for r in data_2["by_segment"]], [(self.segment_risk.id, 900.0)]
        )
        self.assertEqual([(r["id"], r["revenue"]) for r in data_2["by_abc"]], [("c", 900.0)])

    @freeze_time(TODAY)
    def test_segments_scoped_to_the_user(self):
        o1 = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        o4 = self._order(self.seller_a, 300.0, datetime(2024, 3, 7, 9), partner=self.customer_new)
        self._order(self.seller_b, 100.0, datetime(2024, 3, 8, 9), partner=self.customer_new)
        self._order(self.seller_b, 700.0, datetime(2024, 3, 8, 9))

        data = self._data(self.seller_a)
        self.assertEqual(
            [(row["id"], row["revenue"]) for row in data["by_segment"]],
            [(self.segment_top.id, 1000.0), (-1, 300.0)],
        )
        self.assertEqual(
            [(row["id"], row["revenue"]) for row in data["by_abc"]], [("a", 1000.0), ("none", 300.0)]
        )
        self._assert_drill_sums(data, self.seller_a)
        rows = self._rows(data, "by_segment")
        self.assertEqual(self._drill(rows[self.segment_top.id], self.seller_a), o1)
        self.assertEqual(self._drill(rows[-1], self.seller_a), o4)
        # another salesperson's segment asked for directly: nothing of theirs
        spying = {"key": {"rfm_segment": self.segment_risk.id}}
        self.assertFalse(self._drill(spying, self.seller_a))
        self.assertFalse(self._drill(spying, self.seller_a, user_id=self.seller_b.id))
        self.assertFalse(self._data(self.seller_a, user_id=self.seller_b.id)["by_segment"])
        # the team leader sees the team (seller A and themself), not team 2
        leader = self._data(self.leader)
        self.assertEqual(
            [(row["id"], row["revenue"]) for row in leader["by_segment"]],
            [(self.segment_top.id, 1000.0), (-1, 300.0)],
        )
        manager = self._data(self.manager)
        self.assertAlmostEqual(self._rows(manager, "by_segment")[self.segment_top.id]["revenue"], 1700.0)

    @freeze_time(TODAY)
    def test_segments_in_exports(self):
        self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_a, 300.0, datetime(2024, 3, 7, 9), partner=self.customer_new)
        self._order(self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        cockpit = self.env["sales_plus.cockpit"].with_user(self.seller_a)
        action = cockpit.action_export_xlsx(MARCH)
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.seller_a)
            ._render(action["report_name"], self.company.ids, data=action["data"])
        )
        import openpyxl  # noqa: PLC0415

        book = openpyxl.load_workbook(io.BytesIO(content))
        segments = list(book["By Customer Segment"].iter_rows(values_only=True))
        self.assertEqual(segments[0][:3], ("By Customer Segment", "Revenue", "Orders"))
        self.assertEqual(
            [(r[0], r[1]) for r in segments[1:]], [("Cockpit Top", 1000.0), ("Not graded", 300.0)]
        )
        abc = list(book["By ABC Class"].iter_rows(values_only=True))
        self.assertEqual([(r[0], r[1]) for r in abc[1:]], [("A", 1000.0), ("Not graded", 300.0)])
        action = cockpit.action_print_pdf(MARCH)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.seller_a)
            ._render_qweb_html(action["report_name"], self.company.ids, data=action["data"])[0]
        )
        self.assertIn(b"By Customer Segment", html)
        self.assertIn(b"Cockpit Top", html)
        self.assertNotIn(b"Cockpit Risk", html)


@tagged("post_install", "-at_install")
class TestCockpitTargets(CockpitCommon):
    def _target(self, **vals):
        return self.env["sales_plus.target"].create(
            {
                "user_id": self.seller_a.id,
                "metric": "revenue",
                "date_from": "2024-03-01",
                "amount": 100,
                **vals,
            }
        )

    def test_bad_targets(self):
        Target = self.env["sales_plus.target"]
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "amount_positive"),
            self.cr.savepoint(),
        ):
            self._target(amount=-1)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "dates_ordered"),
            self.cr.savepoint(),
        ):
            self._target(date_from="2024-03-10", date_to="2024-03-01")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "user_xor_team"),
            self.cr.savepoint(),
        ):
            self._target(team_id=self.team_1.id)
        self._target()
        with self.assertRaisesRegex(ValidationError, "overlaps"), self.cr.savepoint():
            self._target(period_type="quarter", date_from="2024-01-01", metric="revenue")
        self.assertEqual(Target.search_count([("user_id", "=", self.seller_a.id)]), 1)
        # another metric or person does not overlap
        self._target(metric="margin")
        self._target(user_id=self.seller_b.id)
        with self.assertRaisesRegex(ValidationError, "overlaps"), self.cr.savepoint():
            Target.search([("metric", "=", "margin")]).metric = "revenue"

    def test_roles_on_targets(self):
        own = self._target()
        other = self._target(user_id=self.seller_b.id)
        Target = self.env["sales_plus.target"]
        self.assertEqual(Target.with_user(self.seller_a).search([]), own)
        # the model named in any language the database speaks
        with self.assertRaisesRegex(AccessError, r"sales_plus\.target"):
            Target.with_user(self.seller_a).create(
                {"user_id": self.seller_a.id, "metric": "margin", "date_from": "2024-03-01", "amount": 1}
            )
        self.assertEqual(Target.with_user(self.leader).search([]), own)
        self.assertEqual(Target.with_user(self.manager).search([]), own | other)
        with self.assertRaises(AccessError):
            other.with_user(self.leader).amount = 5

    def test_spread_even_and_weighted(self):
        yearly = self._target(period_type="year", date_from="2024-01-01", amount=1000)
        self.assertEqual(yearly.date_to, date(2024, 12, 31))
        Wizard = self.env["sales_plus.target.spread.wizard"]
        wizard = Wizard.with_context(default_target_id=yearly.id).create({})
        self.assertEqual((wizard.user_id, wizard.amount, wizard.year), (self.seller_a, 1000.0, 2024))
        wizard.action_spread()
        self.assertFalse(yearly.active)
        months = self.env["sales_plus.target"].search([("user_id", "=", self.seller_a.id)])
        self.assertEqual(len(months), 12)
        self.assertAlmostEqual(sum(months.mapped("amount")), 1000.0)

        weights = {f"weight_{m:02d}": 10.0 if m <= 4 else 7.5 for m in range(1, 13)}
        wizard = Wizard.create(
            {
                "team_id": self.team_1.id,
                "metric": "revenue",
                "year": 2025,
                "amount": 1200,
                "mode": "weights",
                **weights,
            }
        )
        wizard.action_spread()
        months = self.env["sales_plus.target"].search([("team_id", "=", self.team_1.id)], order="date_from")
        self.assertEqual(months.mapped("amount"), [120.0] * 4 + [90.0] * 8)

    def test_spread_bad_input(self):
        Wizard = self.env["sales_plus.target.spread.wizard"]
        base = {
            "user_id": self.seller_b.id,
            "metric": "revenue",
            "year": 2025,
            "amount": 1200,
            "mode": "weights",
        }
        with self.assertRaisesRegex(ValidationError, "100"):
            Wizard.create(dict(base, weight_01=50)).action_spread()
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Wizard.create(dict(base, mode="even", amount=-5)).action_spread()
        with self.assertRaisesRegex(ValidationError, "either a salesperson or a sales team"):
            Wizard.create(dict(base, mode="even", team_id=self.team_1.id)).action_spread()
        self.assertFalse(self.env["sales_plus.target"].search([("user_id", "=", self.seller_b.id)]))

    def _xlsx(self, rows):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        workbook.close()
        return base64.b64encode(output.getvalue())

    HEADER = ("salesperson", "team", "metric", "period_type", "date_from", "date_to", "amount")

    def test_import_all_or_nothing(self):
        Wizard = self.env["sales_plus.target.import.wizard"]
        self._target(user_id=self.seller_b.id, date_from="2024-05-01")
        bad = self._xlsx(
            [
                self.HEADER,
                ("cockpit_seller_a", None, "revenue", "month", "2024-03-01", "2024-03-31", 100),  # good
                ("nobody", None, "revenue", "month", "2024-03-01", "2024-03-31", 100),
                ("cockpit_seller_a", "Cockpit Team 1", "revenue", "month", "2024-04-01", "2024-04-30", 100),
                ("cockpit_seller_a", None, "sales", "month", "2024-04-01", "2024-04-30", 100),
                ("cockpit_seller_a", None, "margin", "month", "2024-04-30", "2024-04-01", 100),
                ("cockpit_seller_a", None, "margin", "month", "2024-06-01", "2024-06-30", -3),
                (
                    "cockpit_seller_a",
                    None,
                    "revenue",
                    "month",
                    "2024-03-15",
                    "2024-03-31",
                    100,
                ),  # overlaps row 2
                (
                    "cockpit_seller_b",
                    None,
                    "revenue",
                    "month",
                    "2024-05-01",
                    "2024-05-31",
                    100,
                ),  # overlaps DB
                ("cockpit_seller_b", None, "revenue", "month", "not a date", "2024-05-31", "lots"),
            ]
        )
        with self.assertRaisesRegex(UserError, "Nothing was imported") as error:
            Wizard.create({"file": bad, "filename": "targets.xlsx"}).action_import()
        message = str(error.exception)
        for row in range(3, 11):
            self.assertIn(f"Row {row}:", message)
        self.assertNotIn("Row 2:", message)
        self.assertEqual(self.env["sales_plus.target"].search_count([]), 1)

        with self.assertRaisesRegex(UserError, "XLSX"):
            Wizard.create({"file": base64.b64encode(b"not a workbook"), "filename": "x.xlsx"}).action_import()
        with self.assertRaisesRegex(UserError, "XLSX"):
            Wizard.create({}).action_import()
        with self.assertRaisesRegex(UserError, "columns"):
            Wizard.create({"file": self._xlsx([("who", "what")]), "filename": "x.xlsx"}).action_import()
        self.assertEqual(self.env["sales_plus.target"].search_count([]), 1)

    def test_export_then_import_round_trip(self):
        targets = self._target() | self._target(
            user_id=False, team_id=self.team_1.id, metric="collected", amount=50
        )
        content, report_type = self.env["ir.actions.report"]._render(
            "sales_plus.sales_plus_target_xlsx_report", targets.ids
        )
        self.assertEqual(report_type, "xlsx")
        expected = sorted(targets.mapped(lambda t: (t.user_id, t.team_id, t.metric, t.date_from, t.amount)))
        targets.unlink()
        self.env["sales_plus.target.import.wizard"].create(
            {"file": base64.b64encode(content), "filename": "targets.xlsx"}
        ).action_import()
        imported = self.env["sales_plus.target"].search([])
        self.assertEqual(
            sorted(imported.mapped(lambda t: (t.user_id, t.team_id, t.metric, t.date_from, t.amount))),
            expected,
        )


@tagged("post_install", "-at_install")
class TestCockpitAlertsAndExports(CockpitCommon):
    @freeze_time(TODAY)
    def test_pacing_alert_once(self):
        self.company.sales_plus_pacing_elapsed_pct = 50
        self.company.sales_plus_pacing_completion_pct = 40
        behind = self.env["sales_plus.target"].create(
            {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 10000}
        )
        on_pace = self.env["sales_plus.target"].create(
            {"user_id": self.seller_b.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000}
        )
        self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_b, 900.0, datetime(2024, 3, 4, 9))
        self.env["sales_plus.target"]._cron_pacing_alerts()
        self.assertEqual(behind.pacing_alert_date, date(2024, 3, 20))
        self.assertFalse(on_pace.pacing_alert_date)
        self.assertEqual(behind.activity_ids.user_id, self.leader)
        self.assertIn(self.leader.partner_id, behind.message_ids[0].partner_ids)
        self.env["sales_plus.target"]._cron_pacing_alerts()
        self.assertEqual(len(behind.activity_ids), 1)
        self.assertFalse(on_pace.activity_ids)

    @freeze_time("2024-03-05 10:00:00")
    def test_no_alert_early_in_period(self):
        target = self.env["sales_plus.target"].create(
            {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 10000}
        )
        self.env["sales_plus.target"]._cron_pacing_alerts()
        self.assertFalse(target.pacing_alert_date)

    @freeze_time(TODAY)
    def test_exports_show_the_users_payload(self):
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_b, 700.0, datetime(2024, 3, 5, 9))
        cockpit = self.env["sales_plus.cockpit"].with_user(self.seller_a)
        action = cockpit.action_export_xlsx(MARCH)
        self.assertEqual(action["report_type"], "xlsx")
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.seller_a)
            ._render(action["report_name"], self.company.ids, data=action["data"])
        )
        import openpyxl  # noqa: PLC0415

        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        revenue_row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Revenue")
        self.assertAlmostEqual(revenue_row[1], 100.0)
        action = cockpit.action_print_pdf(MARCH)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.seller_a)
            ._render_qweb_html(action["report_name"], self.company.ids, data=action["data"])[0]
        )
        self.assertIn(b"Sales Cockpit", html)
        self.assertNotIn(self.seller_b.name.encode(), html)


@tagged("post_install", "-at_install")
class TestCockpitPacing(CockpitCommon):
    """The pacing alerts belong to the targets and read the cockpit's figures
    of each target's salesperson or team over its own period."""

    @freeze_time(TODAY)
    def test_pacing_actuals_are_the_cockpits_figures(self):
        """Each target's actual equals the figure the cockpit shows for its
        salesperson or team over the target's period, for every metric, from
        one query per source whatever the number of targets and periods."""
        Target = self.env["sales_plus.target"]
        usd = self._order(self.seller_a, 1000.0, datetime(2024, 3, 5, 9))
        eur = self._order(
            self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn, currency="EUR"
        )
        self._order(self.seller_a, 300.0, datetime(2024, 2, 10, 9), partner=self.customer_cn)
        invoice = self._invoice(usd, date(2024, 3, 6), pay=date(2024, 3, 15))
        self._invoice(eur, date(2024, 3, 7))
        self._refund(invoice, 100.0, date(2024, 3, 18))
        targets = Target.create(
            [
                {
                    "user_id": user.id,
                    "metric": metric,
                    "date_from": date_from,
                    "amount": 10000,
                    "period_type": kind,
                }
                for user in (self.seller_a, self.seller_b)
                for metric, date_from, kind in (
                    ("revenue", "2024-03-01", "month"),
                    ("margin", "2024-01-01", "quarter"),
                    ("invoiced", "2024-03-01", "month"),
                    ("collected", "2024-01-01", "year"),
                    ("new_customers", "2024-03-01", "month"),
                )
            ]
            + [
                {"team_id": team.id, "metric": "revenue", "date_from": "2024-01-01", "amount": 10000}
                for team in (self.team_1, self.team_2)
            ]
        )
        self.env.flush_all()
        with self.assertQueryCount(5):  # transaction settings, orders, invoices, payments, customers
            actuals = targets._pacing_actuals()
        cockpit = self.env["sales_plus.cockpit"]
        checked = 0
        for target in targets:
            payload = cockpit.get_cockpit_data(
                {"period_type": "custom", "date_from": target.date_from, "date_to": target.date_to}
            )
            rows = {row["id"]: row for row in payload["by_salesperson" if target.user_id else "by_team"]}
            row = rows.get((target.user_id or target.team_id).id, {})
            self.assertAlmostEqual(actuals[target.id], row.get(target.metric, 0.0), msg=target.name)
            checked += bool(actuals[target.id])
        self.assertGreater(checked, 6, "most targets have an actual")
        # the figures themselves
        self.assertAlmostEqual(actuals[targets[0].id], 900.0)  # seller A's revenue: 1000 - 100
        self.assertAlmostEqual(actuals[targets[5].id], 200.0)  # seller B's revenue: 400 EUR

    @freeze_time(TODAY)
    def test_pacing_alert_to_the_leaders_of_the_salespersons_teams(self):
        """A salesperson's target behind pace goes to the leader of each team of
        the company they are a member of; a team's target to its leader; without
        a leader, to the company's fallback responsible."""
        self.company.sales_plus_pacing_elapsed_pct = 50
        self.company.sales_plus_pacing_completion_pct = 40
        other_leader = new_test_user(
            self.env,
            login="cockpit_other_leader",
            groups="base.group_user,sales_plus.group_sales_plus_team_leader",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.team_2.user_id = other_leader
        fallback = self.manager
        self.company.sales_plus_fallback_user_id = fallback
        team_3 = self.env["crm.team"].create({"name": "Cockpit Team 3", "company_id": self.company.id})
        Target = self.env["sales_plus.target"]
        seller_target, team_target, leaderless = Target.create(
            [
                {"user_id": self.seller_b.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000},
                {"team_id": self.team_1.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000},
                {"team_id": team_3.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000},
            ]
        )
        Target._cron_pacing_alerts()
        self.assertEqual(seller_target.activity_ids.user_id, other_leader)
        self.assertEqual(team_target.activity_ids.user_id, self.leader)
        self.assertEqual(leaderless.activity_ids.user_id, fallback)
        self.assertIn(other_leader.partner_id, seller_target.message_ids[0].partner_ids)
        self.assertEqual(
            (seller_target | team_target | leaderless).mapped("pacing_alert_date"), [date(2024, 3, 20)] * 3
        )


@tagged("post_install", "-at_install")
class TestCockpitMetrics(CockpitCommon):
    """One registry of figures (tools/cockpit_metrics.py) for the payload, the
    screen, the PDF, the XLSX and the targets."""

    @freeze_time(TODAY)
    def test_registry_in_payload_and_exports(self):
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        data = self._data()
        keys = [metric.key for metric in METRICS]
        self.assertIn("returning_customers", keys)
        # every figure of the KPI cards is in the payload, with its label and drill-down
        self.assertEqual([metric["key"] for metric in data["metrics"]], keys)
        self.assertEqual(set(data["kpis"]["current"]), set(keys))
        self.assertEqual(data["target_metrics"], list(TARGET_METRIC_KEYS))
        self.assertEqual(list(data["targets"]["totals"]), list(TARGET_METRIC_KEYS))
        self.assertEqual(
            [key for key, __ in self.env["sales_plus.target"]._fields["metric"].selection],
            list(TARGET_METRIC_KEYS),
        )
        returning = next(metric for metric in data["metrics"] if metric["key"] == "returning_customers")
        self.assertEqual((returning["label"], returning["kind"]), ("Returning Customers", "count"))
        cockpit = self.env["sales_plus.cockpit"]
        for metric in data["metrics"]:
            action = cockpit.get_drilldown_action(MARCH, metric["drill"])
            self.assertEqual(action["type"], "ir.actions.act_window", metric["key"])
        # the XLSX summary and the PDF list the same figures
        action = cockpit.with_user(self.manager).action_export_xlsx(MARCH)
        Report = self.env["ir.actions.report"].with_user(self.manager)
        content, __ = Report._render(action["report_name"], self.company.ids, data=action["data"])
        import openpyxl  # noqa: PLC0415

        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        labels = [row[0] for row in sheet.iter_rows(min_row=6, max_row=5 + len(keys), values_only=True)]
        self.assertEqual(labels, [metric["label"] for metric in data["metrics"]])
        report = "sales_plus.report_cockpit_summary"
        html = Report._render_qweb_html(report, self.company.ids, data=action["data"])[0]
        self.assertIn(b"Returning Customers", html)

    @freeze_time(TODAY)
    def test_returning_customers_drill_down(self):
        """Returning customers: those counted in the period without a first
        order of the company in it; with the new ones, all the customers."""
        self._order(self.seller_a, 100.0, datetime(2024, 2, 4, 9))  # the US customer, before March
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_b, 100.0, datetime(2024, 3, 5, 9), partner=self.customer_cn)
        self._order(self.seller_b, 100.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        data = self._data()
        self.assertEqual(data["kpis"]["current"]["returning_customers"], 1)
        cockpit = self.env["sales_plus.cockpit"]
        Partner = self.env["res.partner"]
        returning = Partner.search(cockpit.get_drilldown_action(MARCH, "returning_customers")["domain"])
        new = Partner.search(cockpit.get_drilldown_action(MARCH, "new_customers")["domain"])
        every = Partner.search(cockpit.get_drilldown_action(MARCH, "customers")["domain"])
        self.assertEqual((returning, new), (self.customer_us, self.customer_cn))
        self.assertEqual(every, returning | new)


@tagged("post_install", "-at_install")
class TestCockpitPipeline(CockpitCommon):
    """Open quotations, price approvals waiting and their age, conversion of
    the period's quotations: computed in the database, in the user's scope."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a 10 % discount on the list price needs a level 1 approval (team leader)
        cls.env["sales_plus.price.rule"].create(
            {
                "name": "Cockpit pipeline policy",
                "company_id": False,
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 5, "deviation_to": 100, "level": 1}
                    )
                ],
            }
        )

    def _created(self, records, when):
        """Set the creation date (what the conversion counts by) of ``records``."""
        records.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET create_date = %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                when,
                records.ids,
            )
        )
        records.invalidate_recordset(["create_date"])

    def _waiting(self, order, since):
        """Request the price approval of ``order``, requested at ``since``."""
        order.with_user(order.user_id).action_request_price_approval()
        self.assertEqual(order.price_approval_state, "pending")
        self._created(order.review_ids, since)

    @freeze_time(TODAY)
    def test_pipeline_figures_and_scope(self):
        waiting_1 = self._order(self.seller_a, 90.0, None, confirm=False)
        waiting_2 = self._order(self.seller_a, 90.0, None, confirm=False)
        self._waiting(waiting_1, datetime(2024, 3, 10, 10))
        self._waiting(waiting_2, datetime(2024, 3, 16, 10))
        open_b = self._order(self.seller_b, 300.0, None, confirm=False, currency="EUR")  # 150 USD
        confirmed = self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        lost = self._order(self.seller_b, 100.0, None, confirm=False)
        lost._action_cancel()
        february = self._order(self.seller_a, 100.0, datetime(2024, 2, 4, 9))
        self._created(waiting_1 | waiting_2 | open_b | confirmed | lost, datetime(2024, 3, 5, 9))
        self._created(february, datetime(2024, 2, 4, 9))

        pipeline = self._data(self.manager)["pipeline"]
        self.assertEqual(pipeline["open_quotations"], 3)
        self.assertAlmostEqual(pipeline["open_quotations_amount"], 330.0)
        self.assertEqual(pipeline["price_approval_waiting"], 2)
        self.assertAlmostEqual(pipeline["price_approval_oldest_days"], 10.0)
        self.assertAlmostEqual(pipeline["price_approval_average_days"], 7.0)
        self.assertEqual((pipeline["quotations_created"], pipeline["quotations_converted"]), (5, 1))
        self.assertAlmostEqual(pipeline["conversion_rate"], 0.2)

        # a salesperson sees their own quotations only
        own = self._data(self.seller_a)["pipeline"]
        self.assertEqual((own["open_quotations"], own["price_approval_waiting"]), (2, 2))
        self.assertAlmostEqual(own["open_quotations_amount"], 180.0)
        self.assertEqual((own["quotations_created"], own["quotations_converted"]), (3, 1))
        seller_b = self._data(self.seller_b)["pipeline"]
        self.assertEqual(
            (seller_b["price_approval_waiting"], seller_b["price_approval_oldest_days"]), (0, 0.0)
        )
        self.assertEqual(
            self._data(self.seller_b, user_id=self.seller_a.id)["pipeline"]["open_quotations"], 0
        )

        # the drill-downs list the same quotations
        cockpit = self.env["sales_plus.cockpit"].with_user(self.seller_a)
        Order = self.env["sale.order"].with_user(self.seller_a)
        for drill, expected in (
            ("open_quotations", waiting_1 | waiting_2),
            ("price_approval_waiting", waiting_1 | waiting_2),
            ("quotations_created", waiting_1 | waiting_2 | confirmed),
            ("quotations_converted", confirmed),
        ):
            self.assertEqual(
                Order.search(cockpit.get_drilldown_action(MARCH, drill)["domain"]), expected, drill
            )

    @freeze_time(TODAY)
    def test_empty_pipeline_travels_by_xmlrpc(self):
        """Nothing open, nothing created: zeros, the rate without a value; no None."""
        data = self._data(self.manager, period_type="year", date_from="2001-01-01")
        self.assertEqual(
            data["pipeline"],
            {
                "open_quotations": 0,
                "open_quotations_amount": 0.0,
                "price_approval_waiting": 0,
                "price_approval_oldest_days": 0.0,
                "price_approval_average_days": 0.0,
                "quotations_created": 0,
                "quotations_converted": 0,
                "conversion_rate": False,
            },
        )
        self.assertTrue(xmlrpc.client.dumps((data,), allow_none=False))

    @freeze_time(TODAY)
    def test_pipeline_in_registry_and_exports(self):
        self._order(self.seller_a, 90.0, None, confirm=False)
        data = self._data()
        self.assertEqual([m["key"] for m in data["pipeline_metrics"]], [m.key for m in PIPELINE_METRICS])
        self.assertEqual(set(data["pipeline"]), {m.key for m in PIPELINE_METRICS})
        cockpit = self.env["sales_plus.cockpit"].with_user(self.manager)
        action = cockpit.action_export_xlsx(MARCH)
        Report = self.env["ir.actions.report"].with_user(self.manager)
        content, __ = Report._render(action["report_name"], self.company.ids, data=action["data"])
        import openpyxl  # noqa: PLC0415

        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
        # the labels in the manager's language, as the export writes them
        label = {m["key"]: m["label"] for m in cockpit.get_cockpit_data(MARCH)["pipeline_metrics"]}
        self.assertEqual(cells[label["open_quotations"]], 1)
        self.assertAlmostEqual(cells[label["open_quotations_amount"]], 90.0)
        # the quotation was created today, not in March: no rate
        self.assertEqual(cells[label["conversion_rate"]], "—")
        html = Report._render_qweb_html(
            "sales_plus.report_cockpit_summary", self.company.ids, data=action["data"]
        )[0]
        self.assertIn(label["price_approval_waiting"].encode(), html)


@tagged("post_install", "-at_install")
class TestCockpitQueries(CockpitCommon):
    def _settle(self):
        """Write what is pending and empty the caches, as at the start of a request."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    @freeze_time(TODAY)
    def test_query_count_independent_of_size(self):
        """The payload costs as many queries for one salesperson and a few orders
        as for several salespeople, teams, targets and a year of orders."""
        cockpit = self.env["sales_plus.cockpit"].with_user(self.manager)
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        self.env["sales_plus.target"].create(
            {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 10}
        )
        filters = {"company_id": self.company.id, "period_type": "year", "date_from": "2024-01-01"}
        cockpit.get_cockpit_data(filters)
        self._settle()
        with self.assertQueryCount(QUERIES):
            small = cockpit.get_cockpit_data(filters)
        for month in range(1, 4):
            for user in (self.seller_b, self.leader, self.manager):
                self._order(user, 50.0 * month, datetime(2024, month, 2, 9), partner=self.customer_cn)
                self.env["sales_plus.target"].create(
                    {
                        "user_id": user.id,
                        "metric": "margin",
                        "date_from": f"2024-{month:02d}-01",
                        "amount": 10,
                    }
                )
        self.env["sales_plus.target"].create(
            {"team_id": self.team_2.id, "metric": "revenue", "date_from": "2024-01-01", "amount": 99}
        )
        cockpit.get_cockpit_data(filters)
        self._settle()
        with self.assertQueryCount(QUERIES):
            big = cockpit.get_cockpit_data(filters)
        self.assertLess(len(small["by_salesperson"]), len(big["by_salesperson"]))

    def _setting(self, name):
        self.env.cr.execute(SQL("SELECT current_setting(%s)", name))
        return self.env.cr.fetchone()[0]

    @freeze_time(TODAY)
    def test_transaction_settings_raise_memory_only(self):
        """The payload turns JIT off and raises work_mem for its transaction, and
        never lowers a higher work_mem."""
        cockpit = self.env["sales_plus.cockpit"].with_user(self.manager)
        self.env.cr.execute("SET LOCAL work_mem = '1MB'")
        cockpit.get_cockpit_data(MARCH)
        self.assertEqual(self._setting("work_mem"), "16MB")
        self.assertEqual(self._setting("jit"), "off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        cockpit.get_cockpit_data(MARCH)
        self.assertEqual(self._setting("work_mem"), "64MB")


@tagged("post_install", "-at_install")
class TestCockpitTour(HttpCase):
    def test_cockpit_tour(self):
        # the tour reads English labels, whichever languages the database has
        self.env["res.lang"]._activate_lang("en_US")
        # a company of its own: demo documents of the main company stay out of its figures
        company = self.env["res.company"].create(
            {"name": "Cockpit Tour Company", "currency_id": self.env.ref("base.USD").id}
        )
        manager = new_test_user(
            self.env,
            login="cockpit_tour_manager",
            password="cockpit_tour_manager",
            groups="base.group_user,sales_plus.group_sales_plus_manager",
            tz="UTC",
            lang="en_US",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        partner = env["res.partner"].create({"name": "Cockpit Tour Customer"})
        product = env["product.product"].create({"name": "Cockpit Tour Product", "list_price": 10.0})
        # this month 200, the month before 10: a change of +1900 %
        for day, price in (
            (datetime.now(), 200.0),
            (datetime.now().replace(day=1) - timedelta(days=3), 10.0),
        ):
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": manager.id,
                    "company_id": company.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": price})],
                }
            )
            order.action_confirm()
            order.date_order = day
        self.start_tour(
            "/odoo/action-sales_plus.sales_plus_cockpit_action",
            "sales_plus_cockpit_tour",
            login=manager.login,
        )
