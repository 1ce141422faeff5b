# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .test_cockpit import MARCH, TODAY, CockpitCommon

MONEY_FIGURES = {
    "revenue",
    "order_value",
    "refunded",
    "orders",
    "aov",
    "margin",
    "margin_pct",
    "invoiced",
    "collected",
    "collection_rate",
    "overdue",
}
CUSTOMER_FIGURES = {"customers", "new_customers", "returning_customers", "repurchase_rate"}
# the keys of the payload only one part gives
MONEY_KEYS = {
    "filters",
    "options",
    "currency",
    "company",
    "periods",
    "metrics",
    "target_metrics",
    "trend",
    "pipeline_metrics",
    "pipeline",
}
CUSTOMER_KEYS = {
    "by_region",
    "by_category",
    "by_product",
    "top_products_margin",
    "pareto",
    "by_segment",
    "by_abc",
}
# the keys both give: the customer part's only the customer figures
SHARED_KEYS = {"kpis", "targets", "by_salesperson", "by_team", "parts", "empty_row"}
# what a row of each part carries besides its figures
ROW_KEYS = {"id", "name", "key", "previous", "last_year", "targets"}
MONEY_ROW_KEYS = {"revenue_target", "revenue_member_target", "revenue_completion"}
BUCKETS = ("current", "previous", "last_year")


def merge(payload, part):
    """The parts merged as the client does (cockpit.js mergeParts), written
    again here from its contract: dictionaries key by key, the salesperson and
    team rows matched by their drill-down key, in the order of ``payload``, the
    rows only ``part`` has appended in its order; a row one side lacks merged
    with that side's ``empty_row``; ``parts`` concatenated; anything else
    replaced."""
    merged = dict(payload)
    for name, value in part.items():
        current = merged.get(name)
        if name == "parts":
            merged[name] = [*(current or []), *value]
        elif isinstance(current, dict) and isinstance(value, dict):
            merged[name] = merge(current, value)
        elif name in ("by_salesperson", "by_team") and isinstance(current, list):
            others = [row for row in value if row["key"] not in [r["key"] for r in current]]
            merged[name] = [
                merge(
                    row,
                    next((other for other in value if other["key"] == row["key"]), part.get("empty_row", {})),
                )
                for row in current
            ] + [merge(payload.get("empty_row", {}), row) for row in others]
        else:
            merged[name] = value
    return merged


