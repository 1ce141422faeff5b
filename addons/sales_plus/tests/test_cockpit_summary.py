# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cockpit's summary tables (models/sales_plus_cockpit_summary.py) against a
recomputation from scratch, after random sequences of what users and other
modules do to orders, invoices and payments."""

import random
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .test_cockpit import TODAY, CockpitCommon

YEAR = {"period_type": "year", "date_from": "2024-01-01"}
QUARTER = {"period_type": "quarter", "date_from": "2024-01-01"}
MONTH = {"period_type": "month", "date_from": "2024-03-01"}


@tagged("post_install", "-at_install")
class TestCockpitSummary(CockpitCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Summary = cls.env["sales_plus.cockpit.summary"]
        cls.company_2 = cls.setup_other_company(name="Summary Company 2")["company"]
        cls.sellers = cls.seller_a | cls.seller_b | cls.leader
        cls.teams = cls.team_1 | cls.team_2
        # EUR at another rate from February 2024: an order or invoice moved across
        # that date changes its amount in company currency (the rate of its date)
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "name": "2024-02-01", "rate": 2.5, "company_id": cls.company.id}
        )

    # helpers ---------------------------------------------------------------

    def _assert_summaries_equal(self, step):
        """Every summary table equals its recomputation from the documents."""
        for table, rows in self.Summary._differences().items():
            self.assertFalse(rows, f"after {step}: {table} differs from the documents: {rows[:6]}")

    def _assert_figures_equal(self, step):
        """The money part read from the summaries equals the same part read
        from the documents, figure by figure, for each role, period and
        timezone (Asia/Shanghai: days cut by the user's midnight)."""
        for user in (self.manager, self.leader, self.seller_a):
            for tz in ("UTC", "Asia/Shanghai"):
                for period in (YEAR, QUARTER, MONTH):
                    cockpit = self.env["sales_plus.cockpit"].with_user(user).with_context(tz=tz)
                    filters = {"company_id": self.company.id, **period}
                    summary = cockpit.get_cockpit_data(filters, part="money")
                    live = cockpit.with_context(sales_plus_cockpit_live=True).get_cockpit_data(
                        filters, part="money"
                    )
                    for key in ("kpis", "trend", "by_salesperson", "by_team", "targets"):
                        self.assertEqual(
                            summary[key], live[key], f"after {step}: {key} of {user.login} {tz} {period}"
                        )

    def _random_moment(self, rng):
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 455))
        return datetime(day.year, day.month, day.day, rng.choice((0, 7, 15, 16, 23)), rng.randrange(60))

    def _operations(self, rng, state):
        """One random operation on the documents of ``state``; its name."""
        # the ORM's own checks keep a document in its company: the company moves
        # are another module's SQL, and the ORM writes the documents of self.company
        orders = [o for o in state["orders"] if o.exists() and o.company_id == self.company]
        confirmed = [o for o in orders if o.state == "sale"]
        invoices = [i for i in state["invoices"] if i.exists() and i.company_id == self.company]
        posted = [i for i in invoices if i.state == "posted"]
        open_invoices = [i for i in posted if i.move_type == "out_invoice" and i.payment_state != "paid"]
        paid = [i for i in posted if i.payment_state in ("paid", "in_payment", "partial")]
        choices = ["order"]
        moved = [o for o in state["orders"] if o.exists() and o.company_id != self.company]
        if confirmed or moved:
            choices += ["company"]
        if confirmed:
            choices += ["invoice", "amount", "salesperson", "date", "cancel_order"]
        if posted:
            choices += ["invoice_salesperson", "cancel_invoice", "reset_invoice", "refund", "invoice_company"]
        if open_invoices:
            choices += ["pay", "pay", "due_date"]
        if paid:
            choices += ["unreconcile", "payment_date"]
        operation = rng.choice(choices)
        if operation == "order":
            order = self._order(
                rng.choice(self.sellers),
                rng.choice((80.0, 125.5, 333.33)),
                self._random_moment(rng),
                currency=rng.choice(("EUR", None)),
                confirm=rng.random() < 0.8,
            )
            state["orders"].append(order)
        elif operation == "invoice":
            order = rng.choice(confirmed)
            if order.invoice_status != "to invoice":
                return "nothing to invoice"
            when = order.date_order.date() + timedelta(days=rng.randrange(0, 20))
            state["invoices"].append(self._invoice(order, when))
        elif operation == "amount":
            line = rng.choice(confirmed).order_line[:1]
            line.write({"price_unit": rng.choice((10.0, 99.99, 500.0)), "purchase_price": 7.5})
        elif operation == "salesperson":
            order = rng.choice(confirmed)
            if rng.random() < 0.5:
                order.user_id = rng.choice(self.sellers)
            else:
                order.team_id = rng.choice([*self.teams, self.env["crm.team"]])
        elif operation == "date":
            rng.choice(confirmed).date_order = self._random_moment(rng)
        elif operation == "cancel_order":
            order = rng.choice(confirmed)
            if order.invoice_ids:
                return "invoiced order kept"
            order._action_cancel()
        elif operation == "company":
            # another module's SQL (an import, a migration) moving a document
            order = rng.choice(moved + confirmed)
            company = self.company_2 if order.company_id == self.company else self.company
            self.env.cr.execute(
                SQL("UPDATE sale_order SET company_id = %s WHERE id = %s", company.id, order.id)
            )
            order.invalidate_recordset(["company_id"])
        elif operation == "invoice_salesperson":
            invoice = rng.choice(posted)
            if rng.random() < 0.5:
                invoice.invoice_user_id = rng.choice(self.sellers)
            else:
                invoice.team_id = rng.choice([*self.teams, self.env["crm.team"]])
        elif operation == "cancel_invoice":
            invoice = rng.choice(posted)
            invoice.button_draft()
            invoice.button_cancel()
        elif operation == "reset_invoice":
            invoice = rng.choice(posted)
            invoice.button_draft()
            # another date of the same year (its number keeps the year)
            moved = invoice.invoice_date + timedelta(days=rng.randrange(-40, 40))
            if moved.year == invoice.invoice_date.year:
                invoice.invoice_date = moved
            invoice.action_post()
        elif operation == "refund":
            invoice = rng.choice([i for i in posted if i.move_type == "out_invoice"] or posted)
            if invoice.move_type != "out_invoice":
                return "no invoice to credit"
            when = invoice.invoice_date + timedelta(days=rng.randrange(0, 30))
            state["invoices"].append(self._refund(invoice, rng.choice((5.0, 20.0)), when))
        elif operation == "invoice_company":
            invoice = rng.choice(
                posted + [i for i in state["invoices"] if i.exists() and i.company_id != self.company]
            )
            company = self.company_2 if invoice.company_id == self.company else self.company
            self.env.cr.execute(
                SQL("UPDATE account_move SET company_id = %s WHERE id = %s", company.id, invoice.id)
            )
            invoice.invalidate_recordset(["company_id"])
        elif operation == "pay":
            invoice = rng.choice(open_invoices)
            amount = invoice.amount_residual * rng.choice((1.0, 0.5))
            when = invoice.invoice_date + timedelta(days=rng.randrange(0, 60))
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": when, "amount": amount})._create_payments()
        elif operation == "due_date":
            invoice = rng.choice(open_invoices)
            invoice.line_ids.filtered("date_maturity").date_maturity = invoice.invoice_date + timedelta(
                days=rng.randrange(0, 45)
            )
        elif operation == "unreconcile":
            invoice = rng.choice(paid)
            invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")[
                :1
            ].remove_move_reconcile()
        elif operation == "payment_date":
            # a payment moved to another date: the matching's date follows
            invoice = rng.choice(paid)
            payments = invoice.matched_payment_ids or invoice._get_reconciled_payments()
            payment = payments[:1]
            if not payment:
                return "no payment"
            payment.action_draft()
            payment.date = payment.date + timedelta(days=rng.randrange(1, 20))
            payment.action_post()
            lines = (invoice.line_ids | payment.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            if len(lines) > 1:
                lines.reconcile()
        return operation

    # tests -----------------------------------------------------------------

    @freeze_time(TODAY)
    def test_random_writes_keep_summaries_equal_to_documents(self):
        """Random sequences of order, invoice, credit note and payment writes
        (through the ORM, and another module's SQL): after each one every
        summary table equals a recomputation from scratch; now and then the
        money figures from the summaries equal those read from the documents
        for a manager, a team leader and a salesperson."""
        done = set()
        for seed in (1, 2, 3):
            rng = random.Random(seed)
            state = {"orders": [], "invoices": []}
            for step in range(30):
                operation = self._operations(rng, state)
                done.add(operation)
                self._assert_summaries_equal(f"seed {seed} step {step} ({operation})")
                if step % 10 == 9:
                    self._assert_figures_equal(f"seed {seed} step {step} ({operation})")
        # the sequences went through every kind of write
        for operation in ("order", "invoice", "amount", "cancel_order", "refund", "pay", "unreconcile"):
            self.assertIn(operation, done)

    @freeze_time(TODAY)
    def test_summaries_not_equal_are_seen_and_rebuilt(self):
        """The check sees a summary that drifted from the documents; the
        administrator's rebuild makes it equal again; nobody else may."""
        order = self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9))
        self._invoice(order, date(2024, 3, 5), pay=date(2024, 3, 6))
        self._assert_summaries_equal("setup")
        for table, column in (
            ("sales_plus_cockpit_order_day", "revenue"),
            ("sales_plus_cockpit_move_day", "untaxed"),
            ("sales_plus_cockpit_payment", "amount"),
            ("sales_plus_cockpit_payment_day", "amount"),
        ):
            self.env.cr.execute(
                SQL("UPDATE %s SET %s = %s + 1", SQL.identifier(table), *[SQL.identifier(column)] * 2)
            )
        differences = self.Summary._differences()
        self.assertTrue(all(differences.values()), differences)
        with self.assertRaises(AccessError):
            self.Summary.with_user(self.manager)._rebuild()
        self.Summary._rebuild()
        self._assert_summaries_equal("rebuild")

    @freeze_time(TODAY)
    def test_rule_on_another_field_reads_the_documents(self):
        """A record rule the summaries cannot apply (an integrator's rule on the
        customer's country) makes the cockpit read the documents: the
        salesperson sees only what the rule lets them read."""
        self._order(self.seller_a, 100.0, datetime(2024, 3, 4, 9), partner=self.customer_us)
        self._order(self.seller_a, 30.0, datetime(2024, 3, 5, 9), partner=self.customer_cn)
        cockpit = self.env["sales_plus.cockpit"].with_user(self.seller_a)
        filters = {"company_id": self.company.id, **MONTH}
        self.assertEqual(cockpit.get_cockpit_data(filters, part="money")["kpis"]["current"]["revenue"], 130.0)
        # the rules of Sales read the company and the salesperson: the summaries apply
        normalized = cockpit._normalize_filters(filters)
        self.assertIsNotNone(cockpit._scope_sql(normalized, "sale.order", "s", summary=True))
        self.env["ir.rule"].create(
            {
                "name": "US customers only",
                "model_id": self.env.ref("sale.model_sale_order").id,
                "domain_force": "[('partner_id.country_id.code', '=', 'US')]",
            }
        )
        self.assertIsNone(
            cockpit._scope_sql(cockpit._normalize_filters(filters), "sale.order", "s", summary=True)
        )
        self.assertEqual(cockpit.get_cockpit_data(filters, part="money")["kpis"]["current"]["revenue"], 100.0)
        self.assertEqual(
            cockpit.with_context(sales_plus_cockpit_live=True).get_cockpit_data(filters, part="money")[
                "kpis"
            ],
            cockpit.get_cockpit_data(filters, part="money")["kpis"],
        )
