# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: RUF001 (the expected Chinese texts use full-width punctuation)
from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


def _setup_chinese_approvals(cls):
    """Simplified and Traditional Chinese with the terms of the modules, a company
    and its price policy, a product at 1,000."""
    cls.langs = ("zh_CN", "zh_TW")
    for code in cls.langs:
        cls.env["res.lang"]._activate_lang(code)
    # one module at a time: the records named by several modules' .po files (the
    # model sale.order) get each file's languages, whichever is read last
    for module in ("sale", "base_tier_validation", "sale_tier_validation", "sales_plus"):
        cls.env["ir.module.module"]._load_module_terms([module], list(cls.langs))
    cls.env["sales_plus.price.rule"].search([]).action_archive()
    cls.company = cls.env["res.company"].create({"name": "審批測試公司"})
    cls.env["sales_plus.price.rule"].create(
        {
            "name": "Approval labels policy",
            "company_id": cls.company.id,
            "threshold_ids": [
                Command.create({"kind": "deviation", "deviation_from": 5, "deviation_to": 15, "level": 1}),
                Command.create({"kind": "deviation", "deviation_from": 15, "deviation_to": 100, "level": 2}),
            ],
        }
    )
    cls.product = cls.env["product.product"].create(
        {"name": "Label Router", "list_price": 1000.0, "taxes_id": [Command.clear()]}
    )


