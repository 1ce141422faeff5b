# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesPlusCommon
from .test_rfm import NOW, RfmCommon

# a list wider than this many columns by default cuts its headers at 1600 px
MAX_DEFAULT_COLUMNS = 9


def default_columns(arch):
    """The names of the columns a list shows by default: neither invisible nor
    optional hidden."""
    return [
        node.get("name")
        for node in arch.xpath("/list/field")
        if node.get("column_invisible") not in ("1", "True") and node.get("optional") != "hide"
    ]


class ScreensMixin:
    """Helpers: the arch of a view as a user's web client receives it, and
    the Chinese terms of the addon."""

    @classmethod
    def _load_chinese(cls):
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_plus"], ["zh_CN"])

    def _arch(self, model, view_type, user):
        result = self.env[model].with_user(user).get_views([(False, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"])

    def _field(self, arch, name):
        nodes = arch.xpath(f"//field[@name='{name}']")
        self.assertTrue(nodes, f"the view shows {name}")
        return nodes[0]


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestScreensGrading(ScreensMixin, RfmCommon):
    """The customer grading list, pivot and form; the team of a grade; the
    language of the win-back activities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.sp_users["user"]
        cls.customers = cls._customers(3, user=cls.salesperson, prefix="Screen")
        cls._orders([(c, 100.0 * (i + 1), 5 + i) for i, c in enumerate(cls.customers)])

    def test_list_columns(self):
        arch = self._arch("sales_plus.rfm.grade", "list", self.salesperson)
        self.assertFalse(self._field(arch, "frequency").get("sum"), "orders of different customers added up")
        self.assertTrue(self._field(arch, "monetary").get("sum"))
        self.assertFalse(
            arch.xpath("//field[@widget='boolean_toggle']"), "toggle switches in a read-only list"
        )
        dormancy = self._field(arch, "dormancy")
        self.assertEqual(dormancy.get("widget"), "badge")
        columns = default_columns(arch)
        self.assertIn("partner_id", columns)
        self.assertIn("dormancy", columns)
        self.assertLessEqual(len(columns), MAX_DEFAULT_COLUMNS, columns)
        for name in ("r_score", "f_score", "m_score", "team_id", "median_gap_days"):
            self.assertEqual(self._field(arch, name).get("optional"), "hide", name)

    def test_dormant_badge(self):
        self._regrade()
        grades = self.Grade.sudo().search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(grades), 3)
        self.assertEqual(set(grades.mapped("dormancy")), {False})
        grades[0].is_dormant = True
        self.assertEqual(grades[0].dormancy, "dormant")
        labels = dict(self.Grade.with_context(lang="en_US").fields_get(["dormancy"])["dormancy"]["selection"])
        self.assertEqual(labels["dormant"], "Dormant")

    def test_pivot_counts_customers(self):
        arch = self._arch("sales_plus.rfm.grade", "pivot", self.salesperson)
        self.assertEqual(self._field(arch, "monetary").get("type"), "measure")
        action = self.env["ir.actions.act_window"].with_user(self.salesperson)
        action = action._for_xml_id("sales_plus.sales_plus_rfm_grade_action")
        context = safe_eval(action["context"], {"uid": self.salesperson.id})
        self.assertEqual(context["pivot_measures"], ["__count", "monetary"])

    def test_team_of_the_grade_company(self):
        """A salesperson of two companies whose main team is the other
        company's: the grade gets their team of its own company; one without a
        team in the grade's company, none."""
        shanghai = self.env["res.company"].create({"name": "Screens Shanghai"})
        self.salesperson.company_ids += shanghai
        shanghai_team = self.env["crm.team"].create(
            {
                "name": "Shanghai Team",
                "company_id": shanghai.id,
                "member_ids": [Command.link(self.salesperson.id)],
            },
        )
        us_team = self.env["crm.team"].create(
            {
                "name": "US Team",
                "company_id": self.company_a.id,
                "member_ids": [Command.link(self.salesperson.id)],
            },
        )
        # their main team (the first joined) is Shanghai's
        self.salesperson.sale_team_id = shanghai_team
        self.env.flush_all()
        # a salesperson of Shanghai only, selling in company A
        only_shanghai = self.sp_users["manager"]
        only_shanghai.company_ids += shanghai
        self.env["crm.team"].create(
            {"name": "Shanghai Team 2", "company_id": shanghai.id, "user_id": only_shanghai.id}
        )
        theirs = self._customers(1, user=only_shanghai, prefix="Shanghai only")
        self._orders([(theirs, 50.0, 3)])
        self._regrade()
        self.assertEqual(self._grade(self.customers[0]).team_id, us_team)
        self.assertFalse(self._grade(theirs).team_id)
        # a team shared by every company counts when the company has none of its own
        shared = self.env["crm.team"].create(
            {"name": "Shared Team", "company_id": False, "member_ids": [Command.link(only_shanghai.id)]}
        )
        self._regrade()
        self.assertEqual(self._grade(theirs).team_id, shared)
        self.assertEqual(self._grade(self.customers[0]).team_id, us_team, "the company's own team first")
        # the team as the salesperson reads it in the list
        grades = self.Grade.with_user(self.salesperson).with_company(self.company_a)
        rows = grades.search_read([("partner_id", "in", self.customers.ids)], ["team_id"])
        self.assertEqual({row["team_id"][0] for row in rows}, {us_team.id})

    def test_win_back_summary_in_the_responsible_language(self):
        self._load_chinese()
        self.salesperson.lang = "zh_CN"
        other = self.sp_users["manager"]
        other.lang = "en_US"
        win_back = [[self.salesperson.id, 1, [self.customers[0].id]], [other.id, 1, [self.customers[1].id]]]
        activities = self.Grade.sudo()._rfm_schedule_win_back(
            self.company_a, win_back, 5, fields.Date.to_date(NOW[:10])
        )
        summaries = {activity.user_id: activity.summary for activity in activities}
        self.assertEqual(summaries[self.salesperson], "挽回休眠客户")
        self.assertEqual(summaries[other], "Win back a dormant customer")


@tagged("post_install", "-at_install")
class TestScreensStockAlerts(ScreensMixin, SalesPlusCommon):
    """The stock alert list and kanban; the language of their activities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.sp_users["user"]
        cls.order = cls.env["sale.order"].create(
            {"partner_id": cls.partner.id, "user_id": cls.salesperson.id}
        )

    def test_list_columns(self):
        arch = self._arch("sales_plus.stock.alert", "list", self.salesperson)
        columns = default_columns(arch)
        for name in ("alert_type", "product_id", "warehouse_id", "order_id", "quantity", "state"):
            self.assertIn(name, columns)
        self.assertLessEqual(len(columns), MAX_DEFAULT_COLUMNS, columns)
        for name in ("create_date", "picking_id", "expected_date", "activity_ids", "salesperson_id"):
            self.assertEqual(self._field(arch, name).get("optional"), "hide", name)

    def test_no_date_widget_on_a_datetime(self):
        """Odoo 19 warns in the console for a datetime field shown with the date widget."""
        model = "sales_plus.stock.alert"
        for view_type in ("kanban", "list", "form"):
            result = self.env[model].with_user(self.salesperson).get_views([(False, view_type)])
            arch = etree.fromstring(result["views"][view_type]["arch"])
            field_types = {name: field["type"] for name, field in result["models"][model]["fields"].items()}
            nodes = arch.xpath("//field[@name='promised_date']")
            self.assertTrue(nodes or view_type == "form", view_type)
            for node in arch.iter("field"):
                if field_types.get(node.get("name")) == "datetime":
                    self.assertNotIn(node.get("widget"), ("date", "daterange"), (view_type, node.get("name")))

    def test_activity_in_the_assignee_language(self):
        self._load_chinese()
        self.salesperson.lang = "zh_CN"
        alert = (
            self.env["sales_plus.stock.alert"]
            .sudo()
            .with_context(lang="en_US")
            .create(
                {
                    "alert_type": "reservation_expiring",
                    "subject_key": f"order:{self.order.id}",
                    "company_id": self.order.company_id.id,
                    "order_id": self.order.id,
                    "user_id": self.salesperson.id,
                    "salesperson_id": self.salesperson.id,
                }
            )
        )
        alert._stock_alert_assign()
        self.assertEqual(alert.activity_ids.summary, f"{self.order.name} 即将过期\uff1a库存未保留")
        self.assertEqual(alert.activity_ids.user_id, self.salesperson)
