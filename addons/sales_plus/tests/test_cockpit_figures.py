# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cockpit's figures reconcile by construction: with each other (rows and
totals), with what each user reads in Sales and Invoicing, and with what a
sales manager means by each of them."""

import xmlrpc.client
from datetime import date, datetime

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.fields import Command
from odoo.tests import tagged

from .test_cockpit import MARCH, TODAY, CockpitCommon

# the figures that add up: a row's share of each total
ADDITIVE = (
    "revenue",
    "order_value",
    "refunded",
    "orders",
    "margin",
    "invoiced",
    "collected",
    "overdue",
    "new_customers",
)
RATIOS = ("aov", "margin_pct", "collection_rate", "repurchase_rate")
MARCH_BOUNDS = (date(2024, 3, 1), date(2024, 3, 31))


def unmarshallable(value, path="result"):
    """Where in ``value`` is the first thing XML-RPC cannot carry (None, a
    date, a key that is not a string), or None."""
    if value is None or type(value) is date:
        return f"{path}: {value!r}"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path}: key {key!r}"
            found = unmarshallable(item, f"{path}[{key!r}]")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = unmarshallable(item, f"{path}[{index}]")
            if found:
                return found
    return None


class CockpitFiguresCommon(CockpitCommon):
    def _credit_note(self, user, team, amount, when):
        """A credit note of its own (not reversing an invoice) by ``user`` on
        ``team`` (either may be empty: an unassigned credit note)."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer_us.id,
                "invoice_date": when,
                "invoice_user_id": user.id,
                "team_id": team.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product_a.id, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        self.assertEqual((move.invoice_user_id, move.team_id), (user, team))
        return move

    def _pay(self, invoice, amount, when, currency=None):
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        values = {"payment_date": when, "amount": amount}
        if currency:
            values["currency_id"] = currency.id
        return register.create(values)._create_payments()

    def _rows(self, data, kind):
        return {row["id"]: row for row in data[kind]}

    def _assert_rows_sum_to_totals(self, data, who):
        for kind in ("by_salesperson", "by_team"):
            for figure in ADDITIVE:
                self.assertAlmostEqual(
                    sum(row[figure] for row in data[kind]),
                    data["kpis"]["current"][figure],
                    msg=f"{who}: {kind} {figure}",
                )

    def _read_groups(self, user, groupby):
        """What ``user`` reads in Sales ▸ Orders and in Invoicing (their record
        rules apply) of March 2024, in their Sales Plus scope, grouped by
        ``groupby`` (salesperson or team): ``{id: figures}``, OdooBot counting
        as no salesperson."""
        Order = self.env["sale.order"].with_user(user).with_context(allowed_company_ids=self.company.ids)
        Move = self.env["account.move"].with_user(user).with_context(allowed_company_ids=self.company.ids)
        result = {}

        def entry(record):
            key = record.id if record and record.id != SUPERUSER_ID else False
            return result.setdefault(
                key, {"order_value": 0.0, "orders": 0, "margin": 0.0, "invoiced": 0.0, "refunded": 0.0}
            )

        order_groupby = "user_id" if groupby == "user_id" else "team_id"
        for group, count, untaxed, margin in Order._read_group(
            [
                ("state", "=", "sale"),
                ("company_id", "=", self.company.id),
                ("date_order", ">=", "2024-03-01 00:00:00"),
                ("date_order", "<", "2024-04-01 00:00:00"),
                *user._sales_plus_scope_domain(["user_id"], "team_id"),
            ],
            [order_groupby],
            ["__count", "amount_untaxed:sum", "margin:sum"],
        ):
            figures = entry(group)
            figures["orders"] += count
            figures["order_value"] += untaxed
            figures["margin"] += margin
        move_groupby = "invoice_user_id" if groupby == "user_id" else "team_id"
        for group, move_type, untaxed in Move._read_group(
            [
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("company_id", "=", self.company.id),
                ("invoice_date", ">=", "2024-03-01"),
                ("invoice_date", "<=", "2024-03-31"),
                *user._sales_plus_scope_domain(["invoice_user_id"], "team_id"),
            ],
            [move_groupby, "move_type"],
            ["amount_untaxed_signed:sum"],
        ):
            figures = entry(group)
            figures["invoiced"] += untaxed
            if move_type == "out_refund":
                figures["refunded"] -= untaxed
        return result