@tagged("post_install", "-at_install")
class TestTierValidationChinese(TransactionCase):
    """The labels and texts of OCA tier validation on a quotation, in Simplified and
    Traditional Chinese from sales_plus's .po files: base_tier_validation ships no
    zh_TW and leaves them empty in zh_CN."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _setup_chinese_approvals(cls)

    def _user(self, login, groups, lang="zh_TW"):
        return new_test_user(
            self.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            lang=lang,
        )

    def _pending_quotation(self, salesperson, price, team=None):
        """A quotation of ``salesperson`` at ``price`` (list price 1,000), its approval
        requested by him, in his language."""
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .with_context(lang=salesperson.lang)
            .create(
                {
                    "partner_id": self.env["res.partner"].create({"name": "審批客戶"}).id,
                    "team_id": team.id if team else False,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price}
                        )
                    ],
                }
            )
        )
        order.action_request_price_approval()
        self.assertEqual(order.price_approval_state, "pending")
        return order

    def test_form_labels_in_each_script(self):
        """The buttons and alerts that base_tier_validation puts on the quotation form."""
        form = self.env.ref("sale.view_order_form")
        expected = {
            "zh_CN": ("重新开始审批", "批准", "驳回", "已<b>审批通过</b>！", "已被<b>驳回</b>。"),
            "zh_TW": ("重新開始核准", "核准", "駁回", "已<b>核准通過</b>！", "已被<b>駁回</b>。"),
        }
        for lang, (restart, validate, reject, validated, rejected) in expected.items():
            doc = etree.fromstring(
                self.env["sale.order"].with_context(lang=lang).get_view(form.id, "form")["arch"]
            )
            buttons = {
                name: doc.xpath(f"//button[@name='{name}']")
                for name in ("restart_validation", "validate_tier", "reject_tier")
            }
            for name, nodes in buttons.items():
                self.assertTrue(nodes, f"{name} is on the form ({lang})")
            self.assertEqual(buttons["restart_validation"][0].get("string"), restart)
            self.assertEqual(buttons["validate_tier"][0].get("string"), validate)
            self.assertEqual(buttons["reject_tier"][0].get("string"), reject)
            for css_class, text in (("alert-success", validated), ("alert-danger", rejected)):
                alert = doc.xpath(f"//div[contains(@class, '{css_class}')]/p")
                self.assertTrue(alert, f"the {css_class} alert is on the form ({lang})")
                self.assertIn(text, etree.tostring(alert[0], encoding="unicode"))
            self.assertNotIn("Operation has been", etree.tostring(doc, encoding="unicode"))
        doc = etree.fromstring(
            self.env["sale.order"].with_context(lang="en_US").get_view(form.id, "form")["arch"]
        )
        self.assertEqual(
            doc.xpath("//button[@name='restart_validation']")[0].get("string"),
            "Restart Validation",
            "English stays as base_tier_validation has it",
        )

    def test_review_texts_in_the_readers_script(self):
        """The banner line, the next review and the review statuses are computed when
        read, in the reader's language; "to do by" is stored in the requester's."""
        salesperson = self._user("tier_label_salesperson", "sales_plus.group_sales_plus_user")
        leader = self._user("tier_label_leader", "sales_plus.group_sales_plus_team_leader")
        self._user("tier_label_manager", "sales_plus.group_sales_plus_manager")
        team = self.env["crm.team"].create(
            {
                "name": "審批團隊",
                "user_id": leader.id,
                "member_ids": [Command.set(salesperson.ids)],
                "company_id": self.company.id,
            }
        )
        # 20% under the list price: level 1 (the team leader), then level 2 (the managers)
        order = self._pending_quotation(salesperson, 800.0, team)
        reviews = order.review_ids.sorted("price_approval_level")
        self.assertEqual(reviews.mapped("price_approval_level"), [1, 2])
        self.assertEqual(reviews[1].todo_by, "經理（群組）")
        for lang, pending, next_review, waiting in (
            ("zh_CN", f"待 {leader.name} 审批", "下一步：价格审批 1 级（团队主管）", "等待中"),
            ("zh_TW", f"待 {leader.name} 核准", "下一步：價格核准 1 級（團隊主管）", "等待中"),
            (
                "en_US",
                f"Pending validation by {leader.name}",
                "Next: Price approval level 1 (team leader)",
                "Waiting",
            ),
        ):
            # computed on each request of the web client, in its language
            self.env.invalidate_all()
            read = order.with_user(leader).with_context(lang=lang)
            self.assertIn(pending, read.to_validate_message)
            self.assertIn('<i class="fa fa-lg fa-info-circle"></i>', read.to_validate_message)
            self.assertEqual(read.next_review, next_review)
            self.assertEqual(
                read.review_ids.sorted("price_approval_level").mapped("display_status")[1], waiting
            )

    def test_comment_dialog_in_each_script(self):
        """Validate asks the team leader for a comment: the dialog's title and buttons."""
        salesperson = self._user("tier_label_dialog", "sales_plus.group_sales_plus_user")
        leader = self._user("tier_label_dialog_leader", "sales_plus.group_sales_plus_team_leader")
        team = self.env["crm.team"].create(
            {"name": "意見團隊", "user_id": leader.id, "member_ids": [Command.set(salesperson.ids)]}
        )
        order = self._pending_quotation(salesperson, 900.0, team)
        wizard_view = self.env.ref("base_tier_validation.view_comment_wizard")
        for lang, comment, cancel in (("zh_CN", "审批意见", "取消"), ("zh_TW", "核准意見", "取消")):
            action = order.with_user(leader).with_context(lang=lang).validate_tier()
            self.assertEqual(action["res_model"], "comment.wizard")
            self.assertEqual(action["name"], comment)
            doc = etree.fromstring(
                self.env["comment.wizard"].with_context(lang=lang).get_view(wizard_view.id, "form")["arch"]
            )
            self.assertEqual(doc.xpath("//button[@name='add_comment']")[0].get("string"), comment)
            self.assertEqual(doc.xpath("//button[@special='cancel']")[0].get("string"), cancel)

    def test_more_reviewers_than_shown_in_the_requesters_script(self):
        """No team leader: level 1 falls back to the sales managers, three named and
        the others counted."""
        salesperson = self._user("tier_label_alone", "sales_plus.group_sales_plus_user", lang="zh_CN")
        managers = [
            self._user(f"tier_label_manager_{i}", "sales_plus.group_sales_plus_manager") for i in range(5)
        ]
        # 10% under the list price: level 1 only
        order = self._pending_quotation(salesperson, 900.0)
        review = order.review_ids
        self.assertEqual(len(review), 1)
        self.assertEqual(len(review.reviewer_ids), len(managers))
        self.assertFalse(review.reviewer_group_id)
        self.assertTrue(review.todo_by.endswith("（另有 2 人）"), review.todo_by)

    def test_document_to_validate_named_in_the_readers_script(self):
        """Before any review is pending, the banner names the document in the
        reader's language."""
        salesperson = self._user("tier_label_waiting", "sales_plus.group_sales_plus_user")
        self._user("tier_label_waiting_manager", "sales_plus.group_sales_plus_manager")
        order = self._pending_quotation(salesperson, 900.0)
        order.review_ids.sudo().status = "waiting"
        for lang, expected in (("zh_CN", "此销售订单需要审批"), ("zh_TW", "此銷售訂單需要核准")):
            self.env.invalidate_all()
            self.assertIn(expected, order.with_context(lang=lang).to_validate_message)

    def _price_activities(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("activity_type_id", "=", self.env.ref("sales_plus.mail_activity_type_price_approval").id),
            ]
        )

    def _decide(self, order, user):
        """``user`` approves with the comment dialog as it opens: empty."""
        action = order.with_user(user).with_context(lang=user.lang).validate_tier()
        self.assertEqual(action["res_model"], "comment.wizard")
        self.assertFalse(action["context"].get("default_comment"), "the comment starts empty")
        wizard = (
            self.env["comment.wizard"]
            .with_user(user)
            .with_context(**action["context"], lang=user.lang)
            .create({"comment": "OK"})
        )
        wizard.add_comment()

    def test_texts_for_people_in_their_language(self):
        """An en_US salesperson asks a level 2 price approval: the zh_CN team leader
        and then the zh_TW sales manager get their activity and the chatter
        message of their turn in their own script; the approval notice addressed
        to the salesperson is in English."""
        self.env["res.lang"]._activate_lang("en_US")
        salesperson = self._user("tier_lang_requester", "sales_plus.group_sales_plus_user", lang="en_US")
        leader = self._user("tier_lang_leader", "sales_plus.group_sales_plus_team_leader", lang="zh_CN")
        manager = self._user("tier_lang_manager", "sales_plus.group_sales_plus_manager", lang="zh_TW")
        team = self.env["crm.team"].create(
            {"name": "Language Team", "user_id": leader.id, "member_ids": [Command.set(salesperson.ids)]}
        )
        messages_before = self.env["mail.message"].search([]).ids
        # 20% under the list price: level 2, the team leader first
        order = self._pending_quotation(salesperson, 800.0, team)

        def new_messages():
            nonlocal messages_before
            messages = self.env["mail.message"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id), ("id", "not in", messages_before)]
            )
            messages_before += messages.ids
            # the price approval messages (with their table of line figures)
            return messages.filtered(lambda m: "o_sales_plus_price_approval_lines" in m.body)

        activity = self._price_activities(order)
        self.assertEqual(activity.user_id, leader)
        self.assertEqual(activity.summary, "审批价格（1 级）")
        self.assertIn("1 行需要 2 级审批（销售经理）", activity.note)
        self.assertIn("低于参考价 20.0%", activity.note)
        request = new_messages()
        self.assertEqual(len(request), 1)
        self.assertIn("已提交价格审批", request.body)
        self.assertIn("<th>产品</th>", request.body)
        self.assertNotIn("Price approval", request.body)
        self.assertIn("（用户组）", request.body, "who is to decide, in the reader's script")
        # the review table: "to do by" in the reader's language, whoever requested
        level_2 = order.review_ids.filtered(lambda r: r.price_approval_level == 2)
        self.assertTrue(level_2.reviewer_group_id)
        self.assertTrue(level_2.todo_by.startswith("Group "), "stored in the requester's language")
        for lang, suffix in (("zh_CN", "（用户组）"), ("zh_TW", "（群組）")):
            label = level_2.with_user(leader).with_context(lang=lang).price_approval_todo_by
            self.assertTrue(label.endswith(suffix), label)

        self._decide(order, leader)
        self.assertEqual(order.price_approval_state, "pending")
        activity = self._price_activities(order)
        self.assertEqual(activity.user_id, manager)
        self.assertEqual(activity.summary, "核准價格（2 級）")
        self.assertIn("1 行需要 2 級核准（業務經理）", activity.note)
        next_level = new_messages()
        self.assertIn("價格核准：本級已核准，等待下一級", next_level.body)
        self.assertIn("<th>商品</th>", next_level.body)
        self.assertIn("價格核准 1 級（團隊主管）", next_level.body)

        self._decide(order, manager)
        self.assertEqual(order.price_approval_state, "approved")
        self.assertFalse(self._price_activities(order))
        approved = new_messages()
        self.assertIn("Prices approved: the quotation may be sent and confirmed", approved.body)
        self.assertIn(salesperson.partner_id, approved.partner_ids)


@tagged("post_install", "-at_install")
class TestReviewTableLanguageUi(HttpCase):
    """An en_US salesperson asks a level 2 price approval; the zh_CN team leader
    opens the review table: who is to decide is in Simplified Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _setup_chinese_approvals(cls)

    _user = TestTierValidationChinese._user
    _pending_quotation = TestTierValidationChinese._pending_quotation

    def test_review_table_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("en_US")
        salesperson = self._user("tier_table_requester", "sales_plus.group_sales_plus_user", lang="en_US")
        leader = self._user("tier_table_leader", "sales_plus.group_sales_plus_team_leader", lang="zh_CN")
        leader.password = "tier_table_leader"
        self._user("tier_table_manager", "sales_plus.group_sales_plus_manager", lang="zh_TW")
        team = self.env["crm.team"].create(
            {"name": "Table Team", "user_id": leader.id, "member_ids": [Command.set(salesperson.ids)]}
        )
        order = self._pending_quotation(salesperson, 800.0, team)
        self.assertTrue(order.review_ids.filtered("reviewer_group_id").todo_by.startswith("Group "))
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_plus_review_table_lang_tour",
            login=leader.login,
        )
