# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sales_plus.services import local_date
from odoo.addons.sales_plus.tools import LOCK_RFM_REGRADE as RFM_LOCK_KEY
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SalesPlusCommon

NOW = "2025-06-30 10:00:00"


class RfmCommon(SalesPlusCommon):
    """A company of its own (no demo data in it), customers with orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # grading reads confirmed orders whatever their price: no price policy here
        # (zero and negative totals would otherwise wait for a price approval)
        cls.env["sales_plus.price.rule"].search([]).action_archive()
        cls.Grade = cls.env["sales_plus.rfm.grade"]
        cls.company_a = cls.env["res.company"].create(
            {"name": "RFM Company A", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.env.user.company_ids += cls.company_a
        for user in (*cls.sp_users.values(), cls.plain_salesman, cls.system_admin):
            user.company_ids += cls.company_a
        cls.segment = {
            name: cls.env.ref(f"sales_plus.rfm_segment_{name}")
            for name in (
                "champions",
                "loyal",
                "potential_loyalist",
                "new",
                "promising",
                "need_attention",
                "about_to_sleep",
                "cant_lose",
                "at_risk",
                "hibernating",
                "lost",
                "no_recent_purchase",
            )
        }

    @classmethod
    def _customers(cls, count, user=None, prefix="Customer"):
        return cls.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "is_company": True, "user_id": user.id if user else False}
                for index in range(count)
            ]
        )

    @classmethod
    def _orders(cls, specs, company=None, confirm=True):
        """``specs``: (partner, untaxed amount, days ago[, pricelist])."""
        company = company or cls.company_a
        SaleOrder = cls.env["sale.order"].with_company(company)
        orders = SaleOrder.create(
            [
                {
                    "partner_id": spec[0].id,
                    "company_id": company.id,
                    "pricelist_id": spec[3].id if len(spec) > 3 else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.service_product.id,
                                "product_uom_qty": 1,
                                "price_unit": spec[1],
                            }
                        )
                    ],
                }
                for spec in specs
            ]
        )
        if confirm:
            orders.action_confirm()
        now = fields.Datetime.now()
        for order, spec in zip(orders, specs, strict=True):
            order.date_order = now - timedelta(days=spec[2])
        return orders

    def _regrade(self, company=None):
        return self.Grade.sudo()._regrade_company(company or self.company_a)

    def _grade(self, partner, company=None):
        return self.Grade.sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company_a).id)]
        )

    def _config(self, company=None):
        return self.env["sales_plus.rfm.config"]._get_for_company(company or self.company_a)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRfmGrading(RfmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.sp_users["user"]
        # ten customers, from the best to the worst; customer 0 buys through a child contact
        cls.customers = cls._customers(10, user=cls.salesperson)
        cls.contact = cls.env["res.partner"].create({"name": "Buyer", "parent_id": cls.customers[0].id})
        specs = []
        for index, customer in enumerate(cls.customers[:9]):
            buyer = cls.contact if index == 0 else customer
            for n in range(10 - index):
                specs.append((buyer, 1000.0 * (10 - index), 3 + 10 * index + 30 * n))
        # the tenth customer last ordered 400 days ago: outside the window
        specs.append((cls.customers[9], 500.0, 400))
        cls.orders = cls._orders(specs)

    def test_happy_path(self):
        result = self._regrade()
        self.assertEqual(result["graded"], 10)
        best, worst, sleeping = self.customers[0], self.customers[8], self.customers[9]
        grade = self._grade(best)
        # the child contact's orders roll up to the company
        self.assertFalse(self._grade(self.contact))
        self.assertEqual(grade.frequency, 10, "orders of the last 365 days (3 to 273 days ago)")
        self.assertEqual(grade.monetary, 100000.0)
        self.assertEqual(grade.last_order_date, fields.Date.to_date("2025-06-27"))
        self.assertEqual(grade.recency_days, 3)
        self.assertEqual((grade.r_score, grade.f_score, grade.m_score), (5, 5, 5))
        self.assertEqual(grade.segment_id, self.segment["champions"])
        self.assertEqual(grade.abc_class, "a")
        self.assertEqual(grade.median_gap_days, 30.0)
        self.assertFalse(grade.is_dormant)
        self.assertEqual(grade.user_id, self.salesperson)
        low = self._grade(worst)
        self.assertEqual((low.r_score, low.f_score, low.m_score), (1, 1, 1))
        self.assertEqual(low.segment_id, self.segment["lost"])
        self.assertEqual(low.abc_class, "c")
        self.assertTrue(low.is_dormant, "two orders 30 days apart, the last 83 days ago")
        # no order in the window: not scored, classed No Recent Purchase, last order kept
        gone = self._grade(sleeping)
        self.assertEqual((gone.frequency, gone.r_score, gone.f_score, gone.m_score), (0, 0, 0, 0))
        self.assertEqual(gone.segment_id, self.segment["no_recent_purchase"])
        self.assertEqual(gone.last_order_date, fields.Date.to_date("2024-05-26"))
        self.assertTrue(gone.is_dormant)
        # every segment change has a history row
        self.assertEqual(
            self.env["sales_plus.rfm.history"].search_count([("company_id", "=", self.company_a.id)]), 10
        )

    def test_worst_customer_dormancy_by_rhythm(self):
        self._regrade()
        # customer 8: two orders 30 days apart, the last 83 days ago
        self.assertTrue(self._grade(self.customers[8]).is_dormant, "83 > 2 x 30")
        config = self._config()
        config.write({"dormancy_factor": 3.0, "dormancy_ceiling_days": 0})
        self._regrade()
        self.assertFalse(self._grade(self.customers[8]).is_dormant, "83 < 3 x 30, no ceiling")
        config.dormancy_ceiling_days = 80
        self._regrade()
        self.assertTrue(self._grade(self.customers[8]).is_dormant, "83 > ceiling of 80 days")
        # customer 1 orders every 30 days, last 13 days ago: dormant past 2 x 30 days
        config.write({"dormancy_factor": 2.0, "dormancy_ceiling_days": 365})
        with freeze_time("2025-08-20 10:00:00"):
            self._regrade()
            self.assertTrue(self._grade(self.customers[1]).is_dormant)

    def test_partner_fields_search_and_group_by(self):
        self._regrade()
        Partner = self.env["res.partner"].with_company(self.company_a)
        best = self.customers[0].with_company(self.company_a)
        self.assertEqual(best.rfm_segment_id, self.segment["champions"])
        self.assertEqual(best.rfm_abc_class, "a")
        self.assertEqual(self.contact.with_company(self.company_a).rfm_segment_id, self.segment["champions"])
        self.assertEqual(best.rfm_history_ids.new_segment_id, self.segment["champions"])
        found = Partner.search([("rfm_segment_id", "=", self.segment["champions"].id)])
        self.assertIn(best, found)
        self.assertNotIn(self.customers[8], found)
        self.assertIn(self.customers[9], Partner.search([("rfm_is_dormant", "=", True)]))
        self.assertNotIn(best, Partner.search([("rfm_abc_class", "!=", "a")]))
        groups = dict(
            Partner._read_group([("id", "in", self.customers.ids)], ["rfm_segment_id"], ["__count"])
        )
        self.assertEqual(groups[self.segment["champions"]], 1)
        self.assertEqual(groups[self.segment["no_recent_purchase"]], 1)
        self.assertTrue(Partner.fields_get(["rfm_segment_id"])["rfm_segment_id"]["groupable"])
        # the sale order shows the customer's grade in its company
        order = self.orders.filtered(lambda o: o.partner_id == self.contact)[:1]
        self.assertEqual(order.rfm_segment_id, self.segment["champions"])
        self.assertEqual(order.rfm_abc_class, "a")
        # in another company the customer is not graded
        self.assertFalse(best.with_company(self.env.ref("base.main_company")).rfm_segment_id)

    def test_quintile_formula_is_ntile(self):
        """A value's score read off the tile starts is the NTILE(5) of the last
        row of its tie, for any row count and with ties."""
        for count in range(1, 24):
            self.env.cr.execute(
                SQL(
                    """
                    WITH v AS (
                        -- values with ties: g / 3 repeats each value three times
                        SELECT g / 3 AS value FROM generate_series(1, %(n)s) g
                    ),
                    expected AS (
                        SELECT value, MAX(tile) AS tile
                          FROM (SELECT value, NTILE(5) OVER (ORDER BY value) AS tile FROM v) t
                         GROUP BY value
                    ),
                    sorted AS (
                        SELECT array_agg(value ORDER BY value) AS vals, COUNT(*)::integer AS counted FROM v
                    ),
                    starts AS (SELECT vals, %(starts)s AS p FROM sorted)
                    SELECT bool_and(
                               e.tile = 1 + (SELECT COUNT(*) FROM generate_series(1, 4) k
                                              WHERE e.value >= s.vals[s.p[k]]))
                      FROM expected e CROSS JOIN starts s
                    """,
                    n=count,
                    starts=self.Grade._rfm_tile_starts_sql(SQL.identifier("sorted", "counted")),
                )
            )
            self.assertTrue(self.env.cr.fetchone()[0], f"{count} rows")

    def test_order_dates_are_postgresql_local_dates(self):
        """The local order dates the regrade reads equal PostgreSQL's conversion,
        whether the zone takes the fixed-offset shortcut or not, from 1900 to
        2040 and every ten minutes around the zone's last change."""
        now = fields.Datetime.now()
        shortcut = {"UTC": True, "Etc/GMT-8": True, "Asia/Shanghai": True, "Europe/Paris": False}
        for tz in (
            *shortcut,
            "Asia/Taipei",
            "Asia/Hong_Kong",
            "Asia/Kolkata",
            "Asia/Almaty",
            "America/Mexico_City",
        ):
            fixed = local_date.fixed_offset(tz, now)
            local = self.Grade._rfm_local_date_sql(SQL.identifier("t", "ts"), tz, now)
            if tz in shortcut:
                self.assertEqual("+" in local.code, shortcut[tz], tz)
            self.env.cr.execute(
                SQL(
                    """
                    WITH t AS (
                        SELECT ts FROM generate_series(timestamp '1900-01-01', timestamp '2040-01-01',
                                                       interval '1 day 1 hour 7 minutes') ts
                        UNION ALL
                        SELECT ts FROM generate_series(%(around)s::timestamp - interval '2 days',
                                                       %(around)s::timestamp + interval '2 days',
                                                       interval '10 minutes') ts
                    )
                    SELECT COUNT(*) FILTER (WHERE %(local)s IS DISTINCT FROM
                                                  (t.ts AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date),
                           COUNT(*)
                      FROM t
                    """,
                    around=(fixed and fixed[0]) or now,
                    local=local,
                    tz=tz,
                )
            )
            wrong, total = self.env.cr.fetchone()
            self.assertGreater(total, 40000)
            self.assertEqual(wrong, 0, tz)

    def test_pareto_read_off_sorted_amounts(self):
        """The ABC classes read off the sorted amounts are those of the Pareto
        window over whole rows (revenue ranked above the customer, in ascending
        order of amount, ties by partner), with ties at the class boundaries,
        zero and negative amounts and customers without an order in the window."""
        Config = self.env["sales_plus.rfm.config"]
        split_ties = 0
        for a_pct, b_pct in ((80.0, 15.0), (50.0, 30.0), (20.0, 20.0), (100.0, 0.0), (0.0, 100.0)):
            config = Config.new({"abc_a_percent": a_pct, "abc_b_percent": b_pct})
            for count in (1, 2, 3, 5, 8, 13, 21, 34, 55):
                self.env.cr.execute(
                    SQL(
                        """
                        WITH base AS (
                            -- few distinct amounts (many ties), some zero or negative,
                            -- every eleventh customer without an order in the window
                            SELECT g AS partner_id, NULL::integer AS user_id, NULL::integer AS team_id,
                                   NULL::date AS last_order_date, g %% 7 AS recency,
                                   CASE WHEN g %% 11 = 0 THEN 0 ELSE 1 + g %% 3 END AS frequency,
                                   (((g * 37) %% 13) - 2)::numeric * 100 AS monetary,
                                   NULL::double precision AS median_gap_days
                              FROM generate_series(1, %(n)s) g
                        ),
                        %(scored)s,
                        expected AS (
                            SELECT partner_id,
                                   CASE WHEN frequency = 0 THEN NULL
                                        WHEN total <= 0 OR monetary <= 0 THEN 'c'
                                        WHEN 100 * before < %(a)s * total THEN 'a'
                                        WHEN 100 * before < %(ab)s * total THEN 'b'
                                        ELSE 'c' END AS abc
                              FROM (SELECT base.*,
                                           SUM(GREATEST(monetary, 0)) OVER whole
                                             - SUM(GREATEST(monetary, 0)) OVER (
                                                   whole ORDER BY monetary, partner_id DESC
                                                   ROWS UNBOUNDED PRECEDING) AS before,
                                           SUM(GREATEST(monetary, 0)) OVER whole AS total
                                      FROM base
                                    WINDOW whole AS (PARTITION BY frequency > 0)) w
                        )
                        SELECT COUNT(*) FILTER (WHERE s.abc_class IS DISTINCT FROM e.abc), COUNT(*),
                               -- a class boundary inside a group of equal amounts
                               (SELECT COALESCE(pa > sa, FALSE) OR COALESCE(pab > sab, FALSE)
                                  FROM pareto_cuts)
                          FROM scored s JOIN expected e ON e.partner_id = s.partner_id
                        """,
                        n=count,
                        scored=self.Grade._rfm_scored_sql(("ntile", None), False, config),
                        a=a_pct,
                        ab=a_pct + b_pct,
                    )
                )
                wrong, total, split_tie = self.env.cr.fetchone()
                self.assertEqual(total, count)
                self.assertEqual(wrong, 0, f"A {a_pct}%, B {b_pct}%, {count} customers")
                split_ties += split_tie
        self.assertGreater(split_ties, 5, "the data puts class boundaries inside ties")

    def test_second_regrade_writes_nothing(self):
        self._regrade()
        history = self.env["sales_plus.rfm.history"].search_count([])
        result = self._regrade()
        self.assertEqual((result["changed"], result["removed"], result["activities"]), (0, 0, 0))
        self.assertEqual(self.env["sales_plus.rfm.history"].search_count([]), history)

    def test_orders_without_lines_zero_negative_cancelled(self):
        customers = self._customers(4, prefix="Edge")
        no_lines = (
            self.env["sale.order"]
            .with_company(self.company_a)
            .create({"partner_id": customers[0].id, "company_id": self.company_a.id})
        )
        # an order without lines cannot be confirmed in the UI; confirmed anyway it counts with 0
        no_lines.write({"state": "sale", "date_order": fields.Datetime.now() - timedelta(days=5)})
        self._orders([(customers[1], 0.0, 5), (customers[2], -250.0, 5), (customers[2], 100.0, 8)])
        cancelled = self._orders([(customers[3], 999.0, 5)])
        cancelled._action_cancel()
        self._orders([(customers[3], 777.0, 6)], confirm=False)  # a quotation
        self._regrade()
        self.assertEqual((self._grade(customers[0]).frequency, self._grade(customers[0]).monetary), (1, 0.0))
        self.assertEqual(self._grade(customers[1]).monetary, 0.0)
        self.assertEqual(self._grade(customers[1]).abc_class, "c")
        self.assertEqual(self._grade(customers[2]).monetary, -150.0)
        self.assertEqual(self._grade(customers[2]).abc_class, "c")
        self.assertFalse(self._grade(customers[3]), "cancelled orders and quotations are not graded")

    def test_currency_without_rate_on_the_date(self):
        cny = self.env.ref("base.CNY")
        cny.active = True
        self.env["res.currency.rate"].create(
            [
                {"currency_id": cny.id, "company_id": self.company_a.id, "name": "2025-01-01", "rate": 8.0},
                {"currency_id": cny.id, "company_id": self.company_a.id, "name": "2025-06-01", "rate": 5.0},
            ]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "CNY", "currency_id": cny.id, "company_id": self.company_a.id}
        )
        customer = self._customers(1, prefix="Yuan")
        # 2025-03-22: no rate that day, the nearest earlier one (8.0) applies
        orders = self._orders([(customer, 800.0, 100, pricelist), (customer, 500.0, 10, pricelist)])
        self.assertEqual(orders.currency_id, cny)
        self._regrade()
        self.assertEqual(self._grade(customer).monetary, 100.0 + 100.0)
        # an order whose stored rate is missing: the nearest earlier rate of the table
        self.env.cr.execute(SQL("UPDATE sale_order SET currency_rate = 0 WHERE id = %s", orders[0].id))
        self.env["sale.order"].invalidate_model(["currency_rate"])
        self._regrade()
        self.assertEqual(self._grade(customer).monetary, 200.0)
        # a rate date before every rate: never crashes
        self.env.cr.execute(
            SQL("UPDATE sale_order SET date_order = '2024-12-01' WHERE id = %s", orders[0].id)
        )
        self._regrade()
        self.assertTrue(self._grade(customer))

    def test_archived_and_merged_partners(self):
        self._regrade()
        self.customers[7].action_archive()
        result = self._regrade()
        self.assertEqual(result["removed"], 1)
        self.assertFalse(self._grade(self.customers[7]))
        # merge customer 6 into customer 5: the orders follow, the grades too
        wizard = self.env["base.partner.merge.automatic.wizard"]
        wizard._merge((self.customers[5] | self.customers[6]).ids, self.customers[5], extra_checks=False)
        self.assertFalse(self.customers[6].exists())
        self._regrade()
        self.assertEqual(self._grade(self.customers[5]).frequency, 5 + 4)

    def test_two_companies_two_currencies(self):
        company_b = self.env["res.company"].create(
            {"name": "RFM Company B", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env.user.company_ids += company_b
        others = self._customers(4, prefix="B")
        best = self.customers[0]
        self._orders(
            [(best, 10.0, 300)]
            + [(c, 1000.0 * (i + 1), 5 + i) for i, c in enumerate(others) for _n in range(3)],
            company=company_b,
        )
        self._regrade()
        self._regrade(company_b)
        self.assertEqual(self._grade(best).segment_id, self.segment["champions"])
        grade_b = self._grade(best, company_b)
        self.assertEqual(grade_b.segment_id, self.segment["lost"])
        self.assertEqual(grade_b.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(grade_b.monetary, 10.0)
        self.assertEqual(best.with_company(company_b).rfm_segment_id, self.segment["lost"])

    def test_fixed_thresholds(self):
        config = self._config()
        config.scoring_method = "thresholds"
        self._regrade()
        grade = self._grade(self.customers[0])
        # recency 3 days -> 5; 10 orders -> 5; 100,000 -> 5
        self.assertEqual((grade.r_score, grade.f_score, grade.m_score), (5, 5, 5))
        grade = self._grade(self.customers[4])  # 6 orders, last 43 days ago, 36,000
        self.assertEqual((grade.r_score, grade.f_score, grade.m_score), (4, 4, 4))
        self.assertEqual(grade.segment_id, self.segment["loyal"])

    def test_single_customer_regrade(self):
        self._regrade()
        customer = self.customers[8]
        self.assertEqual(self._grade(customer).segment_id, self.segment["lost"])
        self._orders([(customer, 50000.0, 1)] * 9)
        partner = customer.with_user(self.salesperson).with_company(self.company_a)
        partner.action_rfm_regrade()
        grade = self._grade(customer)
        self.assertEqual(grade.frequency, 2 + 9)
        self.assertEqual((grade.r_score, grade.f_score), (5, 5))
        self.assertEqual(grade.segment_id, self.segment["champions"])
        self.assertEqual(grade.abc_class, "a")
        # the others keep their grade; another salesperson's customer cannot be regraded
        other = self._customers(1, user=self.sp_users["admin"], prefix="Not mine")
        with self.assertRaises(AccessError):
            other.with_user(self.salesperson).with_company(self.company_a).action_rfm_regrade()

    def test_single_customer_regrade_keeps_the_full_run_scores(self):
        """With no new order, regrading each customer alone against the kept
        boundaries gives the scores and class of the full run, by quintiles
        (boundaries from the cuts) and by fixed thresholds (the thresholds)."""
        config = self._config()
        for method in ("quantile", "thresholds"):
            config.scoring_method = method
            self._regrade()
            graded = self.Grade.sudo().search([("company_id", "=", self.company_a.id), ("frequency", ">", 0)])
            self.assertGreater(len(graded), 5)
            full = {g.partner_id: (g.r_score, g.f_score, g.m_score, g.abc_class) for g in graded}
            for partner in full:
                self.Grade.sudo()._regrade_partners(partner, self.company_a)
            self.env.invalidate_all()
            alone = {g.partner_id: (g.r_score, g.f_score, g.m_score, g.abc_class) for g in graded}
            self.assertEqual(alone, full, method)

    def test_single_customer_regrade_needs_a_full_run(self):
        with self.assertRaises(UserError):
            self.customers[0].with_company(self.company_a).action_rfm_regrade()

    def test_single_customer_regrade_query_count(self):
        self._regrade()
        self._orders([(self.customers[3], 10.0, 1)])
        self.env.flush_all()
        customer = self.customers[3]
        # at most 10 queries from cold caches (configuration, company, currency
        # read), every time: the order confirmation in between (stock alert scan)
        # may evict caches, so both runs start cold
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            result = self.Grade.sudo()._regrade_partners(customer, self.company_a)
        self.assertEqual(result["changed"], 1)
        self._orders([(self.customers[3], 10.0, 1)])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            result = self.Grade.sudo()._regrade_partners(customer, self.company_a)
        self.assertEqual(result["changed"], 1)

    def test_history_notification_and_one_win_back_activity(self):
        config = self._config()
        config.scoring_method = "thresholds"
        customer = self._customers(1, user=self.salesperson, prefix="Slipping")
        # four orders 30 days apart, last 10 days ago: R5 F3 -> Potential Loyalist
        self._orders([(customer, 2000.0, 10 + 30 * n) for n in range(4)])
        self._regrade()
        grade = self._grade(customer)
        self.assertEqual(grade.segment_id, self.segment["potential_loyalist"])
        self.assertFalse(grade.is_dormant)
        Message = self.env["mail.message"]
        notices = [
            ("partner_ids", "in", self.salesperson.partner_id.ids),
            ("subject", "=", "Customers to win back"),
        ]
        self.assertFalse(Message.search_count(notices))
        with freeze_time("2026-01-16 10:00:00"):
            # 210 days later: R2 F3 -> At Risk, and dormant (210 > 2 x 30)
            self._regrade()
            grade = self._grade(customer)
            self.assertEqual(grade.segment_id, self.segment["at_risk"])
            self.assertTrue(grade.is_dormant)
            move = self.env["sales_plus.rfm.history"].search([("partner_id", "=", customer.id)], limit=1)
            self.assertEqual(move.old_segment_id, self.segment["potential_loyalist"])
            self.assertEqual(move.new_segment_id, self.segment["at_risk"])
            self.assertEqual((move.r_score, move.f_score), (2, 3))
            self.assertEqual(Message.search_count(notices), 1)
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", customer.id),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref("sales_plus.mail_activity_type_sales_plus_win_back").id,
                    ),
                ]
            )
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.salesperson)
            # becoming dormant again while the activity is open: no second one
            self.env.cr.execute(
                SQL("UPDATE sales_plus_rfm_grade SET is_dormant = FALSE WHERE id = %s", grade.id)
            )
            result = self._regrade()
            self.assertEqual(result["activities"], 0)
            self.assertEqual(customer.activity_ids, activities)
            # once done, the next time it becomes dormant gets a new one
            activities.action_feedback(feedback="Called")
            self.env.cr.execute(
                SQL("UPDATE sales_plus_rfm_grade SET is_dormant = FALSE WHERE id = %s", grade.id)
            )
            self.assertEqual(self._regrade()["activities"], 1)
            self.assertEqual(Message.search_count(notices), 1, "no new segment move, no new notice")

    def test_bad_inputs_are_refused_and_nothing_written(self):
        config = self._config().with_user(self.sp_users["admin"])
        for vals in (
            {"window_days": 0},
            {"window_days": -5},
            {"window_days": 3651},
            {"dormancy_factor": 0},
            {"dormancy_factor": -1},
            {"dormancy_ceiling_days": -1},
            {"abc_a_percent": 70.0},
            {"abc_c_percent": -5.0, "abc_b_percent": 25.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError), self.env.cr.savepoint():
                config.write(vals)
            config.invalidate_recordset()
            self.assertEqual(
                (config.window_days, config.dormancy_factor, config.abc_a_percent),
                (365, 2.0, 80.0),
            )
        lines = {line.score: line for line in config.threshold_ids}
        for score, vals in (
            (4, {"frequency_to": 12}),  # overlaps score 5 starting at 10
            (4, {"frequency_to": 8}),  # gap up to 10
            (3, {"recency_from": 100}),  # gap after 90
            (2, {"monetary_from": 500, "monetary_to": 400}),  # empty range
        ):
            with self.subTest(score=score, vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    config.write({"threshold_ids": [Command.update(lines[score].id, vals)]})
        # a direct write on a threshold line is checked the same way
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            lines[2].with_user(self.sp_users["admin"]).recency_to = 300
        config.invalidate_recordset()
        self.assertEqual(config._rfm_threshold_bounds()["frequency"], [2, 3, 5, 10])
        # a consistent change of two adjacent ranges in one save is accepted
        config.write(
            {
                "threshold_ids": [
                    Command.update(lines[4].id, {"frequency_to": 12}),
                    Command.update(lines[5].id, {"frequency_from": 12}),
                ]
            }
        )
        self.assertEqual(config._rfm_threshold_bounds()["frequency"], [2, 3, 5, 12])
        segment = self.segment["loyal"].with_user(self.sp_users["admin"])
        for vals in ({"r_min": 0}, {"f_max": 6}, {"m_min": 4, "m_max": 2}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError), self.env.cr.savepoint():
                segment.write(vals)
        segment.invalidate_recordset()
        self.assertEqual((segment.r_min, segment.f_max, segment.m_min, segment.m_max), (3, 5, 1, 5))

    def test_segment_in_use_cannot_be_deleted(self):
        self._regrade()
        with self.assertRaises(ValidationError):
            self.segment["champions"].unlink()

    def test_access_per_role(self):
        team = self.env["crm.team"].create(
            {
                "name": "RFM Team",
                "company_id": self.company_a.id,
                "user_id": self.sp_users["team_leader"].id,
                "member_ids": [Command.set(self.salesperson.ids)],
            }
        )
        colleague = new_test_user(
            self.env,
            login="rfm_colleague",
            groups="base.group_user,sales_plus.group_sales_plus_user",
            company_ids=[Command.set(self.company_a.ids)],
            company_id=self.company_a.id,
        )
        theirs = self._customers(2, user=colleague, prefix="Colleague")
        self._orders([(theirs[0], 100.0, 3), (theirs[1], 200.0, 4)])
        self.salesperson.invalidate_recordset(["sale_team_id"])
        self.assertEqual(self.salesperson.sale_team_id, team)
        self._regrade()
        all_grades = self.Grade.sudo().search([("company_id", "=", self.company_a.id)])
        mine = all_grades.filtered(lambda g: g.user_id == self.salesperson)
        self.assertEqual(len(mine), 10)

        def visible(user):
            return (
                self.Grade.with_user(user)
                .with_company(self.company_a)
                .search([("company_id", "=", self.company_a.id)])
            )

        self.assertEqual(visible(self.salesperson), mine)
        self.assertEqual(visible(colleague), all_grades - mine)
        self.assertEqual(visible(self.sp_users["team_leader"]), mine, "the team of the salesperson")
        self.assertEqual(visible(self.sp_users["manager"]), all_grades)
        with self.assertRaises(AccessError):
            visible(self.plain_salesman)
        with self.assertRaises(AccessError):
            (all_grades - mine)[:1].with_user(self.salesperson).read(["monetary"])
        # the partner fields and their SQL (search, group by) only show readable grades
        Partner = self.env["res.partner"].with_user(self.salesperson).with_company(self.company_a)
        self.assertFalse(Partner.browse(theirs[0].id).rfm_segment_id)
        self.assertTrue(Partner.browse(self.customers[0].id).rfm_segment_id)
        counted = sum(
            count
            for segment, count in Partner._read_group(
                [("id", "in", (self.customers | theirs).ids)], ["rfm_segment_id"], ["__count"]
            )
            if segment
        )
        self.assertEqual(counted, 10)
        self.assertNotIn(theirs[0], Partner.search([("rfm_segment_id", "!=", False)]))
        self.assertFalse(Partner.browse(theirs[0].id).rfm_history_ids)
        # the XLSX export only exports what the user may read
        report = self.env["ir.actions.report"].with_user(self.salesperson).with_company(self.company_a)
        content, report_type = report._render("sales_plus.sales_plus_rfm_grade_report_xlsx", mine.ids)
        self.assertEqual(report_type, "xlsx")
        self.assertTrue(content.startswith(b"PK"))
        with self.assertRaises(AccessError):
            report._render("sales_plus.sales_plus_rfm_grade_report_xlsx", (all_grades - mine).ids)
        # configuration: the Sales Plus administrator, without Odoo settings rights
        admin = self.sp_users["admin"]
        self.assertFalse(admin.has_group("base.group_system"))
        self._config().with_user(admin).window_days = 180
        self.segment["new"].with_user(admin).color = 3
        for user in (self.salesperson, self.sp_users["manager"]):
            with self.assertRaises(AccessError):
                self._config().with_user(user).window_days = 200
            with self.assertRaises(AccessError):
                self.segment["new"].with_user(user).color = 4
        with self.assertRaises(AccessError):
            self._config().with_user(self.sp_users["manager"]).action_regrade_now()
        action = self._config().with_user(admin).action_regrade_now()
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(self._config().regrade_state, "queued")

    def test_lock(self):
        """A second regrade of the same company is refused while one runs;
        the regrade never locks or writes sale orders."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
            try:
                with self.assertRaises(UserError):
                    self._regrade()
                self.assertTrue(
                    self.Grade.sudo()._regrade_company(self.company_a, raise_if_locked=False)["skipped"]
                )
                with self.assertRaises(UserError):
                    self.Grade.sudo()._regrade_partners(self.customers[0], self.company_a)
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
        queries = []
        with self._capture_queries(queries):
            self._regrade()
        for query in queries:
            normalized = " ".join(query.lower().split())
            self.assertNotIn("for update", normalized)
            self.assertNotIn("update sale_order", normalized)
            self.assertNotIn("for share", normalized)

    def _set_not_dormant(self, grade):
        self.env.cr.execute(SQL("UPDATE sales_plus_rfm_grade SET is_dormant = FALSE WHERE id = %s", grade.id))

    @contextmanager
    def _capture_queries(self, queries):
        yield from self._patchExecute(queries, True)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRfmRegradeNow(RfmCommon):
    """Regrade Now queues the companies for the regrade cron, which grades them
    one by one, reports its progress and tells the requester."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "RFM Company B", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env.user.company_ids += cls.company_b
        cls.admin = cls.sp_users["admin"]
        cls.admin.company_ids += cls.company_b
        cls.customers = cls._customers(3, user=cls.sp_users["user"])
        cls._orders([(c, 100.0 * (i + 1), 10 + i) for i, c in enumerate(cls.customers)])
        cls._orders([(cls.customers[0], 50.0, 20)], company=cls.company_b)
        cls.cron = cls.env.ref("sales_plus.ir_cron_sales_plus_rfm_regrade")
        # the nightly run is not due: only what is queued runs
        cls.cron.nextcall = fields.Datetime.now() + timedelta(hours=12)
        Config = cls.env["sales_plus.rfm.config"]
        cls.configs = Config._get_for_company(cls.company_a) | Config._get_for_company(cls.company_b)

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    def _press(self, user, companies):
        configs = self.configs.filtered(lambda c: c.company_id in companies)
        return configs.with_user(user).with_context(allowed_company_ids=companies.ids).action_regrade_now()

    def _run_cron(self):
        """Run the cron callback as the scheduler does, with a progress record;
        returns the progress and the (done, remaining, states) seen at each commit."""
        cron, progress = self.cron._add_progress()
        steps = []

        def commit():
            self.env.flush_all()
            steps.append((progress.done, progress.remaining, tuple(self.configs.mapped("regrade_state"))))

        with (
            patch.object(self.env.cr, "commit", commit),
            patch.object(type(self.env["res.users"]), "_bus_send", autospec=True) as send,
        ):
            self.env["sales_plus.rfm.config"].with_context(
                cron_id=cron.id, ir_cron_progress_id=progress.id
            )._cron_regrade()
        return progress, steps, [sent.args for sent in send.call_args_list]

    def test_admin_queues_the_companies_and_wakes_the_cron(self):
        triggers = self._triggers()
        action = self._press(self.admin, self.company_a | self.company_b)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.configs.mapped("regrade_state"), ["queued", "queued"])
        self.assertEqual(self.configs.regrade_requested_by_id, self.admin)
        self.assertEqual(len(set(self.configs.mapped("regrade_requested_date"))), 1)
        self.assertEqual(self._triggers(), triggers + 1)
        self.assertEqual(self.configs[0].regrade_progress, "Regrading: 0 of 2 companies")
        # nothing graded yet: the regrade runs in the background
        self.assertFalse(self._grade(self.customers[0]))
        # pressing again while queued neither queues twice nor wakes the cron again
        action = self._press(self.admin, self.company_a)
        self.assertIn("already", action["params"]["message"])
        self.assertEqual(self._triggers(), triggers + 1)

    def test_settings_button_queues_the_selected_companies(self):
        self.system_admin.company_ids += self.company_a | self.company_b
        settings = (
            self.env["res.config.settings"]
            .with_user(self.system_admin)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
            .create({})
        )
        settings.action_sales_plus_rfm_regrade_now()
        self.assertEqual(self.configs.mapped("regrade_state"), ["queued", "queued"])
        self.assertEqual(self.configs.regrade_requested_by_id, self.system_admin)
        settings.invalidate_recordset()
        self.assertEqual(settings.sales_plus_rfm_regrade_state, "queued")
        self.assertEqual(settings.sales_plus_rfm_regrade_progress, "Regrading: 0 of 2 companies")
        self.assertFalse(settings.sales_plus_rfm_last_run_date)

    def test_others_cannot_regrade(self):
        for role in ("user", "team_leader", "manager"):
            user = self.sp_users[role]
            user.company_ids += self.company_b
            with self.assertRaises(AccessError):
                self._press(user, self.company_a)
        with self.assertRaises(AccessError):
            self._press(self.plain_salesman, self.company_a)
        self.assertEqual(self.configs.mapped("regrade_state"), [False, False])

    def test_cron_grades_reports_progress_and_notifies(self):
        self._press(self.admin, self.company_a | self.company_b)
        progress, steps, sent = self._run_cron()
        # one step of progress per company, each company shown running first
        self.assertEqual(
            steps,
            [
                (0, 2, ("queued", "queued")),
                (0, 2, ("running", "queued")),
                (1, 1, ("done", "queued")),
                (1, 1, ("done", "running")),
                (2, 0, ("done", "done")),
            ],
        )
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        self.assertEqual(len(self._grade(self.customers[0]) | self._grade(self.customers[1])), 2)
        self.assertEqual(self._grade(self.customers[0], self.company_b).monetary, 50.0)
        self.assertTrue(all(self.configs.mapped("last_run_date")))
        self.assertFalse(self.configs[0].regrade_progress)
        # the requester is told, once per company, in the web client
        self.assertEqual(len(sent), 2)
        for (user, kind, payload), company in zip(sent, self.company_a | self.company_b, strict=True):
            self.assertEqual(user, self.admin)
            self.assertEqual(kind, "simple_notification")
            self.assertEqual(payload["type"], "success")
            self.assertIn(company.name, payload["message"])
        self.assertIn("3 customers graded", sent[0][2]["message"])
        # run by hand with nothing queued: every active company, nobody to tell
        progress, _steps, sent = self._run_cron()
        self.assertGreaterEqual(progress.done, 2)
        self.assertEqual((progress.remaining, sent), (0, []))
        self.assertFalse(self.configs.regrade_requested_by_id)

    def test_locked_company_stays_queued(self):
        self._press(self.admin, self.company_a | self.company_b)
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
            try:
                progress, _steps, sent = self._run_cron()
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
        self.assertEqual(self.configs.mapped("regrade_state"), ["queued", "done"])
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertFalse(self._grade(self.customers[0]))
        self.assertEqual(len(sent), 1)
        self.assertEqual(self.configs[0].regrade_progress, "Regrading: 1 of 2 companies")
        progress, _steps, sent = self._run_cron()
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertTrue(self._grade(self.customers[0]))

    def test_failed_regrade_is_reported(self):
        self._press(self.admin, self.company_a)
        Grade = type(self.env["sales_plus.rfm.grade"])
        with (
            patch.object(Grade, "_rfm_run", side_effect=ValueError("boom")),
            self.assertLogs("odoo.addons.sales_plus.models.sales_plus_rfm_config", "ERROR"),
        ):
            progress, _steps, sent = self._run_cron()
        self.assertEqual(self.configs[0].regrade_state, "failed")
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(sent[0][2]["type"], "danger")

    def test_nightly_run_grades_every_company(self):
        self.cron.nextcall = fields.Datetime.now() - timedelta(minutes=1)
        progress, _steps, sent = self._run_cron()
        self.assertGreaterEqual(progress.done, 2)
        self.assertEqual(progress.remaining, 0)
        self.assertEqual(self.configs.mapped("regrade_state"), ["done", "done"])
        self.assertFalse(self.configs.regrade_requested_by_id)
        self.assertEqual(sent, [])
        self.assertTrue(self._grade(self.customers[0]))
        # run again within the same due run: the companies already graded are not redone
        progress, _steps, _sent = self._run_cron()
        self.assertEqual(progress.done, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRfmQueryCount(RfmCommon):
    """The full regrade's query count does not depend on the number of customers."""

    def _company_with_customers(self, count):
        company = self.env["res.company"].create(
            {"name": f"RFM {count}", "currency_id": self.company_a.currency_id.id}
        )
        self.env.user.company_ids += company
        customers = self._customers(count, user=self.sp_users["user"], prefix=f"Q{count}")
        self._orders(
            [(c, 100.0 * (i + 1), i + 1) for i, c in enumerate(customers) for _n in range(2)], company=company
        )
        self.env["sales_plus.rfm.config"]._get_for_company(company)
        self.env.flush_all()
        return company

    def test_query_count_two_sizes(self):
        Grade = self.Grade.sudo()
        warm = self._company_with_customers(2)
        small, large = self._company_with_customers(3), self._company_with_customers(40)
        Grade._regrade_company(warm)  # fill the registry caches (cleared by company creation)
        for company in (small, large):
            # first run: every customer graded, history written, win-back activities scheduled
            self.env.invalidate_all()
            with self.assertQueryCount(10):
                result = Grade._regrade_company(company)
            self.assertEqual(result["changed"], result["graded"])
            # second run: nothing to write
            self.env.invalidate_all()
            with self.assertQueryCount(10):
                result = Grade._regrade_company(company)
            self.assertEqual(result["changed"], 0)
        self.assertEqual(Grade.search_count([("company_id", "=", large.id)]), 40)

    def test_notice_queries_do_not_grow_with_the_customers_listed(self):
        Grade = self.Grade.sudo()
        user, at_risk = self.sp_users["user"], self.segment["at_risk"]
        customers = self._customers(8, user=user, prefix="Moved")
        Message = self.env["mail.message"]
        counts = []
        for listed in (customers[:1], customers[:2], customers):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Grade._rfm_notify(self.company_a, [(user.id, customer.id, at_risk.id) for customer in listed])
            counts.append(self.env.cr.sql_log_count - before)
            notice = Message.search(
                [("partner_ids", "in", user.partner_id.ids), ("subject", "=", "Customers to win back")],
                order="id desc",
                limit=1,
            )
            for customer in listed:
                self.assertIn(customer.name, notice.body)
        # the first notice fills caches; then two customers or eight, the same queries
        self.assertEqual(counts[1], counts[2], counts)


@tagged("post_install", "-at_install")
class TestRfmCreditNotes(AccountTestInvoicingCommon):
    """Monetary value is net of the posted credit notes of the window (option)."""

    def test_credit_notes_netting(self):
        company = self.company_data["company"]
        customer = self.partner_a
        product = self.product_a
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 1000.0, "tax_ids": []})
                    ],
                }
            )
        )
        order.action_confirm()
        today = fields.Date.today()
        refund = self.init_invoice(
            "out_refund", partner=customer, amounts=[300.0], post=True, taxes=[], invoice_date=today
        )
        draft_refund = self.init_invoice(
            "out_refund", partner=customer, amounts=[50.0], taxes=[], invoice_date=today
        )
        old_refund = self.init_invoice(
            "out_refund", partner=customer, amounts=[70.0], post=True, taxes=[], invoice_date="2019-01-01"
        )
        self.assertEqual(old_refund.state, "posted")
        self.assertEqual((refund.state, draft_refund.state), ("posted", "draft"))
        Grade = self.env["sales_plus.rfm.grade"].sudo()
        Grade._regrade_company(company)
        grade = Grade.search([("partner_id", "=", customer.id), ("company_id", "=", company.id)])
        self.assertEqual(grade.monetary, 700.0)
        config = self.env["sales_plus.rfm.config"].sudo()._get_for_company(company)
        config.net_credit_notes = False
        with mute_logger("odoo.addons.sales_plus.models.sales_plus_rfm_grade"):
            Grade._regrade_company(company)
        self.assertEqual(grade.monetary, 1000.0)
