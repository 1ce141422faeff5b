# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import json
import os
from pathlib import Path
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

# When set (``make screenshots``), the tours below save PNG files there; without
# it they run the same steps and save nothing.
SCREENSHOT_DIR_VARIABLE = "SALES_PLUS_SCREENSHOT_DIR"
# A tour step logs this followed by a file name, then waits for the test to mark
# <body data-sales-plus-screenshot="NAME"> (screenshot saved, or none asked).
SCREENSHOT_SIGNAL = "sales_plus:screenshot "


class ChineseUiCase(HttpCase):
    """Browser tours run by users working in Simplified or Traditional Chinese,
    in a company of their own currency; no demo data needed."""

    browser_size = "1440,900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("zh_CN", "zh_TW"):
            cls.env["res.lang"]._activate_lang(code)
        # model terms (menus, views, fields) of the screens the tours open;
        # JavaScript and template terms are read from the .po files by the web client
        cls.env["ir.module.module"]._load_module_terms(
            ["sale", "sales_team", "sale_management", "sale_margin", "sales_plus"], ["zh_CN", "zh_TW"]
        )

    @classmethod
    def _company(cls, name, currency_xmlid):
        currency = cls.env.ref(currency_xmlid)
        currency.active = True
        return cls.env["res.company"].create({"name": name, "currency_id": currency.id})

    @classmethod
    def _user(cls, login, name, company, lang, tz, groups):
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            password=login,
            groups=f"base.group_user,{groups}",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            lang=lang,
            tz=tz,
        )

    def _start_tour_with_screenshots(self, url, tour, login):
        """``start_tour``, answering the tour's screenshot requests (see
        SCREENSHOT_SIGNAL): a PNG of the browser's viewport is saved under
        $SALES_PLUS_SCREENSHOT_DIR when that variable is set."""
        directory = os.environ.get(SCREENSHOT_DIR_VARIABLE)
        handle_console = ChromeBrowser._handle_console

        def mark_done(browser, name):
            browser._websocket_send(
                "Runtime.evaluate",
                params={"expression": f"document.body.dataset.salesPlusScreenshot = {json.dumps(name)};"},
            )

        def save(browser, name, future):
            path = Path(directory, f"{name}.png")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(future.result()["data"]))
            browser._logger.info("screenshot saved in %s", path)
            mark_done(browser, name)

        def console(browser, type, args=None, **kwargs):  # pylint: disable=redefined-builtin
            message = args[0].get("value") if args else None
            if not (isinstance(message, str) and message.startswith(SCREENSHOT_SIGNAL)):
                return handle_console(browser, type, args=args, **kwargs)
            name = message.removeprefix(SCREENSHOT_SIGNAL)
            if directory:
                future = browser._websocket_send("Page.captureScreenshot", with_future=True)
                future.add_done_callback(lambda f: save(browser, name, f))
            else:
                mark_done(browser, name)

        with patch.object(ChromeBrowser, "_handle_console", console):
            self.start_tour(url, tour, login=login)


