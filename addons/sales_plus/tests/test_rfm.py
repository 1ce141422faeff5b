# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as dt_time
from unittest.mock import patch

import psycopg2
import pytz
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.sales_plus.services import local_date
from odoo.addons.sales_plus.tools import LOCK_RFM_REGRADE as RFM_LOCK_KEY
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.service.model import call_kw
from odoo.sql_db import db_connect
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger
from odoo.tools.safe_eval import safe_eval

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

    def test_quintile_ties_share_the_lowest_score(self):
        """Each dimension scores 1 + floor(5 x worse / counted): customers with
        equal values share the lowest score their positions span. Checked
        against RANK() for 1 to 25 customers with ties in every dimension."""
        config = self.env["sales_plus.rfm.config"].new({"abc_a_percent": 80.0, "abc_b_percent": 15.0})
        spans_two_scores = 0
        for count in range(1, 26):
            self.env.cr.execute(
                SQL(
                    """
                    WITH base AS (
                        -- few distinct values per dimension: many ties
                        SELECT g AS partner_id, NULL::integer AS user_id, NULL::integer AS team_id,
                               NULL::date AS last_order_date, (g * 7) %% 4 * 10 AS recency,
                               1 + g / 3 AS frequency, ((g * 5) %% 6)::numeric * 100 AS monetary,
                               NULL::double precision AS median_gap_days
                          FROM generate_series(1, %(n)s) g
                    ),
                    %(scored)s,
                    expected AS (
                        SELECT partner_id,
                               LEAST(5, 1 + 5 * (RANK() OVER (ORDER BY recency DESC) - 1) / %(n)s) AS r,
                               LEAST(5, 1 + 5 * (RANK() OVER (ORDER BY frequency) - 1) / %(n)s) AS f,
                               LEAST(5, 1 + 5 * (RANK() OVER (ORDER BY monetary) - 1) / %(n)s) AS m,
                               -- the positions of the tie span more than one score
                               5 * (RANK() OVER (ORDER BY frequency) - 1) / %(n)s
                                 <> 5 * (COUNT(*) OVER (ORDER BY frequency) - 1) / %(n)s AS split
                          FROM base
                    )
                    SELECT COUNT(*) FILTER (WHERE (s.r_score, s.f_score, s.m_score)
                                                  IS DISTINCT FROM (e.r, e.f, e.m)),
                           COUNT(*), COUNT(*) FILTER (WHERE e.split)
                      FROM scored s JOIN expected e ON e.partner_id = s.partner_id
                    """,
                    n=count,
                    scored=self.Grade._rfm_scored_sql(("ntile", None), False, config),
                )
            )
            wrong, total, split = self.env.cr.fetchone()
            self.assertEqual(total, count)
            self.assertEqual(wrong, 0, f"{count} customers")
            spans_two_scores += split
        self.assertGreater(spans_two_scores, 20, "the data puts ties across score boundaries")

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

    def test_one_time_buyers_score_f1_and_recent_ones_are_new(self):
        """40% of the customers buy once: they tie on the lowest frequency and
        all get F = 1; those who bought lately are "New", as the segment map
        intends; a one-customer regrade gives each the scores of the full run."""
        company = self.env["res.company"].create(
            {"name": "RFM Once", "currency_id": self.company_a.currency_id.id}
        )
        self.env.user.company_ids += company
        once = self._customers(4, prefix="Once")
        regulars = self._customers(6, prefix="Regular")
        specs = [(once[0], 100.0, 1), (once[1], 120.0, 1), (once[2], 90.0, 200), (once[3], 80.0, 210)]
        for index, customer in enumerate(regulars):
            specs += [(customer, 200.0, 10 + 5 * index + 30 * n) for n in range(2 + index)]
        self._orders(specs, company=company)
        self._regrade(company)
        grades = {partner: self._grade(partner, company) for partner in once | regulars}
        self.assertEqual([grades[p].f_score for p in once], [1, 1, 1, 1])
        self.assertEqual(min(grades[p].f_score for p in regulars), 3, "4 of 10 do worse: 1 + 5 x 4 / 10")
        self.assertEqual(grades[once[0]].r_score, 5)
        self.assertEqual((grades[once[0]] | grades[once[1]]).segment_id, self.segment["new"])
        self.assertEqual(
            self.Grade.sudo().search_count(
                [("company_id", "=", company.id), ("segment_id", "=", self.segment["new"].id)]
            ),
            2,
        )
        full = {p: (g.r_score, g.f_score, g.m_score, g.abc_class, g.segment_id) for p, g in grades.items()}
        for partner in full:
            self.Grade.sudo()._regrade_partners(partner, company)
        self.env.invalidate_all()
        alone = {p: (g.r_score, g.f_score, g.m_score, g.abc_class, g.segment_id) for p, g in grades.items()}
        self.assertEqual(alone, full)

    def test_window_edge_in_the_company_timezone(self):
        """The window is today and the N - 1 days before it, in the company's
        timezone: an order on today - N is out, one on today - N + 1 is in. In
        a zone ahead of UTC and one behind it, at local midnight, where the UTC
        date of each order is on the other side of the edge."""
        with freeze_time("2025-06-30 20:00:00"):  # already 1 July in Shanghai, 30 June in Los Angeles
            for tz, today in (("Asia/Shanghai", "2025-07-01"), ("America/Los_Angeles", "2025-06-30")):
                with self.subTest(tz=tz):
                    company = self.env["res.company"].create({"name": f"RFM {tz}"})
                    company.partner_id.tz = tz
                    self.env.user.company_ids += company
                    self._config(company).window_days = 30
                    today = fields.Date.to_date(today)
                    self.assertEqual(company._sales_plus_rfm_today(), today)
                    zone = pytz.timezone(tz)

                    def utc(day, hour, minute, zone=zone):
                        local = zone.localize(datetime.combine(day, dt_time(hour, minute)))
                        return local.astimezone(pytz.utc).replace(tzinfo=None)

                    inside, outside = self._customers(2, prefix=f"Edge {tz}")
                    orders = self._orders([(inside, 100.0, 0), (outside, 100.0, 0)], company=company)
                    # the first minute of today - 29 (N - 1) and the last one of today - 30 (N)
                    orders[0].date_order = utc(today - timedelta(days=29), 0, 0)
                    orders[1].date_order = utc(today - timedelta(days=30), 23, 59)
                    self.assertNotEqual(
                        (orders[0].date_order.date(), orders[1].date_order.date()),
                        (today - timedelta(days=29), today - timedelta(days=30)),
                        "one of the UTC dates is on the other side of the edge",
                    )
                    self._regrade(company)
                    grade_in, grade_out = self._grade(inside, company), self._grade(outside, company)
                    self.assertEqual((grade_in.frequency, grade_in.monetary), (1, 100.0))
                    self.assertEqual(grade_in.last_order_date, today - timedelta(days=29))
                    self.assertEqual(grade_in.recency_days, 29)
                    self.assertEqual((grade_out.frequency, grade_out.monetary), (0, 0.0))
                    self.assertEqual(grade_out.last_order_date, today - timedelta(days=30))
                    self.assertEqual(grade_out.segment_id, self.segment["no_recent_purchase"])

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
        with self.assertRaisesRegex(UserError, "has not been fully graded yet"):
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
                with self.assertRaisesRegex(UserError, "already running"):
                    self._regrade()
                self.assertTrue(
                    self.Grade.sudo()._regrade_company(self.company_a, raise_if_locked=False)["skipped"]
                )
                with self.assertRaisesRegex(UserError, "already running"):
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
    """Each company has a job of its own: Regrade Now and the nightly run
    queue the companies and wake their jobs, each job regrades its company,
    reports its progress and tells the requester (the administrators when
    it fails)."""

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
        Config = cls.env["sales_plus.rfm.config"]
        cls.configs = Config._get_for_company(cls.company_a) | Config._get_for_company(cls.company_b)
        Regrade = cls.env["sales_plus.rfm.regrade"]
        cls.regrades = Regrade._get_for_company(cls.company_a) | Regrade._get_for_company(cls.company_b)

    def _triggers(self, regrade):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", regrade.cron_id.id)])

    def _press(self, user, companies):
        configs = self.configs.filtered(lambda c: c.company_id in companies)
        return configs.with_user(user).with_context(allowed_company_ids=companies.ids).action_regrade_now()

    def _run_job(self, regrade):
        """Run the company's job as the scheduler does, with a progress record;
        returns the progress, the (done, remaining, states) seen at each commit
        and the web client notifications sent."""
        cron, progress = regrade.cron_id._add_progress()
        steps = []

        def commit():
            self.env.flush_all()
            steps.append((progress.done, progress.remaining, tuple(self.regrades.mapped("state"))))

        with (
            patch.object(self.env.cr, "commit", commit),
            patch.object(type(self.env["res.users"]), "_bus_send", autospec=True) as send,
        ):
            # the code of the job's server action, as the scheduler runs it
            cron.ir_actions_server_id.with_context(cron_id=cron.id, ir_cron_progress_id=progress.id).run()
        return progress, steps, [sent.args for sent in send.call_args_list]

    def test_each_company_has_a_job_of_its_own(self):
        crons = self.regrades.cron_id
        self.assertEqual(len(crons), 2)
        for regrade in self.regrades:
            self.assertEqual(regrade.cron_id.model_id.model, "sales_plus.rfm.regrade")
            self.assertEqual(regrade.cron_id.code, f"model._cron_regrade({regrade.company_id.id})")
            self.assertEqual(regrade.cron_id.user_id, self.env.ref("base.user_root"))
        # a new company gets its settings, its run and its job
        company = self.env["res.company"].create({"name": "RFM Company C"})
        regrade = self.env["sales_plus.rfm.regrade"].search([("company_id", "=", company.id)])
        self.assertEqual(len(regrade), 1)
        self.assertEqual(regrade.cron_id.code, f"model._cron_regrade({company.id})")
        self.assertTrue(self.env["sales_plus.rfm.config"].search_count([("company_id", "=", company.id)]))
        # a job deleted by hand comes back with the next nightly run
        regrade.cron_id.unlink()
        self.assertFalse(regrade.cron_id)
        self.env["sales_plus.rfm.regrade"]._cron_queue_all()
        self.assertEqual(regrade.cron_id.code, f"model._cron_regrade({company.id})")
        self.assertEqual(regrade.state, "queued")

    def test_admin_queues_the_companies_and_wakes_their_jobs(self):
        action = self._press(self.admin, self.company_a | self.company_b)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.regrades.mapped("state"), ["queued", "queued"])
        self.assertEqual(self.configs.mapped("regrade_state"), ["queued", "queued"])
        self.assertEqual(self.regrades.requested_by_id, self.admin)
        self.assertEqual(len(set(self.regrades.mapped("requested_date"))), 1)
        for regrade in self.regrades:
            self.assertEqual(len(self._triggers(regrade)), 1)
        self.assertEqual(self.configs[0].regrade_progress, "Regrading: 0 of 2 companies")
        # nothing graded yet: the regrade runs in the background
        self.assertFalse(self._grade(self.customers[0]))
        # pressing again while queued neither queues twice nor wakes the job again
        action = self._press(self.admin, self.company_a)
        self.assertIn("already", action["params"]["message"])
        self.assertEqual(len(self._triggers(self.regrades[0])), 1)

    def test_settings_button_queues_the_selected_companies(self):
        self.system_admin.company_ids += self.company_a | self.company_b
        settings = (
            self.env["res.config.settings"]
            .with_user(self.system_admin)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
            .create({})
        )
        settings.action_sales_plus_rfm_regrade_now()
        self.assertEqual(self.regrades.mapped("state"), ["queued", "queued"])
        self.assertEqual(self.regrades.requested_by_id, self.system_admin)
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
            # nor through the run itself, as an RPC client would call it
            with self.assertRaises(AccessError):
                self.regrades[0].with_user(user).action_regrade_now()
        with self.assertRaises(AccessError):
            self._press(self.plain_salesman, self.company_a)
        # an administrator of company A only cannot queue company B
        self.admin.company_ids -= self.company_b
        with self.assertRaises(AccessError):
            self.regrades[1].with_user(self.admin).action_regrade_now()
        self.assertEqual(self.regrades.mapped("state"), [False, False])

    def test_jobs_grade_report_progress_and_notify(self):
        self._press(self.admin, self.company_a | self.company_b)
        progress, steps, sent = self._run_job(self.regrades[0])
        # one step of progress: the company shown running first, then done
        self.assertEqual(
            steps, [(0, 1, ("queued", "queued")), (0, 1, ("running", "queued")), (1, 0, ("done", "queued"))]
        )
        self.assertEqual(self.configs[0].regrade_progress, False)
        self.assertEqual(self.configs[1].regrade_progress, "Regrading: 1 of 2 companies")
        progress, steps, sent_b = self._run_job(self.regrades[1])
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        sent += sent_b
        self.assertEqual(len(self._grade(self.customers[0]) | self._grade(self.customers[1])), 2)
        self.assertEqual(self._grade(self.customers[0], self.company_b).monetary, 50.0)
        self.assertTrue(all(self.regrades.mapped("last_run_date")))
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
        # a job woken up with nothing queued does nothing
        progress, steps, sent = self._run_job(self.regrades[0])
        self.assertEqual((progress.done, progress.remaining, steps, sent), (0, 0, [], []))

    def test_two_servers_never_regrade_one_company_at_once(self):
        """Another transaction (another Odoo server's cron worker) holds the
        company's regrade lock: the job leaves it queued and wakes up again
        shortly; the other company's job is not held up."""
        self._press(self.admin, self.company_a | self.company_b)
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
            try:
                progress_a, _steps, sent_a = self._run_job(self.regrades[0])
                progress_b, _steps, sent_b = self._run_job(self.regrades[1])
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", (RFM_LOCK_KEY, self.company_a.id))
        self.assertEqual(self.regrades.mapped("state"), ["queued", "done"])
        self.assertEqual((progress_a.done, progress_a.remaining), (0, 0))
        self.assertEqual((progress_b.done, progress_b.remaining), (1, 0))
        self.assertFalse(self._grade(self.customers[0]))
        self.assertEqual((sent_a, len(sent_b)), ([], 1))
        self.assertEqual(self.configs[0].regrade_progress, "Regrading: 1 of 2 companies")
        # woken up again a minute later
        retry = self._triggers(self.regrades[0]).filtered(lambda t: t.call_at > fields.Datetime.now())
        self.assertEqual(retry.call_at, fields.Datetime.now() + timedelta(minutes=1))
        progress, _steps, _sent = self._run_job(self.regrades[0])
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertTrue(self._grade(self.customers[0]))

    def test_failed_regrade_is_reported(self):
        self._press(self.admin, self.company_a)
        Grade = type(self.env["sales_plus.rfm.grade"])
        admin_b = new_test_user(
            self.env,
            login="rfm_admin_b",
            groups="base.group_user,sales_plus.group_sales_plus_admin",
            company_ids=[Command.set(self.company_b.ids)],
            company_id=self.company_b.id,
        )
        with (
            patch.object(Grade, "_rfm_run", side_effect=ValueError("boom: no grade today")),
            self.assertLogs("odoo.addons.sales_plus.models.sales_plus_rfm_regrade", "ERROR"),
        ):
            progress, _steps, sent = self._run_job(self.regrades[0])
        self.assertEqual(self.regrades[0].state, "failed")
        self.assertEqual(self.configs[0].last_error, "boom: no grade today")
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(sent[0][2]["type"], "danger")
        # the grading administrators of the company get the error in their inbox
        notices = self.env["mail.message"].search(
            [("subject", "=", "Customer grading of RFM Company A failed")]
        )
        self.assertEqual(len(notices), 1)
        self.assertIn("boom: no grade today", notices.body)
        self.assertIn(self.admin.partner_id, notices.partner_ids)
        self.assertIn(self.system_admin.partner_id, notices.partner_ids)
        self.assertNotIn(admin_b.partner_id, notices.partner_ids, "not an administrator of company A")
        self.assertNotIn(self.sp_users["manager"].partner_id, notices.partner_ids)

    def test_nightly_run_queues_every_company(self):
        dispatcher = self.env.ref("sales_plus.ir_cron_sales_plus_rfm_regrade")
        self.assertEqual(dispatcher.code, "model._cron_queue_all()")
        dispatcher.ir_actions_server_id.run()
        self.assertEqual(self.regrades.mapped("state"), ["queued", "queued"])
        self.assertFalse(self.regrades.requested_by_id)
        for regrade in self.regrades:
            self.assertEqual(len(self._triggers(regrade)), 1)
            _progress, _steps, sent = self._run_job(regrade)
            self.assertEqual(sent, [])
        self.assertEqual(self.regrades.mapped("state"), ["done", "done"])
        self.assertTrue(self._grade(self.customers[0]))
        # an archived company is neither queued nor graded
        self.company_b.active = False
        dispatcher.ir_actions_server_id.run()
        self.assertEqual(self.regrades.mapped("state"), ["queued", "done"])


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRfmWinBack(RfmCommon):
    """Win-back activities go to customers who *became* dormant since the
    last grading, at most a few per responsible and grading; the first
    grading (and the first after the dormancy settings change) only sums
    the dormant customers up in one notice per responsible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.sp_users["user"]
        cls.fallback = cls.sp_users["manager"]
        cls.company_a.sales_plus_fallback_user_id = cls.fallback
        cls.activity_type = cls.env.ref("sales_plus.mail_activity_type_sales_plus_win_back")
        # customers ordering every 30 days, the last 10 days ago: dormant after 60 days
        cls.regulars = cls._customers(5, user=cls.salesperson, prefix="Regular")
        cls._orders([(c, 100.0 * (i + 1), 10 + 30 * n) for i, c in enumerate(cls.regulars) for n in range(3)])

    @classmethod
    def _dormant_customers(cls, count, user=None):
        """``count`` customers whose only order is 400 days old: dormant (over
        the 365-day ceiling), with no order in the window."""
        customers = cls._customers(count, user=user, prefix="Asleep")
        orders = (
            cls.env["sale.order"]
            .with_company(cls.company_a)
            .create([{"partner_id": c.id, "company_id": cls.company_a.id} for c in customers])
        )
        orders.write({"state": "sale", "date_order": fields.Datetime.now() - timedelta(days=400)})
        return customers

    def _activities(self, partners=None):
        domain = [("activity_type_id", "=", self.activity_type.id), ("res_model", "=", "res.partner")]
        if partners is not None:
            domain.append(("res_id", "in", partners.ids))
        return self.env["mail.activity"].search(domain)

    def _notices(self, user):
        return self.env["mail.message"].search(
            [("partner_ids", "in", user.partner_id.ids), ("subject", "=", "Dormant customers to win back")],
            order="id",
        )

    def test_first_grading_does_not_flood_then_new_dormant_get_activities(self):
        asleep = self._dormant_customers(2000)  # no salesperson: the fallback responsible's
        mine = self._dormant_customers(3, user=self.salesperson)
        result = self._regrade()
        self.assertEqual(result["dormant"], 2003)
        self.assertEqual(result["activities"], 0)
        self.assertFalse(self._activities(asleep | mine | self.regulars))
        # at most one summary per responsible, with the count and the link to the list
        for user, count in ((self.fallback, 2000), (self.salesperson, 3)):
            notice = self._notices(user)
            self.assertEqual(len(notice), 1)
            self.assertIn(f"{count} of your customers are dormant", notice.body)
            action = self.env.ref("sales_plus.sales_plus_rfm_grade_action_win_back")
            self.assertIn(f"/odoo/action-{action.id}", notice.body)
        # 70 days later, the three regulars of the salesperson turn dormant: three activities
        self.regulars[3:].user_id = False  # two regulars are the fallback's
        with freeze_time("2025-09-08 10:00:00"):
            result = self._regrade()
        self.assertEqual(result["activities"], 5)
        activities = self._activities()
        self.assertEqual(len(activities), 5)
        self.assertEqual(set(activities.mapped("res_id")), set(self.regulars.ids))
        self.assertEqual(
            activities.filtered(lambda a: a.res_id in self.regulars[:3].ids).user_id, self.salesperson
        )
        self.assertEqual(
            activities.filtered(lambda a: a.res_id in self.regulars[3:].ids).user_id, self.fallback
        )
        self.assertEqual(set(activities.mapped("date_deadline")), {fields.Date.to_date("2025-09-08")})
        # scheduled through mail: the responsible follows the customer
        self.assertIn(self.salesperson.partner_id, self.regulars[0].message_partner_ids)
        self.assertEqual((len(self._notices(self.fallback)), len(self._notices(self.salesperson))), (1, 1))

    def test_cap_per_responsible_and_grading(self):
        config = self._config()
        config.win_back_activity_cap = 2
        self._regrade()  # first grading: the regulars are not dormant yet
        self.assertFalse(self._notices(self.salesperson))
        with freeze_time("2025-09-08 10:00:00"):
            result = self._regrade()
        # the two most valuable get an activity, one notice for the five
        self.assertEqual(result["activities"], 2)
        self.assertEqual(set(self._activities().mapped("res_id")), set(self.regulars[3:].ids))
        notice = self._notices(self.salesperson)
        self.assertEqual(len(notice), 1)
        self.assertIn("5 of your customers in RFM Company A became dormant", notice.body)
        self.assertIn("2 most valuable", notice.body)
        # 0: the notice only
        config.win_back_activity_cap = 0
        self._activities().action_feedback(feedback="Called")
        self.env.cr.execute(
            SQL("UPDATE sales_plus_rfm_grade SET is_dormant = FALSE WHERE company_id = %s", self.company_a.id)
        )
        with freeze_time("2025-09-08 10:00:00"):
            result = self._regrade()
        self.assertEqual(result["activities"], 0)
        self.assertEqual(len(self._notices(self.salesperson)), 2)
        with self.assertRaises(ValidationError):
            config.win_back_activity_cap = -1

    def test_changed_dormancy_settings_regrade_everybody_without_activities(self):
        self._regrade()
        # a lower factor makes every regular dormant at once: the notice only
        self._config().dormancy_factor = 0.1
        result = self._regrade()
        self.assertEqual(result["dormant"], 5)
        self.assertEqual(result["activities"], 0)
        self.assertEqual(len(self._notices(self.salesperson)), 1)
        self.assertIn("First grading of RFM Company A", self._notices(self.salesperson).body)

    def test_the_list_shows_the_dormant_customers_of_the_responsible(self):
        asleep = self._dormant_customers(2)
        mine = self._dormant_customers(2, user=self.salesperson)
        self._regrade()
        action = self.env.ref("sales_plus.sales_plus_rfm_grade_action_win_back")
        search_view = self.env.ref("sales_plus.sales_plus_rfm_grade_view_search")
        domains = {
            node.get("name"): node.get("domain")
            for node in etree.fromstring(search_view.arch).iter("filter")
            if node.get("name") in ("dormant", "win_back_mine")
        }
        self.assertEqual(
            safe_eval(action.context), {"search_default_dormant": 1, "search_default_win_back_mine": 1}
        )
        for user, expected in ((self.fallback, asleep), (self.salesperson, mine)):
            domain = Domain.AND(safe_eval(domain, {"uid": user.id}) for domain in domains.values())
            found = self.Grade.with_user(user).with_company(self.company_a).search(domain)
            self.assertEqual(found.partner_id, expected, user.name)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRfmConfigurationPaths(RfmCommon):
    """Every create, write and unlink an RPC client may call on the grading
    settings, their thresholds and the segments leaves a configuration the
    regrade can run with, or raises a clear error and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.sp_users["admin"]
        cls.config = cls.env["sales_plus.rfm.config"]._get_for_company(cls.company_a)
        cls.lines = {line.score: line for line in cls.config.threshold_ids}
        customers = cls._customers(6, user=cls.sp_users["user"])
        cls._orders([(c, 100.0 * (i + 1), 5 + 20 * i) for i, c in enumerate(customers)])

    def _rpc(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as the Sales Plus administrator
        calls it over RPC; rolled back when it raises."""
        with self.env.cr.savepoint():
            return call_kw(self.env[model].with_user(self.admin), method, list(args), kwargs)

    def _assert_unchanged(self):
        self.config.invalidate_recordset()
        self.assertEqual(self.config._rfm_threshold_bounds()["frequency"], [2, 3, 5, 10])
        self.assertEqual(len(self.config.threshold_ids), 5)

    def test_threshold_paths(self):
        line = self.lines[3]
        with self.assertRaisesRegex(
            ValidationError, "exactly one range for each score from 1 to 5 \\(score 3\\)"
        ):
            self._rpc("sales_plus.rfm.threshold", "unlink", line.ids)
        self._assert_unchanged()
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._rpc("sales_plus.rfm.threshold", "write", line.ids, {"frequency_to": 6})
        self._assert_unchanged()
        with self.assertRaisesRegex(ValidationError, "between 1 and 5, not 6"):
            self._rpc("sales_plus.rfm.threshold", "create", {"config_id": self.config.id, "score": 6})
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self._rpc("sales_plus.rfm.threshold", "create", {"config_id": self.config.id, "score": 3})
        self._assert_unchanged()
        # a line cannot move to another company's settings: they have that score
        other = self.env["sales_plus.rfm.config"]._get_for_company(self.env.ref("base.main_company"))
        self.admin.company_ids += other.company_id
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self._rpc("sales_plus.rfm.threshold", "write", line.ids, {"config_id": other.id})
        self._assert_unchanged()
        for command in (
            Command.delete(line.id),
            Command.unlink(line.id),
            Command.clear(),
            Command.set([]),
        ):
            with self.subTest(command=command), self.assertRaisesRegex(ValidationError, "exactly one range"):
                self._rpc("sales_plus.rfm.config", "write", self.config.ids, {"threshold_ids": [command]})
            self._assert_unchanged()
        # replacing a line in one save is fine
        vals = {
            "score": 3,
            "recency_from": 90,
            "recency_to": 180,
            "frequency_from": 3,
            "frequency_to": 5,
            "monetary_from": 5000,
            "monetary_to": 20000,
        }
        self._rpc(
            "sales_plus.rfm.config",
            "write",
            self.config.ids,
            {"threshold_ids": [Command.delete(line.id), Command.create(vals)]},
        )
        self._assert_unchanged()
        self.assertFalse(line.exists())
        # the settings themselves cannot be deleted; so the regrade always runs
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            self._rpc("sales_plus.rfm.config", "unlink", self.config.ids)
        self._rpc("sales_plus.rfm.config", "write", self.config.ids, {"scoring_method": "thresholds"})
        self.assertEqual(self._regrade()["graded"], 6)

    def test_segment_paths(self):
        Segment = "sales_plus.rfm.segment"
        promising, new = self.segment["promising"], self.segment["new"]
        # an unused segment whose scores no other segment holds
        with self.assertRaisesRegex(ValidationError, "no active segment holds the scores R 4, F 1, M 1"):
            self._rpc(Segment, "unlink", promising.ids)
        with self.assertRaisesRegex(ValidationError, "R 4, F 1, M 1"):
            self._rpc(Segment, "write", promising.ids, {"active": False})
        with self.assertRaisesRegex(ValidationError, "R 4, F 1, M 1"):
            self._rpc(Segment, "action_archive", promising.ids)
        with self.assertRaisesRegex(ValidationError, "R 5, F 1, M 1"):
            self._rpc(Segment, "write", new.ids, {"r_min": 4, "r_max": 4})
        with self.assertRaisesRegex(ValidationError, "R 4, F 1, M 1"):
            self._rpc(Segment, "write", promising.ids, {"company_id": self.company_a.id})
        with self.assertRaisesRegex(
            ValidationError, "without an active segment for the customers with no recent"
        ):
            self._rpc(Segment, "write", self.segment["no_recent_purchase"].ids, {"active": False})
        with self.assertRaisesRegex(ValidationError, "R 4, F 1, M 1"):
            self._rpc(Segment, "write", promising.ids, {"no_recent_purchase": True})
        self.assertTrue(promising.active)
        self.assertFalse(promising.company_id)
        # a segment taking over the scores first lets the other one go
        [spare] = self._rpc(
            Segment, "create", [{"name": "Spare", "r_min": 4, "r_max": 5, "f_min": 1, "f_max": 1}]
        )
        self._rpc(Segment, "unlink", promising.ids)
        self._rpc(Segment, "write", new.ids, {"r_min": 4, "r_max": 4})
        self.assertFalse(promising.exists())
        result = self._regrade()
        self.assertEqual(result["graded"], 6)
        graded = self.Grade.sudo().search([("company_id", "=", self.company_a.id)])
        self.assertTrue(all(graded.mapped("segment_id")))
        self.assertTrue(self.env[Segment].browse(spare).exists())

    def test_settings_form(self):
        """The administrator edits the settings in the form as they type."""
        form = Form(self.config.with_user(self.admin))
        form.window_days = 180
        form.scoring_method = "thresholds"
        form.win_back_activity_cap = 20
        with form.threshold_ids.edit(1) as line:  # score 4 (lines by score, descending)
            self.assertEqual(line.score, 4)
            line.frequency_to = 12
        with form.threshold_ids.edit(0) as line:
            line.frequency_from = 12
        form.save()
        self.config.invalidate_recordset()
        self.assertEqual((self.config.window_days, self.config.win_back_activity_cap), (180, 20))
        self.assertEqual(self.config._rfm_threshold_bounds()["frequency"], [2, 3, 5, 12])
        # a gap typed in one line only: refused on save, nothing written
        form = Form(self.config.with_user(self.admin))
        form.window_days = 90
        with form.threshold_ids.edit(2) as line:
            line.recency_from = 100
        with (
            self.assertRaisesRegex(ValidationError, "Recency thresholds have a gap"),
            self.env.cr.savepoint(),
        ):
            form.save()
        self.config.invalidate_recordset()
        self.assertEqual(self.config.window_days, 180)
        self.assertEqual(self.config.threshold_ids.filtered(lambda t: t.score == 3).recency_from, 90)
        form = Form(self.config.with_user(self.admin))
        form.window_days = 0
        with self.assertRaisesRegex(ValidationError, "between 1 and 3650 days"), self.env.cr.savepoint():
            form.save()

    def test_uninstall_removes_segments_in_use(self):
        """Uninstalling the module deletes its default segments while grades
        still hold them: the grades let go (they are dropped next)."""
        self._regrade()
        graded = self.Grade.sudo().search([("company_id", "=", self.company_a.id)])
        segments = graded.segment_id
        self.assertTrue(segments)
        with self.assertRaisesRegex(ValidationError, "cannot be deleted"):
            segments[0].unlink()
        segments.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertFalse(segments.exists())
        graded.invalidate_recordset()
        self.assertFalse(graded.segment_id)


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
            Grade._rfm_notify(
                self.company_a, [[user.id, len(listed), [[customer.id, at_risk.id] for customer in listed]]]
            )
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
