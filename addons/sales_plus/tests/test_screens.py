# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.addons.sales_plus.models.sales_plus_stock_alert import _lt as stock_alert_lt
from odoo.fields import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesPlusCommon
from .test_cockpit import TODAY, CockpitCommon
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
        # the notice of the others, too
        self.Grade.sudo().with_context(lang="en_US")._rfm_schedule_win_back(
            self.company_a,
            [[self.salesperson.id, 3, [self.customers[2].id]]],
            1,
            fields.Date.to_date(NOW[:10]),
        )
        notice = self.env["mail.message"].search(
            [("partner_ids", "in", self.salesperson.partner_id.ids), ("subject", "=", "需要挽回的休眠客户")]
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("休眠", notice.body)


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
        activity = alert.activity_ids
        self.assertEqual(activity.summary, f"{self.order.name} 即将过期\uff1a库存未保留")
        self.assertEqual(activity.user_id, self.salesperson)
        # resolved by the scan: the activity done with its feedback in the same language
        alert._stock_alert_close_activities(stock_alert_lt("Resolved: the cause cleared."))
        self.assertFalse(activity.active)
        self.assertEqual(activity.feedback, "已解决\uff1a原因已消除。")
        self.assertIn("已解决", str(alert.message_ids[0].body))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestScreensTargets(ScreensMixin, CockpitCommon):
    """The targets list and form: no total across metrics, the sum of member
    targets on team targets only, the actual, completion and pace of each
    target, the way to the cockpit; pacing alerts in the leader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Target = cls.env["sales_plus.target"]
        cls.seller_target, cls.margin_target, cls.team_target = Target.create(
            [
                {"user_id": cls.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 10000},
                {"user_id": cls.seller_a.id, "metric": "margin", "date_from": "2024-03-01", "amount": 500},
                {
                    "team_id": cls.team_1.id,
                    "metric": "revenue",
                    "date_from": "2024-01-01",
                    "amount": 30000,
                    "period_type": "quarter",
                },
            ]
        )

    def test_list_and_form(self):
        arch = self._arch("sales_plus.target", "list", self.leader)
        self.assertFalse(arch.xpath("//field[@sum or @avg]"), "no total across metrics")
        self.assertEqual(self._field(arch, "member_target_amount").get("invisible"), "not team_id")
        for name in ("actual_amount", "completion_rate", "pace_rate"):
            self.assertNotEqual(self._field(arch, name).get("optional"), "hide", name)
        self.assertTrue(arch.xpath("//button[@name='action_open_cockpit']"))
        form = self._arch("sales_plus.target", "form", self.leader)
        for name in ("actual_amount", "completion_rate", "pace_rate"):
            self._field(form, name)
        self.assertTrue(form.xpath("//button[@name='action_open_cockpit']"))

    def test_actual_completion_and_pace(self):
        self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9))
        self._order(self.seller_a, 5000.0, datetime(2024, 2, 4, 9))  # the team's quarter only
        targets = (
            self.env["sales_plus.target"]
            .with_user(self.leader)
            .browse((self.seller_target | self.margin_target | self.team_target).ids)
        )
        Target = type(self.env["sales_plus.target"])
        with patch.object(
            Target, "_pacing_actuals", autospec=True, side_effect=Target._pacing_actuals
        ) as actuals:
            # reading one computes the whole batch
            self.assertAlmostEqual(targets[0].actual_amount, 1000.0)
        self.assertEqual(actuals.call_count, 1, "one batch for the targets of a company")
        seller, margin, team = targets
        # 14 of March's 21 working days gone on the 20th: 10000 x 2/3 expected
        self.assertAlmostEqual(seller.actual_amount, 1000.0)
        self.assertAlmostEqual(seller.completion_rate, 0.1)
        self.assertAlmostEqual(seller.pace_rate, 1000.0 / (10000.0 * 14 / 21))
        self.assertAlmostEqual(margin.actual_amount, 960.0)  # 1000 less the cost of 40
        self.assertAlmostEqual(margin.completion_rate, 1.92)
        self.assertAlmostEqual(team.actual_amount, 6000.0)
        self.assertAlmostEqual(team.completion_rate, 0.2)
        # the same figures as the pacing alerts read
        self.assertEqual(targets.sudo()._pacing_actuals(), {t.id: t.actual_amount for t in targets.sudo()})

    def test_salesperson_reads_the_progress_of_their_target(self):
        self._order(self.seller_a, 2000.0, datetime(2024, 3, 4, 9))
        mine = self.env["sales_plus.target"].with_user(self.seller_a).search([("metric", "=", "revenue")])
        self.assertEqual(mine, self.seller_target)
        rows = mine.read(["actual_amount", "completion_rate", "pace_rate"])
        self.assertAlmostEqual(rows[0]["actual_amount"], 2000.0)
        self.assertAlmostEqual(rows[0]["completion_rate"], 0.2)
        self.assertAlmostEqual(rows[0]["pace_rate"], 0.3)  # 2000 of 10000 x 14/21 expected
        action = mine.action_open_cockpit()
        data = self.env["sales_plus.cockpit"].with_user(self.seller_a).get_cockpit_data(action["params"])
        self.assertEqual(data["filters"]["user_id"], self.seller_a.id)

    def test_new_target_typed_in_the_form(self):
        self._order(self.seller_b, 3000.0, datetime(2024, 3, 4, 9))
        with Form(self.env["sales_plus.target"].with_user(self.manager)) as form:
            form.user_id = self.seller_b
            form.metric = "revenue"
            form.date_from = date(2024, 3, 1)
            form.amount = 6000.0
            # the progress while typing, before the target is saved
            self.assertAlmostEqual(form.actual_amount, 3000.0)
            self.assertAlmostEqual(form.completion_rate, 0.5)
        target = form.record
        self.assertEqual(target.date_to, date(2024, 3, 31))
        self.assertAlmostEqual(target.completion_rate, 0.5)

    def test_open_cockpit_on_the_target(self):
        action = self.team_target.with_user(self.leader).action_open_cockpit()
        self.assertEqual(action["tag"], "sales_plus.cockpit")
        expected = {
            "company_id": self.company.id,
            "period_type": "quarter",
            "date_from": "2024-01-01",
            "date_to": "2024-03-31",
            "user_id": False,
            "team_id": self.team_1.id,
        }
        self.assertEqual(action["params"], expected)
        self.assertEqual(action["context"]["sales_plus_cockpit_filters"], expected)
        # the cockpit takes these filters as they are
        data = self.env["sales_plus.cockpit"].with_user(self.leader).get_cockpit_data(action["params"])
        self.assertEqual(data["filters"], expected)

    def test_pacing_alert_in_the_leader_language(self):
        self._load_chinese()
        self.company.sales_plus_pacing_elapsed_pct = 50
        self.company.sales_plus_pacing_completion_pct = 40
        self.leader.lang = "zh_CN"
        self.env["sales_plus.target"].with_context(lang="en_US")._cron_pacing_alerts()
        activity = self.seller_target.activity_ids
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn("进度落后", activity.summary)
        self.assertIn("销售额", activity.summary, "the target's metric in Chinese too")
        self.assertNotIn("behind pace", self.seller_target.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestScreensTargetCockpitTour(HttpCase):
    """The cockpit opened from a target starts on the target's period and team."""

    def test_target_opens_the_cockpit_on_it(self):
        self.env["res.lang"]._activate_lang("en_US")
        manager = new_test_user(
            self.env,
            login="target_tour_manager",
            password="target_tour_manager",
            groups="base.group_user,sales_plus.group_sales_plus_manager",
            tz="UTC",
            lang="en_US",
        )
        team = self.env["crm.team"].create({"name": "Target Tour Team", "company_id": manager.company_id.id})
        target = self.env["sales_plus.target"].create(
            {
                "team_id": team.id,
                "metric": "revenue",
                "date_from": "2024-01-01",
                "period_type": "quarter",
                "amount": 30000,
            }
        )
        self.start_tour(
            f"/odoo/action-sales_plus.sales_plus_target_action/{target.id}",
            "sales_plus_target_cockpit_tour",
            login=manager.login,
        )