@tagged("post_install", "-at_install")
class TestCockpitReconciles(CockpitFiguresCommon):
    """For each role, the totals are the sum of the rows, the rows are what
    the user reads in Sales and Invoicing, documents without a salesperson or
    team are in a row of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nobody = cls.env["res.users"]
        cls.no_team = cls.env["crm.team"]
        cls.odoobot = cls.env["res.users"].browse(SUPERUSER_ID)

    def _scenario(self):
        o1 = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9), team=self.team_1)
        o2 = self._order(self.seller_b, 400.0, datetime(2024, 3, 6, 9), team=self.team_2)
        o3 = self._order(self.leader, 300.0, datetime(2024, 3, 8, 9), team=self.team_1)
        # a salesperson's order in another team belongs to that team
        self._order(self.seller_a, 150.0, datetime(2024, 3, 10, 9), team=self.team_2)
        # an order nobody sells (e.g. from the web shop)
        unassigned = self._order(self.nobody, 250.0, datetime(2024, 3, 9, 9), team=self.no_team)
        self.assertFalse(unassigned.user_id or unassigned.team_id)
        self._order(self.seller_b, 999.0, datetime(2024, 2, 9, 9), team=self.team_2)  # February
        i1 = self._invoice(o1, date(2024, 3, 5), pay=date(2024, 3, 12))
        i2 = self._invoice(o2, date(2024, 3, 7))
        self._invoice(o3, date(2024, 2, 20), pay=date(2024, 3, 15))  # invoiced in February, paid in March
        self._refund(i2, 50.0, date(2024, 3, 18))
        # unassigned credit notes: nobody's and no team's, OdooBot's, a team's without a salesperson
        self._credit_note(self.nobody, self.no_team, 80.0, date(2024, 3, 18))
        self._credit_note(self.odoobot, self.no_team, 40.0, date(2024, 3, 19))
        self._credit_note(self.nobody, self.team_1, 30.0, date(2024, 3, 19))
        self._refund(i1, 100.0, date(2024, 3, 19))
        self.env.flush_all()

    @freeze_time(TODAY)
    def test_each_role_rows_totals_and_what_the_user_reads(self):
        self._scenario()
        for user in (self.seller_a, self.leader, self.manager):
            with self.subTest(user=user.login):
                data = self._data(user)
                self._assert_rows_sum_to_totals(data, user.login)
                current = data["kpis"]["current"]
                for groupby, kind in (("user_id", "by_salesperson"), ("team_id", "by_team")):
                    expected = self._read_groups(user, groupby)
                    rows = self._rows(data, kind)
                    # the same rows, each with the same figures
                    self.assertEqual(
                        {k for k, figures in expected.items() if any(figures.values())},
                        {k for k, row in rows.items() if any(row[f] for f in ADDITIVE)},
                        f"{user.login} {kind}",
                    )
                    for key, figures in expected.items():
                        for figure, value in figures.items():
                            self.assertAlmostEqual(
                                rows[key][figure], value, msg=f"{user.login} {kind} {key} {figure}"
                            )
                    # and the totals are the whole of it
                    for figure in ("order_value", "orders", "margin", "invoiced", "refunded"):
                        self.assertAlmostEqual(
                            current[figure],
                            sum(figures[figure] for figures in expected.values()),
                            msg=f"{user.login} {figure}",
                        )
                self.assertAlmostEqual(current["revenue"], current["order_value"] - current["refunded"])
                names = {row["name"] for kind in ("by_salesperson", "by_team") for row in data[kind]}
                self.assertFalse(names & {"None", "False", "", self.odoobot.name}, user.login)
                # every row drills down to the orders and invoices it counts, read as the user
                for kind in ("by_salesperson", "by_team"):
                    for row in data[kind]:
                        self._assert_drill_sums(user, row)

        manager = self._data(self.manager)
        current = manager["kpis"]["current"]
        # 1000 + 400 + 300 + 150 + 250 of orders; credit notes 50 + 80 + 40 + 30 + 100
        self.assertAlmostEqual(current["order_value"], 2100.0)
        self.assertAlmostEqual(current["refunded"], 300.0)
        self.assertAlmostEqual(current["revenue"], 1800.0)
        # payments: o1's invoice (1000) and o3's invoice of February (300)
        self.assertAlmostEqual(current["collected"], 1300.0)
        unassigned = self._rows(manager, "by_salesperson")[False]
        self.assertEqual(unassigned["name"], "Unassigned")
        self.assertEqual(unassigned["key"], {"no_user": True})
        self.assertEqual(manager["by_salesperson"][-1]["id"], False, "the Unassigned row comes last")
        # the order nobody sells and the credit notes of nobody, of OdooBot, of team 1 without salesperson
        self.assertAlmostEqual(unassigned["order_value"], 250.0)
        self.assertAlmostEqual(unassigned["refunded"], 150.0)
        self.assertAlmostEqual(unassigned["revenue"], 100.0)
        # the regions add up too, each drilling down to its orders and invoices
        for figure in ("revenue", "orders", "invoiced"):
            self.assertAlmostEqual(sum(row[figure] for row in manager["by_region"]), current[figure])
        for row in manager["by_region"]:
            self._assert_drill_sums(self.manager, row, ("orders", "invoices"))
        no_team = self._rows(manager, "by_team")[False]
        self.assertEqual((no_team["name"], no_team["key"]), ("No team", {"no_team": True}))
        self.assertAlmostEqual(no_team["revenue"], 250.0 - 80.0 - 40.0)
        # the team leader: their own and team 1's documents, whoever sold them
        leader = self._data(self.leader)
        self.assertAlmostEqual(leader["kpis"]["current"]["revenue"], 1000.0 + 300.0 - 30.0 - 100.0)
        self.assertAlmostEqual(self._rows(leader, "by_salesperson")[False]["refunded"], 30.0)
        self.assertEqual(set(self._rows(leader, "by_team")), {self.team_1.id})
        # a salesperson: their own documents only
        seller = self._data(self.seller_a)
        self.assertEqual(set(self._rows(seller, "by_salesperson")), {self.seller_a.id})
        self.assertAlmostEqual(seller["kpis"]["current"]["revenue"], 1000.0 + 150.0 - 100.0)

    def _assert_drill_sums(self, user, row, kinds=("orders", "invoices", "refunds")):
        """The row drills down to the orders and invoices it counts, read as the user."""
        cockpit = (
            self.env["sales_plus.cockpit"].with_user(user).with_context(allowed_company_ids=self.company.ids)
        )
        filters = {"company_id": self.company.id, **MARCH}
        for kind in kinds:
            action = cockpit.get_drilldown_action(filters, kind, row["key"])
            records = self.env[action["res_model"]].with_user(user).search(action["domain"])
            if kind == "orders":
                self.assertEqual(len(records), row["orders"], f"{user.login} {row['name']}")
                if "order_value" in row:
                    self.assertAlmostEqual(sum(records.mapped("amount_untaxed")), row["order_value"])
            elif kind == "invoices":
                self.assertAlmostEqual(
                    sum(records.mapped("amount_untaxed_signed")), row["invoiced"], msg=row["name"]
                )
            else:
                self.assertAlmostEqual(
                    -sum(records.mapped("amount_untaxed_signed")), row["refunded"], msg=row["name"]
                )

    @freeze_time(TODAY)
    def test_unassigned_credit_note_in_totals_and_its_row(self):
        """A credit note without salesperson or team lowers the revenue shown
        and is the "Unassigned" and "No team" rows; it is never left out."""
        self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9), team=self.team_1)
        credit_note = self._credit_note(self.nobody, self.no_team, 80.0, date(2024, 3, 18))
        data = self._data(self.manager)
        self.assertAlmostEqual(data["kpis"]["current"]["revenue"], 920.0)
        self.assertAlmostEqual(data["kpis"]["current"]["refunded"], 80.0)
        self._assert_rows_sum_to_totals(data, "manager")
        for kind, name in (("by_salesperson", "Unassigned"), ("by_team", "No team")):
            row = self._rows(data, kind).get(False)
            self.assertTrue(row, f"{kind}: no row of the unassigned credit note")
            self.assertEqual(row["name"], name)
            self.assertAlmostEqual(row["revenue"], -80.0)
            self.assertAlmostEqual(row["refunded"], 80.0)
        action = self.env["sales_plus.cockpit"].get_drilldown_action(MARCH, "refunds", {"no_user": True})
        self.assertEqual(self.env["account.move"].search(action["domain"]), credit_note)
        # the trend holds it too
        self.assertAlmostEqual(sum(t["revenue"] for t in data["trend"]), 920.0)

    @freeze_time(TODAY)
    def test_labels_of_unassigned_rows_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_plus"], ["zh_CN"])
        self._order(self.nobody, 250.0, datetime(2024, 3, 9, 9), team=self.no_team)
        data = self.env["sales_plus.cockpit"].with_context(lang="zh_CN").get_cockpit_data(MARCH)
        self.assertEqual(self._rows(data, "by_salesperson")[False]["name"], "未分配")
        self.assertEqual(self._rows(data, "by_team")[False]["name"], "无团队")

    @freeze_time(TODAY)
    def test_member_row_in_leader_view_is_member_total(self):
        """Given the team rule (a document belongs to the team written on it),
        a member's row in the leader's cockpit is the member's own cockpit
        over the leader's team: all of it when the member sells in that team
        only."""
        order = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9), team=self.team_1)
        self._order(self.seller_a, 200.0, datetime(2024, 3, 5, 9), team=self.team_1)
        invoice = self._invoice(order, date(2024, 3, 5), pay=date(2024, 3, 12))
        self._refund(invoice, 100.0, date(2024, 3, 19))
        self._order(self.seller_b, 700.0, datetime(2024, 3, 6, 9), team=self.team_2)
        for period in (MARCH, {"period_type": "year", "date_from": "2024-01-01"}):
            leader_row = self._rows(self._data(self.leader, **period), "by_salesperson")[self.seller_a.id]
            own = self._data(self.seller_a, **period)["kpis"]["current"]
            for figure in (*ADDITIVE, *RATIOS):
                self.assertEqual(leader_row[figure], own[figure], f"{period['period_type']} {figure}")
        # an order of the member in another team is that team's: not the leader's
        self._order(self.seller_a, 50.0, datetime(2024, 3, 7, 9), team=self.team_2)
        leader_row = self._rows(self._data(self.leader), "by_salesperson")[self.seller_a.id]
        own = self._data(self.seller_a)["kpis"]["current"]
        self.assertAlmostEqual(own["revenue"] - leader_row["revenue"], 50.0)
        in_team = self._data(self.seller_a, team_id=self.team_1.id)["kpis"]["current"]
        self.assertAlmostEqual(leader_row["revenue"], in_team["revenue"])


@tagged("post_install", "-at_install")
class TestCockpitDefinitions(CockpitFiguresCommon):
    """Collected, collection rate, revenue, AOV and margin %: each one
    definition, shown as the card's tooltip."""

    @freeze_time(TODAY)
    def test_collection_rate_when_old_invoices_are_paid(self):
        """2023: invoices of 2022 paid in 2023 do not make the rate of 2023
        (which reads collected in 2023 over invoiced in 2023 at 400%): the rate
        is the share paid of what fell due in 2023."""
        old = self._order(self.seller_a, 5000.0, datetime(2022, 11, 4, 9))
        old_invoice = self._invoice(old, date(2022, 11, 5))
        self._pay(old_invoice, 5000.0, date(2023, 2, 10))
        half_paid = self._invoice(
            self._order(self.seller_a, 1000.0, datetime(2023, 6, 1, 9)), date(2023, 6, 1)
        )
        self._pay(half_paid, 600.0, date(2023, 7, 1))
        self._invoice(self._order(self.seller_b, 400.0, datetime(2023, 12, 1, 9)), date(2023, 12, 1))
        credited = self._invoice(
            self._order(self.seller_b, 300.0, datetime(2023, 11, 1, 9)), date(2023, 11, 1)
        )
        credited._reverse_moves([{"invoice_date": date(2023, 11, 20)}], cancel=True)
        self.assertEqual(credited.payment_state, "reversed")

        data = self._data(period_type="year", date_from="2023-01-01")
        current = data["kpis"]["current"]
        self.assertAlmostEqual(current["collected"], 5600.0)
        self.assertAlmostEqual(current["invoiced"], 1400.0)
        # paid 600 of the 1,000 + 400 that fell due; the credited invoice counts on neither side
        self.assertAlmostEqual(current["collection_rate"], 600.0 / 1400.0)
        rows = self._rows(data, "by_salesperson")
        self.assertAlmostEqual(rows[self.seller_a.id]["collection_rate"], 0.6)
        self.assertEqual(rows[self.seller_b.id]["collection_rate"], 0.0)
        # 2024 up to today: nothing fell due, no rate (shown "—")
        self.assertIs(
            self._data(period_type="year", date_from="2024-01-01")["kpis"]["current"]["collection_rate"],
            False,
        )
        # the drill-down lists the invoices that fell due
        action = self.env["sales_plus.cockpit"].get_drilldown_action(
            {"period_type": "year", "date_from": "2023-01-01"}, "due"
        )
        self.assertEqual(len(self.env["account.move"].search(action["domain"])), 3)
        tooltip = next(metric["help"] for metric in data["metrics"] if metric["key"] == "collection_rate")
        self.assertIn("falling due in the period", tooltip)

    @freeze_time(TODAY)
    def test_collected_counts_payments_not_exchange_differences(self):
        """A EUR invoice paid after the euro rose: the exchange loss reconciled
        against it is not collected, the payment is (as in the payload, the
        drill-down, the pacing alerts and the collection rate)."""
        self.env["res.currency.rate"].create(
            {"name": "2024-03-15", "rate": 2.5, "currency_id": self.eur.id, "company_id": self.company.id}
        )
        order = self._order(
            self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn, currency="EUR"
        )
        invoice = self._invoice(order, date(2024, 3, 6))
        self._pay(invoice, 400.0, date(2024, 3, 16), currency=self.eur)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        exchange = invoice.line_ids.matched_credit_ids.credit_move_id.move_id.filtered(
            lambda move: move.journal_id == self.company.currency_exchange_journal_id
        )
        self.assertTrue(exchange, "an exchange difference entry is reconciled against the invoice")
        data = self._data()
        # 400 EUR at 2.5 = 160 USD paid; the 40 USD exchange loss is no payment
        self.assertAlmostEqual(data["kpis"]["current"]["collected"], 160.0)
        self.assertAlmostEqual(self._rows(data, "by_salesperson")[self.seller_b.id]["collected"], 160.0)
        self.assertAlmostEqual(data["kpis"]["current"]["collection_rate"], 1.0)
        self.assertAlmostEqual(sum(t["collected"] for t in data["trend"]), 160.0)
        target = self.env["sales_plus.target"].create(
            {"user_id": self.seller_b.id, "metric": "collected", "date_from": "2024-03-01", "amount": 1000}
        )
        self.assertAlmostEqual(target._pacing_actuals()[target.id], 160.0)
        action = self.env["sales_plus.cockpit"].get_drilldown_action(MARCH, "payments")
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoice)

    @freeze_time(TODAY)
    def test_revenue_aov_margin_definitions(self):
        """AOV times orders is the order value, margin % is over the order
        value, revenue is the order value less the credit notes: in total and
        in every row."""
        order = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_a, 500.0, datetime(2024, 3, 5, 9))
        self._order(self.seller_b, 300.0, datetime(2024, 3, 6, 9))
        self._refund(self._invoice(order, date(2024, 3, 5)), 200.0, date(2024, 3, 18))
        data = self._data()
        for figures in [data["kpis"]["current"], *data["by_salesperson"], *data["by_team"]]:
            self.assertAlmostEqual(figures["aov"] * figures["orders"], figures["order_value"])
            self.assertAlmostEqual(figures["margin_pct"] * figures["order_value"], figures["margin"])
            self.assertAlmostEqual(figures["revenue"], figures["order_value"] - figures["refunded"])
        current = data["kpis"]["current"]
        self.assertEqual(
            (current["order_value"], current["refunded"], current["revenue"]), (1800.0, 200.0, 1600.0)
        )
        self.assertAlmostEqual(current["aov"], 600.0)
        self.assertAlmostEqual(current["margin_pct"], (1800.0 - 3 * 40.0) / 1800.0)
        helps = {metric["key"]: metric["help"] for metric in data["metrics"]}
        self.assertTrue(all(helps.values()), "every card has its definition")
        self.assertIn("Order Value / Orders", helps["aov"])
        self.assertIn("Gross Margin / Order Value", helps["margin_pct"])

    @freeze_time(TODAY)
    def test_zero_denominators_have_no_value(self):
        """Ratios over nothing are False (shown "—"), never 0.0 % nor None."""
        self._credit_note(self.seller_a, self.team_1, 80.0, date(2024, 3, 18))  # no order
        data = self._data()
        for figure in RATIOS:
            self.assertIs(data["kpis"]["current"][figure], False, figure)
            self.assertIs(self._rows(data, "by_salesperson")[self.seller_a.id][figure], False, figure)
        self.assertIs(data["targets"]["totals"]["revenue"]["completion"], False)
        self.assertIs(data["targets"]["totals"]["revenue"]["pace"], False)