@tagged("post_install", "-at_install")
class TestCockpitChineseUi(ChineseUiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_cn = cls._company("上海测试贸易有限公司", "base.CNY")
        cls.manager_cn = cls._user(
            "cockpit_zh_cn_manager",
            "李明",
            cls.company_cn,
            "zh_CN",
            "Asia/Shanghai",
            "sales_plus.group_sales_plus_manager",
        )
        cls.env["sales_plus.price.rule"].search([]).action_archive()
        customer = cls.env["res.partner"].create(
            {"name": "杭州西湖茶业有限公司", "is_company": True, "company_id": cls.company_cn.id}
        )
        product = cls.env["product.product"].create(
            {"name": "龙井茶礼盒", "list_price": 1234.56, "taxes_id": [Command.clear()]}
        )
        product.with_company(cls.company_cn).standard_price = 800.0
        # 123,456.00 this month (¥ 12.35万), 61,728.00 last month, a target of 200,000
        # mid-month: in the browser's month whatever the time zones
        now = fields.Datetime.now().replace(day=15, hour=4)
        for quantity, when in ((100, now), (50, now - relativedelta(months=1))):
            order = (
                cls.env["sale.order"]
                .with_company(cls.company_cn)
                .create(
                    {
                        "partner_id": customer.id,
                        "user_id": cls.manager_cn.id,
                        "company_id": cls.company_cn.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": quantity})
                        ],
                    }
                )
            )
            order.action_confirm()
            order.date_order = when
        cls.env["sales_plus.target"].create(
            {
                "company_id": cls.company_cn.id,
                "user_id": cls.manager_cn.id,
                "metric": "revenue",
                "period_type": "month",
                "date_from": now.date().replace(day=1),
                "amount": 200000.0,
            }
        )

    def test_zh_cn_cockpit_in_chinese_with_wan_units(self):
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.manager_cn)
        self.assertTrue(settings.sales_plus_cockpit_wan_units, "万 by default for a zh_CN user")
        self._start_tour_with_screenshots(
            "/odoo/action-sales_plus.sales_plus_cockpit_action",
            "sales_plus_cockpit_zh_CN_tour",
            login=self.manager_cn.login,
        )
        settings.invalidate_recordset()
        self.assertFalse(settings.sales_plus_cockpit_wan_units, "the choice is kept for the next visit")


@tagged("post_install", "-at_install")
class TestPriceApprovalChineseUi(ChineseUiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_tw = cls._company("台北測試貿易股份有限公司", "base.TWD")
        cls.salesperson_tw = cls._user(
            "approval_zh_tw_salesperson",
            "陳美玲",
            cls.company_tw,
            "zh_TW",
            "Asia/Taipei",
            "sales_plus.group_sales_plus_user",
        )
        leader = cls._user(
            "approval_zh_tw_leader",
            "林志豪",
            cls.company_tw,
            "zh_TW",
            "Asia/Taipei",
            "sales_plus.group_sales_plus_team_leader",
        )
        team = cls.env["crm.team"].create(
            {
                "name": "台北業務一組",
                "user_id": leader.id,
                "member_ids": [Command.set(cls.salesperson_tw.ids)],
                "company_id": cls.company_tw.id,
            }
        )
        # only this policy applies: 5-15% under the list price needs the team leader
        cls.env["sales_plus.price.rule"].search([]).action_archive()
        cls.env["sales_plus.price.rule"].create(
            {
                "name": "Taipei policy",
                "company_id": cls.company_tw.id,
                "threshold_ids": [
                    Command.create(
                        {"kind": "deviation", "deviation_from": 5, "deviation_to": 15, "level": 1}
                    ),
                    Command.create(
                        {"kind": "deviation", "deviation_from": 15, "deviation_to": 100, "level": 2}
                    ),
                ],
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "高雄港灣電子有限公司", "is_company": True, "company_id": cls.company_tw.id}
        )
        product = cls.env["product.product"].create(
            {"name": "工業級路由器", "list_price": 25000.0, "taxes_id": [Command.clear()]}
        )
        product.with_company(cls.company_tw).standard_price = 15000.0
        cls.order = (
            cls.env["sale.order"]
            .with_company(cls.company_tw)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.salesperson_tw.id,
                    "team_id": team.id,
                    "company_id": cls.company_tw.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": 4, "price_unit": 22000.0}
                        )
                    ],
                }
            )
        )

    def test_zh_tw_salesperson_sees_the_approval_banner_in_traditional_chinese(self):
        self.assertEqual(self.order.price_approval_state, "to_request")
        self._start_tour_with_screenshots(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}",
            "sales_plus_price_approval_zh_TW_tour",
            login=self.salesperson_tw.login,
        )
        self.assertEqual(self.order.price_approval_state, "pending")