@tagged("post_install", "-at_install")
class TestCockpitParts(CockpitCommon):
    """The cockpit's two parts: the money part (shown first) and the customer
    part together make the whole payload (the XLSX and PDF), each with the
    figures of its own only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            cls.customer_new = cls.env["res.partner"].create({"name": "Cockpit New", "is_company": True})
            # seller A: an order in February and two in March (one customer
            # returning, one new), invoiced and paid, a credit note
            cls._order(cls, cls.seller_a, 300.0, datetime(2024, 2, 10, 9))
            order = cls._order(cls, cls.seller_a, 1000.0, datetime(2024, 3, 5, 9))
            invoice = cls._invoice(cls, order, "2024-03-06", pay="2024-03-08")
            cls._refund(cls, invoice, 100.0, "2024-03-12")
            cls._order(
                cls, cls.seller_a, 400.0, datetime(2024, 3, 7, 9), partner=cls.customer_new, currency="EUR"
            )
            # seller B (other team): an order of last year, one in March
            cls._order(cls, cls.seller_b, 700.0, datetime(2023, 3, 15, 9), partner=cls.customer_cn)
            cls._order(cls, cls.seller_b, 250.0, datetime(2024, 3, 11, 9), partner=cls.customer_cn)
            # the leader sells too
            cls._order(cls, cls.leader, 80.0, datetime(2024, 3, 13, 9))
            # seller C: an order of January (in none of the periods) invoiced in
            # March: money figures only
            cls.seller_c = new_test_user(
                cls.env,
                login="cockpit_seller_c",
                groups="base.group_user,sales_plus.group_sales_plus_user",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="UTC",
            )
            cls.team_2.member_ids |= cls.seller_c
            january = cls._order(cls, cls.seller_c, 60.0, datetime(2024, 1, 10, 9), partner=cls.customer_cn)
            cls._invoice(cls, january, "2024-03-14")
            cls.env["sales_plus.target"].create(
                [
                    {
                        "user_id": cls.seller_a.id,
                        "metric": "revenue",
                        "date_from": "2024-03-01",
                        "amount": 2000,
                    },
                    {
                        "user_id": cls.seller_a.id,
                        "metric": "new_customers",
                        "date_from": "2024-03-01",
                        "amount": 3,
                    },
                    {
                        "team_id": cls.team_1.id,
                        "metric": "revenue",
                        "date_from": "2024-03-01",
                        "amount": 5000,
                    },
                    {
                        "team_id": cls.team_1.id,
                        "metric": "new_customers",
                        "date_from": "2024-03-01",
                        "amount": 4,
                    },
                    # the manager sells nothing and has a customer target only
                    {
                        "user_id": cls.manager.id,
                        "metric": "new_customers",
                        "date_from": "2024-03-01",
                        "amount": 2,
                    },
                ]
            )

    def _part(self, user, part, **filters):
        cockpit = (
            self.env["sales_plus.cockpit"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )
        return cockpit.get_cockpit_data({"company_id": self.company.id, **MARCH, **filters}, part=part)

    def _cases(self):
        """(user, filters) of each role, with and without a salesperson or team asked for."""
        for user in (self.seller_a, self.leader, self.manager):
            for filters in ({}, {"user_id": self.seller_a.id}, {"team_id": self.team_1.id}):
                yield user, filters
        yield self.manager, {"team_id": self.team_2.id}
        yield self.manager, {"user_id": self.manager.id}

    @freeze_time(TODAY)
    def test_merged_parts_are_the_whole_payload(self):
        for user, filters in self._cases():
            with self.subTest(user=user.login, **filters):
                full = self._part(user, None, **filters)
                money = self._part(user, "money", **filters)
                customers = self._part(user, "customers", **filters)
                self.assertEqual(full["parts"], ["money", "customers"])
                self.assertEqual(money["parts"], ["money"])
                self.assertEqual(customers["parts"], ["customers"])
                self.assertEqual(merge(money, customers), full)
                # the server's own merge is the same
                server = self.env["sales_plus.cockpit"]._merge_parts(money, customers)
                self.assertEqual(server, full)
                # the whole payload has every figure
                for bucket in BUCKETS:
                    self.assertEqual(set(full["kpis"][bucket]), MONEY_FIGURES | CUSTOMER_FIGURES)
                self.assertEqual(
                    set(full["targets"]["totals"]),
                    {"revenue", "invoiced", "margin", "collected", "new_customers"},
                )
                for table in ("by_salesperson", "by_team"):
                    keys = [repr(sorted(row["key"].items())) for row in full[table]]
                    self.assertEqual(len(keys), len(set(keys)), f"{table}: a row twice")

    # a row of the money part the customer part has no row for (seller C: invoiced
    # in March, no order in the periods) gets the customer figures as zeros
    @freeze_time(TODAY)
    def test_whole_payload_rows_have_every_figure(self):
        """Every salesperson and team row of the whole payload (the PDF and the
        XLSX read it) has the figures of both parts, as before the split."""
        for user, filters in self._cases():
            with self.subTest(user=user.login, **filters):
                full = self._part(user, None, **filters)
                for table in ("by_salesperson", "by_team"):
                    for row in full[table]:
                        self.assertLessEqual(MONEY_FIGURES | CUSTOMER_FIGURES, set(row), row["name"])
                        for bucket in ("previous", "last_year"):
                            self.assertEqual(set(row[bucket]), MONEY_FIGURES | CUSTOMER_FIGURES, row["name"])

    @freeze_time(TODAY)
    def test_merged_figures(self):
        """The figures of both parts meet in the same rows: seller A's revenue and
        new customers, with both targets."""
        data = self._part(self.manager, None)
        current = data["kpis"]["current"]
        # 1000 + 400 EUR (200 USD) - 100 credit note + 250 + 80
        self.assertAlmostEqual(current["revenue"], 1430.0)
        self.assertEqual(current["customers"], 3)
        self.assertEqual(current["new_customers"], 1)
        by_user = {row["id"]: row for row in data["by_salesperson"]}
        seller_a = by_user[self.seller_a.id]
        self.assertAlmostEqual(seller_a["revenue"], 1100.0)
        self.assertEqual(seller_a["customers"], 2)
        self.assertEqual(seller_a["new_customers"], 1)
        self.assertEqual(seller_a["returning_customers"], 1)
        self.assertEqual(seller_a["revenue_target"], 2000.0)
        self.assertEqual(
            set(seller_a["targets"]), {"revenue", "invoiced", "margin", "collected", "new_customers"}
        )
        self.assertEqual(seller_a["targets"]["new_customers"]["target"], 3.0)
        self.assertEqual(seller_a["targets"]["new_customers"]["actual"], 1)
        self.assertEqual(seller_a["previous"]["revenue"], 300.0)
        self.assertEqual(seller_a["previous"]["customers"], 1)
        team_1 = next(row for row in data["by_team"] if row["id"] == self.team_1.id)
        self.assertEqual(team_1["targets"]["new_customers"]["target"], 4.0)
        self.assertEqual(team_1["targets"]["revenue"]["target"], 5000.0)
        self.assertEqual(data["targets"]["totals"]["new_customers"]["target"], 4.0)
        self.assertEqual(data["targets"]["totals"]["revenue"]["target"], 5000.0)
        # the manager's row: their customer target
        self.assertEqual(by_user[self.manager.id]["targets"]["new_customers"]["target"], 2.0)
        self.assertEqual(by_user[self.manager.id]["new_customers"], 0)
        # seller C's: invoiced in March, no customer of the periods
        self.assertAlmostEqual(by_user[self.seller_c.id]["invoiced"], 60.0)
        # the rows in the order of the money part
        money_rows = [row["key"] for row in self._part(self.manager, "money")["by_salesperson"]]
        self.assertEqual([row["key"] for row in data["by_salesperson"]], money_rows)
        self.assertTrue(data["by_product"] and data["by_segment"] and data["by_abc"] and data["by_region"])

    @freeze_time(TODAY)
    def test_each_part_has_its_own_figures_only(self):
        for user, filters in self._cases():
            with self.subTest(user=user.login, **filters):
                money = self._part(user, "money", **filters)
                customers = self._part(user, "customers", **filters)
                self.assertEqual(set(money), MONEY_KEYS | SHARED_KEYS)
                self.assertEqual(set(customers), CUSTOMER_KEYS | SHARED_KEYS)
                for bucket in BUCKETS:
                    self.assertEqual(set(money["kpis"][bucket]), MONEY_FIGURES)
                    self.assertEqual(set(customers["kpis"][bucket]), CUSTOMER_FIGURES)
                self.assertEqual(
                    set(money["targets"]["totals"]), {"revenue", "invoiced", "margin", "collected"}
                )
                self.assertEqual(
                    customers["targets"],
                    {"totals": {"new_customers": customers["targets"]["totals"]["new_customers"]}},
                )
                for table in ("by_salesperson", "by_team"):
                    for row in money[table]:
                        self.assertLessEqual(set(row), ROW_KEYS | MONEY_ROW_KEYS | MONEY_FIGURES, row["name"])
                        self.assertLessEqual(MONEY_FIGURES, set(row), row["name"])
                        self.assertNotIn("new_customers", row.get("targets", {}))
                        for bucket in ("previous", "last_year"):
                            self.assertEqual(set(row[bucket]), MONEY_FIGURES)
                    for row in customers[table]:
                        self.assertLessEqual(set(row), ROW_KEYS | CUSTOMER_FIGURES, row["name"])
                        self.assertLessEqual(CUSTOMER_FIGURES, set(row), row["name"])
                        self.assertEqual(set(row.get("targets", {})) - {"new_customers"}, set())
                        for bucket in ("previous", "last_year"):
                            self.assertEqual(set(row[bucket]), CUSTOMER_FIGURES)

    def test_unknown_part(self):
        for part in ("customer", "MONEY", "", "money,customers"):
            with self.subTest(part=part), self.assertRaisesRegex(UserError, "Unknown part"):
                self._part(self.manager, part)

    def test_merge_matches_rows_by_key(self):
        """The merge the client copies: rows of the first part in its order,
        matched by key whatever the order of the other's, the others appended;
        nested dictionaries merged, other values replaced."""
        first = {
            "kpis": {"current": {"revenue": 1.0}},
            "by_salesperson": [
                {"key": {"user_id": 2}, "revenue": 20.0, "targets": {"revenue": {"target": 5.0}}},
                {"key": {"no_user": True}, "revenue": 1.0},
                {"key": {"user_id": 9}, "revenue": 3.0},
            ],
            "by_team": [],
            "empty_row": {"revenue": 0.0},
            "parts": ["money"],
        }
        second = {
            "kpis": {"current": {"customers": 3}},
            "by_salesperson": [
                {"key": {"user_id": 7}, "customers": 1, "targets": {"new_customers": {"target": 2.0}}},
                {"key": {"no_user": True}, "customers": 1},
                {"key": {"user_id": 2}, "customers": 2, "targets": {"new_customers": {"target": 1.0}}},
            ],
            "by_team": [{"key": {"team_id": 4}, "customers": 3}],
            "pareto": {"rows": []},
            "empty_row": {"customers": 0},
            "parts": ["customers"],
        }
        expected = {
            "kpis": {"current": {"revenue": 1.0, "customers": 3}},
            "by_salesperson": [
                {
                    "key": {"user_id": 2},
                    "revenue": 20.0,
                    "customers": 2,
                    "targets": {"revenue": {"target": 5.0}, "new_customers": {"target": 1.0}},
                },
                {"key": {"no_user": True}, "revenue": 1.0, "customers": 1},
                # in one part only: the other's figures as zeros
                {"key": {"user_id": 9}, "revenue": 3.0, "customers": 0},
                {
                    "key": {"user_id": 7},
                    "revenue": 0.0,
                    "customers": 1,
                    "targets": {"new_customers": {"target": 2.0}},
                },
            ],
            "by_team": [{"key": {"team_id": 4}, "revenue": 0.0, "customers": 3}],
            "pareto": {"rows": []},
            "empty_row": {"revenue": 0.0, "customers": 0},
            "parts": ["money", "customers"],
        }
        self.assertEqual(self.env["sales_plus.cockpit"]._merge_parts(first, second), expected)
        self.assertEqual(merge(first, second), expected)
        # neither part is changed
        self.assertEqual(
            first["by_salesperson"][0],
            {"key": {"user_id": 2}, "revenue": 20.0, "targets": {"revenue": {"target": 5.0}}},
        )