@tagged("post_install", "-at_install")
class TestCockpitMarshals(CockpitFiguresCommon):
    """Every public method returns what both JSON-RPC and XML-RPC carry: no
    None (XML-RPC: "cannot marshal None"), no date objects, string keys."""

    @freeze_time(TODAY)
    def test_public_methods_marshal_for_xmlrpc(self):
        order = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._refund(self._invoice(order, date(2024, 3, 5), pay=date(2024, 3, 6)), 100.0, date(2024, 3, 18))
        self._order(self.env["res.users"], 250.0, datetime(2024, 3, 9, 9), team=self.env["crm.team"])
        self._invoice(self._order(self.seller_b, 300.0, datetime(2024, 1, 9, 9)), date(2024, 1, 10))
        self.env["sales_plus.target"].create(
            {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 5000}
        )
        periods = (
            MARCH,
            {"period_type": "year", "date_from": "2024-01-01"},
            {"period_type": "year", "date_from": "2001-01-01"},  # empty: every ratio without value
        )
        for user in (self.manager, self.leader, self.seller_a):
            cockpit = (
                self.env["sales_plus.cockpit"]
                .with_user(user)
                .with_context(allowed_company_ids=self.company.ids)
            )
            for period in periods:
                filters = {"company_id": self.company.id, **period}
                results = [cockpit.get_cockpit_data(filters)]
                for metric in results[0]["metrics"]:
                    results.append(cockpit.get_drilldown_action(filters, metric["drill"]))
                for row in results[0]["by_salesperson"] + results[0]["by_team"]:
                    results.append(cockpit.get_drilldown_action(filters, "orders", row["key"]))
                results += [cockpit.action_export_xlsx(filters), cockpit.action_print_pdf(filters)]
                for result in results:
                    self.assertFalse(unmarshallable(result), f"{user.login} {period}")
                    # raises TypeError on None, a date, a non-string key...
                    xmlrpc.client.dumps((result,), allow_none=False)
