# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

LANGUAGES = ("zh_CN", "zh_TW")


@tagged("post_install", "-at_install")
class TestNoEnglishUi(HttpCase):
    """A team leader working in Simplified or Traditional Chinese walks the screens
    sales_plus shows every day (the approvals to do, a quotation waiting for his
    price approval with its review block, the Sales Cockpit, the stock alerts);
    the tour fails on any visible Latin word outside a short allow-list
    (static/tests/tours/sales_plus_no_english_tour.js)."""

    browser_size = "1600,1000"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        # as each language installed from Settings: the terms of every installed module
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        for code in LANGUAGES:
            cls.env["ir.module.module"]._load_module_terms(installed, [code])
        # only the policies of the scenarios below apply
        cls.env["sales_plus.price.rule"].search([]).action_archive()

    def _scenario(self, lang, names):
        """A company in its own currency, a salesperson whose quotation waits for a
        level 2 price approval (the team leader first, then the sales managers),
        and a confirmed order short of stock (a stock alert for the team)."""
        currency = self.env.ref(names["currency"])
        currency.active = True
        # set up by an administrator working in the same language (the default pricelist
        # is named in the language of whoever creates the company)
        company = (
            self.env["res.company"]
            .with_context(lang=lang)
            .create({"name": names["company"], "currency_id": currency.id})
        )

        def user(login, name, groups):
            return new_test_user(
                self.env,
                login=f"{login}_{lang.lower()}",
                name=name,
                password=f"{login}_{lang.lower()}",
                groups=f"base.group_user,{groups}",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                lang=lang,
                tz=names["tz"],
            )

        salesperson = user("no_english_salesperson", names["salesperson"], "sales_plus.group_sales_plus_user")
        leader = user("no_english_leader", names["leader"], "sales_plus.group_sales_plus_team_leader")
        user("no_english_manager", names["manager"], "sales_plus.group_sales_plus_manager")
        team = self.env["crm.team"].create(
            {
                "name": names["team"],
                "user_id": leader.id,
                "member_ids": [Command.set(salesperson.ids)],
                "company_id": company.id,
            }
        )
        self.env["sales_plus.price.rule"].create(
            {
                "name": names["policy"],
                "company_id": company.id,
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
        customer = self.env["res.partner"].create(
            {"name": names["customer"], "is_company": True, "company_id": company.id}
        )
        router, cabinet = self.env["product.product"].create(
            [
                {
                    "name": names["router"],
                    "default_code": "SP-R100",
                    "list_price": 25000.0,
                    "taxes_id": [Command.clear()],
                },
                {
                    "name": names["cabinet"],
                    "default_code": "SP-C200",
                    "list_price": 3000.0,
                    "type": "consu",
                    "is_storable": True,
                    "taxes_id": [Command.clear()],
                },
            ]
        )
        router.with_company(company).standard_price = 15000.0
        cabinet.with_company(company).standard_price = 1800.0
        # the salesperson's own work, in his language (the texts it stores and sends)
        Order = self.env["sale.order"].with_user(salesperson).with_context(lang=lang, tz=names["tz"])
        common = {"partner_id": customer.id, "team_id": team.id}
        # 20% under the list price: level 2
        quotation = Order.create(
            {
                **common,
                "order_line": [
                    Command.create({"product_id": router.id, "product_uom_qty": 4, "price_unit": 20000.0})
                ],
            }
        )
        quotation.action_request_price_approval()
        self.assertEqual(quotation.price_approval_state, "pending")
        self.assertEqual(len(quotation.review_ids), 2, "level 1 (team leader) and level 2 (managers)")
        self.assertTrue(quotation.with_user(leader).can_review, "the team leader decides first")
        # 10 cabinets, none in stock: a shortage alert on confirmation
        order = Order.create(
            {**common, "order_line": [Command.create({"product_id": cabinet.id, "product_uom_qty": 10})]}
        )
        order.action_confirm()
        alerts = self.env["sales_plus.stock.alert"].with_user(leader).search([("order_id", "=", order.id)])
        self.assertTrue(alerts, "the team leader sees the shortage alert of his team's order")
        return leader

    def test_zh_cn_team_leader_sees_no_english(self):
        leader = self._scenario(
            "zh_CN",
            {
                "currency": "base.CNY",
                "tz": "Asia/Shanghai",
                "company": "杭州测试贸易有限公司",
                "salesperson": "王芳",
                "leader": "李伟",
                "manager": "张敏",
                "team": "华东销售组",
                "policy": "杭州价格政策",
                "customer": "苏州工业园电子有限公司",
                "router": "工业级路由器",
                "cabinet": "网络机柜",
            },
        )
        self.start_tour(
            "/odoo/action-sales_plus.sale_order_action_price_approval_to_do",
            "sales_plus_no_english_zh_CN_tour",
            login=leader.login,
        )

    def test_zh_tw_team_leader_sees_no_english(self):
        leader = self._scenario(
            "zh_TW",
            {
                "currency": "base.TWD",
                "tz": "Asia/Taipei",
                "company": "新竹測試貿易股份有限公司",
                "salesperson": "陳美玲",
                "leader": "林志豪",
                "manager": "黃淑芬",
                "team": "北區業務組",
                "policy": "新竹價格政策",
                "customer": "高雄港灣電子有限公司",
                "router": "工業級路由器",
                "cabinet": "網路機櫃",
            },
        )
        self.start_tour(
            "/odoo/action-sales_plus.sale_order_action_price_approval_to_do",
            "sales_plus_no_english_zh_TW_tour",
            login=leader.login,
        )
