# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every control attacked as the user it controls, the way an RPC client would
(``with_user(user)`` and ORM calls, never sudo): the approval fields, the
approval cost, the reviews, what reaches a customer while prices wait for an
approval, the records only their owners may change, and the access matrix of
the README ("Access matrix") for each Sales Plus group and model."""

import base64
from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.addons.sales_plus.tools import LOCK_PRICE_REVIEW
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, new_test_user, tagged

from .test_price_approval import PriceApprovalCommon

# the fields that decide or record a price approval: written by the server only
LINE_APPROVAL_VALUES = {
    "price_approval_level": 0,
    "price_approval_deviation": 0.0,
    "price_approval_reference_price": 60.0,
    "price_approval_effective_price": 100.0,
    "price_approval_margin": 50.0,
    "price_approval_rule_id": False,
    "price_approval_snapshot_level": 3,
    "price_approval_snapshot_price": 60.0,
    "price_approval_snapshot_discount": 0.0,
    "price_approval_snapshot_deviation": 45.0,
    "price_approval_snapshot_margin": -10.0,
    "price_approval_cost": 0.0,
}
ORDER_APPROVAL_VALUES = {
    "price_approval_level": 0,
    "price_approval_state": "approved",
    "price_approval_approved_level": 3,
    "validation_status": "validated",
}


class _Rollback(Exception):
    """Undoes an attempt that succeeded, so that the next role starts afresh."""


class SecurityCommon(PriceApprovalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="sec_admin",
            groups="base.group_user,sales_plus.group_sales_plus_admin",
            email="sec_admin@example.com",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer.email = "customer@example.com"

    @contextmanager
    def assertRefused(self, exception, regex):
        """``assertRaisesRegex`` that also rolls back what was written before the
        error, as the failed RPC call would (only ``assertRaises`` does)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    def _approved_order(self, price=80.0):
        """A level-2 order approved by the leader and the manager."""
        order = self._order([(self.desk, 1, price, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self._decide(order, self.leader)
        self._decide(order, self.manager)
        self.assertEqual(order.price_approval_state, "approved")
        return order

    def _attempt(self, function):
        """Run ``function`` and undo it: True if it was allowed, False if it was
        refused with an AccessError (any other error fails the test)."""
        try:
            with self.env.cr.savepoint():
                function()
                self.env.flush_all()
                raise _Rollback
        except _Rollback:
            allowed = True
        except AccessError:
            allowed = False
        self.env.invalidate_all()
        return allowed


@tagged("post_install", "-at_install")
class TestApprovalFieldsProtected(SecurityCommon):
    """Issue cases 1 and 2: the approval fields are not writable over RPC."""

    def test_approval_level_not_writable(self):
        order = self._order([(self.desk, 1, 60.0, 0.0)])
        line = order.order_line
        self.assertEqual(line.price_approval_level, 3)
        for user in (self.salesperson, self.leader, self.manager, self.general_manager, self.admin):
            for name, value in LINE_APPROVAL_VALUES.items():
                with self.assertRefused(AccessError, "set by the price approval"):
                    line.with_user(user).write({name: value})
                with self.assertRefused(AccessError, "set by the price approval"):
                    order.with_user(user).write({"order_line": [Command.update(line.id, {name: value})]})
            for name, value in ORDER_APPROVAL_VALUES.items():
                with self.assertRefused(AccessError, "set by the price approval"):
                    order.with_user(user).write({name: value})
            with self.assertRefused(AccessError, "set by the price approval"):
                self.env["sale.order.line"].with_user(user).create(
                    {"order_id": order.id, "product_id": self.chair.id, "price_approval_level": 0}
                )
            with self.assertRefused(AccessError, "set by the price approval"):
                self._order([(self.chair, 1, 10.0, 0.0)], price_approval_state="approved")
        self.assertEqual(line.price_approval_level, 3)
        self.assertEqual(order.price_approval_state, "to_request")
        with self.assertRefused(UserError, "cannot be confirmed before its prices are approved"):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_approved_snapshot_not_writable(self):
        order = self._approved_order(80.0)
        line = order.order_line
        self.assertAlmostEqual(line.price_approval_snapshot_deviation, 20.0)
        with self.assertRefused(AccessError, "set by the price approval"):
            line.with_user(self.salesperson).write(
                {"price_approval_snapshot_deviation": 29.9, "price_approval_snapshot_price": 71.0}
            )
        self.assertAlmostEqual(line.price_approval_snapshot_deviation, 20.0)
        # 71 is worse than the approved 80: the approval starts again
        line.with_user(self.salesperson).price_unit = 71.0
        self.assertEqual(order.price_approval_state, "pending")
        with self.assertRefused(UserError, "cannot be confirmed"):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_server_logic_still_writes_them(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        self.assertEqual(order.order_line.price_approval_snapshot_level, 1)
        self._decide(order, self.leader)
        self.assertEqual(order.price_approval_approved_level, 1)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        # a copy starts without any approval figures
        copy = order.with_user(self.salesperson).copy()
        self.assertEqual(copy.order_line.price_approval_snapshot_level, 0)
        self.assertEqual(copy.price_approval_state, "to_request")


@tagged("post_install", "-at_install")
class TestApprovalCost(SecurityCommon):
    """Issue case 3: the margin used for approval comes from a cost the
    salesperson cannot change."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cost_manager = new_test_user(
            cls.env,
            login="sec_cost_manager",
            groups="base.group_user,sales_plus.group_sales_plus_manager,product.group_product_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_salesperson_cannot_lower_the_approval_cost(self):
        self.desk.standard_price = 98.0
        order = self._order([(self.desk, 1, 94.0, 0.0)])
        line = order.order_line
        self.assertAlmostEqual(line.price_approval_deviation, 6.0)
        self.assertAlmostEqual(line.price_approval_margin, (94.0 - 98.0) / 94.0 * 100, places=2)
        self.assertEqual(line.price_approval_level, 3)
        # the web client lets the salesperson edit the Cost: it no longer counts
        line.with_user(self.salesperson).purchase_price = 0.0
        self.assertEqual(line.purchase_price, 0.0)
        self.assertAlmostEqual(line.price_approval_margin, (94.0 - 98.0) / 94.0 * 100, places=2)
        self.assertEqual(line.price_approval_level, 3)
        order.with_user(self.salesperson).write(
            {"order_line": [Command.update(line.id, {"purchase_price": 1.0})]}
        )
        self.assertEqual(line.price_approval_level, 3)
        # nor on a new line
        order.with_user(self.salesperson).write(
            {
                "order_line": [
                    Command.create({"product_id": self.desk.id, "price_unit": 94.0, "purchase_price": 0.0})
                ]
            }
        )
        self.assertEqual(order.order_line[1].price_approval_level, 3)
        self.assertEqual(order.price_approval_level, 3)
        # a user who may set product costs may set the line's cost: it counts
        line.with_user(self.cost_manager).purchase_price = 90.0
        self.assertAlmostEqual(line.price_approval_cost, 90.0)
        self.assertEqual(line.price_approval_cost_user_id, self.cost_manager)
        self.assertAlmostEqual(line.price_approval_margin, (94.0 - 90.0) / 94.0 * 100, places=2)
        self.assertEqual(line.price_approval_level, 1)
        # and the salesperson cannot undo it either way
        line.with_user(self.salesperson).purchase_price = 0.0
        self.assertAlmostEqual(line.price_approval_margin, (94.0 - 90.0) / 94.0 * 100, places=2)
        # another product: its own cost again
        line.with_user(self.salesperson).product_id = self.chair
        self.assertFalse(line.price_approval_cost_user_id)

    def test_cost_in_company_currency_at_the_order_date(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2020-01-01", "currency_id": eur.id, "rate": 2.0, "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Cost EUR", "currency_id": eur.id, "company_id": self.company.id}
        )
        self.desk.standard_price = 98.0
        order = self._order([(self.desk, 1, 188.0, 0.0)], pricelist_id=pricelist.id)
        line = order.order_line
        line.with_user(self.salesperson).purchase_price = 0.0
        # 188 EUR = 94 USD against a cost of 98 USD
        self.assertAlmostEqual(line.price_approval_margin, (94.0 - 98.0) / 94.0 * 100, places=2)
        self.assertEqual(line.price_approval_level, 3)


@tagged("post_install", "-at_install")
class TestReviewIntegrity(SecurityCommon):
    """Issue case 4: reviews are decided once, through the decision methods, by
    the reviewer whose turn it is."""

    def test_other_team_cannot_touch_reviews(self):
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        reviews = order.review_ids
        self.assertEqual(len(reviews), 2)
        intruder = self.other_salesperson
        with self.assertRaises(AccessError):
            reviews[0].with_user(intruder).write({"status": "cancel"})
        with self.assertRaises(AccessError):
            reviews.with_user(intruder).unlink()
        self.assertFalse(self.env["tier.review"].with_user(intruder).search([("id", "in", reviews.ids)]))
        with self.assertRaises(AccessError):
            order.with_user(intruder).restart_validation()
        # the salesperson of the order cannot drop or cancel them either
        with self.assertRefused(AccessError, "Approve and Reject buttons"):
            reviews[0].with_user(self.salesperson).write({"status": "cancel"})
        with self.assertRefused(AccessError, "restarted by the quotation"):
            reviews.with_user(self.salesperson).unlink()
        with self.assertRefused(AccessError, "restarted by the quotation"):
            order.with_user(self.salesperson).restart_validation()
        with self.assertRefused(AccessError, "restarted by the quotation"):
            order.with_user(self.salesperson).write({"review_ids": [Command.delete(reviews[0].id)]})
        self.assertEqual(order.review_ids, reviews)
        self.assertEqual(order.price_approval_state, "pending")

    def test_pending_review_decided_by_the_buttons_only(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        review = order.review_ids
        # even the reviewer whose turn it is: no chatter, no comment, no snapshot otherwise
        for user in (self.leader, self.manager, self.admin):
            with self.assertRefused(AccessError, "Approve and Reject buttons"):
                review.with_user(user).write(
                    {"status": "approved", "done_by": user.id, "reviewed_date": "2026-01-01 00:00:00"}
                )
            with self.assertRaises(AccessError):
                review.with_user(user).unlink()
        self.assertEqual(review.status, "pending")
        # the comment wizard only decides reviews of its own order
        other = self._order([(self.desk, 1, 90.0, 0.0)])
        other.with_user(self.salesperson).action_request_price_approval()
        action = order.with_user(self.leader).validate_tier()
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.leader)
            .with_context(**action["context"])
            .create({"comment": "Fine", "review_ids": [Command.set((review | other.review_ids).ids)]})
        )
        with self.assertRefused(AccessError, "other documents"):
            wizard.add_comment()
        self.assertEqual(other.review_ids.status, "pending")
        self._decide(order, self.leader)
        self.assertEqual(review.status, "approved")

    def test_decided_review_immutable(self):
        order = self._approved_order(80.0)
        level_1, level_2 = order.review_ids.sorted("sequence")
        for user in (self.manager_2, self.general_manager, self.manager, self.leader, self.salesperson):
            with self.assertRefused(AccessError, "Approve and Reject buttons"):
                level_2.with_user(user).write({"status": "rejected"})
            with self.assertRaises(AccessError):
                level_1.with_user(user).unlink()
        self.assertEqual(order.price_approval_state, "approved")
        self.assertEqual(level_2.status, "approved")
        # the Sales Plus administrator may correct a decision: logged on the order
        messages = order.message_ids
        level_2.with_user(self.admin).write({"status": "rejected", "comment": "Below the floor price"})
        self.assertEqual(order.price_approval_state, "rejected")
        log = order.message_ids - messages
        self.assertTrue(log.filtered(lambda m: "sec_admin" in m.body and "Rejected" in m.body))
        with self.assertRefused(UserError, "cannot be confirmed"):
            order.with_user(self.salesperson).action_confirm()
        # but not turn it into something else than a decision
        with self.assertRaises(AccessError):
            level_2.with_user(self.admin).write({"status": "pending"})
        with self.assertRaises(AccessError):
            level_2.with_user(self.admin).write({"done_by": self.admin.id})
        messages = order.message_ids
        level_1.with_user(self.admin).unlink()
        self.assertTrue((order.message_ids - messages).filtered(lambda m: "deleted" in m.body))

    def test_concurrent_review_writes(self):
        # approved as a former transaction would have left it (the decisions of this
        # transaction would hold the review locks until its end)
        order = self._order([(self.desk, 1, 80.0, 0.0)])
        order.with_user(self.salesperson).action_request_price_approval()
        order.review_ids.sudo().write({"status": "approved", "done_by": self.manager.id})
        self.assertEqual(order.price_approval_state, "approved")
        review = order.review_ids.sorted("sequence")[-1]
        # another administrator's transaction is changing the same review right now
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_PRICE_REVIEW, review.id))
            self.assertTrue(other.fetchone()[0])
            try:
                with self.assertRefused(UserError, "Another user is changing"):
                    review.with_user(self.admin).write({"status": "rejected"})
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_PRICE_REVIEW, review.id))
        self.assertEqual(review.status, "approved")
        # the first writer holds the review until its transaction ends: a second one is refused
        review.with_user(self.admin).write({"status": "rejected"})
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_PRICE_REVIEW, review.id))
            self.assertFalse(other.fetchone()[0])
        self.assertEqual(review.status, "rejected")


@tagged("post_install", "-at_install")
class TestPendingQuotationNotSent(SecurityCommon):
    """Issue case 5: nothing about a quotation waiting for a price approval
    reaches the customer; internal notes stay allowed."""

    def setUp(self):
        super().setUp()
        self.order = self._order([(self.desk, 1, 90.0, 0.0)])
        self.order.with_user(self.salesperson).action_request_price_approval()

    def _customer_mails(self):
        """Emails queued for the customer and messages naming them on the order."""
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
                ("partner_ids", "in", self.customer.ids),
            ]
        )
        return len(mails) + len(messages)

    def _quotation_pdf(self):
        """The quotation PDF as the salesperson attaches it in the composer."""
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "sale.action_report_saleorder", self.order.ids
        )
        return (
            self.env["ir.attachment"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Quotation.pdf",
                    "datas": base64.b64encode(pdf),
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )

    def test_composer_with_any_template(self):
        self.assertEqual(self.order.price_approval_state, "pending")
        templates = self.env.ref("sale.email_template_edi_sale") | self.env["mail.template"].create(
            {
                "name": "Custom quote",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "body_html": "Hi",
            }
        )
        for template in templates:
            for mode in ("comment", "mass_mail"):
                composer = (
                    self.env["mail.compose.message"]
                    .with_user(self.salesperson)
                    .with_context(
                        default_model="sale.order",
                        default_res_ids=self.order.ids,
                        default_template_id=template.id,
                        default_composition_mode=mode,
                    )
                    .create({"partner_ids": [Command.set(self.customer.ids)]})
                )
                # the form shows the template's attachments (the quotation) as the user renders them
                self.assertEqual(
                    len(composer.attachment_ids),
                    1 if template.report_template_ids and mode == "comment" else 0,
                )
                with self.assertRefused(UserError, "before its prices are approved"):
                    composer._action_send_mail()
        self.assertFalse(self._customer_mails())
        self.assertEqual(self.order.state, "draft")

    def test_chatter_send_message_to_customer(self):
        self.order.message_subscribe(partner_ids=self.customer.ids)
        attachment = self._quotation_pdf()
        order = self.order.with_user(self.salesperson)
        # "Send message" notifies the followers, the customer among them
        with self.assertRefused(UserError, "before its prices are approved"):
            order.message_post(
                body="Here is your quotation",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachment.ids,
            )
        self.order.message_unsubscribe(partner_ids=self.customer.ids)
        # or names them
        with self.assertRefused(UserError, "before its prices are approved"):
            order.message_post(body="Quote", message_type="comment", partner_ids=self.customer.ids)
        with self.assertRefused(UserError, "before its prices are approved"):
            order.message_notify(body="Quote", partner_ids=self.customer.ids)
        # a note mentioning the customer would email them too
        with self.assertRefused(UserError, "before its prices are approved"):
            order.message_post(body="Quote", subtype_xmlid="mail.mt_note", partner_ids=self.customer.ids)
        with self.assertRefused(UserError, "sent by email"):
            order.with_context(mark_so_as_sent=True).message_post(body="Quote")
        with self.assertRefused(UserError, "marked as sent"):
            order.action_quotation_sent()
        self.assertFalse(self._customer_mails())
        self.assertEqual(self.order.state, "draft")

    def test_internal_notes_allowed(self):
        order = self.order.with_user(self.salesperson)
        note = order.message_post(body="Asked Wang Fang", subtype_xmlid="mail.mt_note")
        self.assertTrue(note)
        mention = order.message_post(
            body="Please look", subtype_xmlid="mail.mt_note", partner_ids=self.leader.partner_id.ids
        )
        self.assertEqual(mention.partner_ids, self.leader.partner_id)
        # once approved, the quotation may go out
        self._decide(self.order, self.leader)
        order.message_post(
            body="Here is your quotation", message_type="comment", partner_ids=self.customer.ids
        )
        self.assertTrue(self._customer_mails())


@tagged("post_install", "-at_install")
class TestPendingQuotationPortal(HttpCase, SecurityCommon):
    """Issue case 5, the portal: a pending quotation cannot be viewed, signed or paid."""

    def test_portal_view_hidden_while_pending(self):
        order = self._order([(self.desk, 1, 90.0, 0.0)], require_signature=True, name="SEC-PENDING-QUOTE")
        order.with_user(self.salesperson).action_request_price_approval()
        order._portal_ensure_token()
        for suffix in ("", "&report_type=pdf", "&report_type=html", "&download=true&report_type=pdf"):
            response = self.url_open(f"/my/orders/{order.id}?access_token={order.access_token}{suffix}")
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("SEC-PENDING-QUOTE", response.text)
            self.assertNotIn("Approval Desk", response.text)
            self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
            self.assertIn("being reviewed", response.text)
        self.assertFalse(order.message_ids.filtered(lambda m: "viewed by customer" in (m.body or "")))
        # a portal user of the customer does not list it either
        portal = new_test_user(
            self.env, login="sec_portal", groups="base.group_portal", password="sec_portal1"
        )
        portal.partner_id.parent_id = self.customer
        order.message_subscribe(partner_ids=self.customer.ids)
        order.sudo().state = "sent"
        self.authenticate("sec_portal", "sec_portal1")
        self.assertNotIn("SEC-PENDING-QUOTE", self.url_open("/my/quotes").text)
        # nor reads its approvals (the approvers' comments are internal)
        self.assertTrue(order.with_user(portal).has_access("read"))
        self.assertFalse(self.env["tier.review"].with_user(portal).search([("res_id", "=", order.id)]))
        # once approved, the customer sees it
        self.authenticate(None, None)
        order.sudo().state = "draft"
        self._decide(order, self.leader)
        response = self.url_open(f"/my/orders/{order.id}?access_token={order.access_token}")
        self.assertIn("SEC-PENDING-QUOTE", response.text)


@tagged("post_install", "-at_install")
class TestRecordScope(SecurityCommon):
    """Issue cases 7, 8 and 9: stock alerts, grading figures and targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Scope Company B"})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Team's Customer", "user_id": cls.other_salesperson.id}
        )

    def _alert(self, **values):
        return (
            self.env["sales_plus.stock.alert"]
            .sudo()
            .create(
                {
                    "alert_type": "shortage",
                    "subject_key": f"sec-{len(values)}-{values.get('user_id')}",
                    "company_id": self.company.id,
                    "product_id": self.desk.id,
                    "quantity": 5.0,
                    "salesperson_id": self.salesperson.id,
                    "user_id": self.salesperson.id,
                    "team_id": self.team.id,
                    **values,
                }
            )
        )

    def test_reader_cannot_write_stock_alert(self):
        alert = self._alert()
        alert.activity_schedule(user_id=self.salesperson.id, summary="Short")
        as_reader = alert.with_user(self.salesperson)
        self.assertEqual(as_reader.state, "open")
        for vals in (
            {"state": "resolved"},
            {"quantity": 0.0},
            {"user_id": self.other_salesperson.id},
            {"severity": "low"},
            {"company_id": self.company_b.id},
            {"salesperson_id": self.other_salesperson.id},
        ):
            with self.assertRefused(AccessError, "stock alert scan"):
                as_reader.write(vals)
        with self.assertRefused(AccessError, "stock alert scan"):
            self.env["sales_plus.stock.alert"].with_user(self.admin).create(
                {"alert_type": "shortage", "subject_key": "forged", "company_id": self.company.id}
            )
        self.assertEqual((alert.state, alert.quantity, alert.user_id), ("open", 5.0, self.salesperson))
        # the other team cannot even acknowledge it
        with self.assertRaises(AccessError):
            alert.with_user(self.other_salesperson).action_acknowledge()
        # its reader acknowledges it through the action, which closes the activity
        as_reader.action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertFalse(alert.activity_ids)
        as_reader.action_reopen()
        self.assertEqual(alert.state, "open")
        # chatter stays open to its readers
        as_reader.message_post(body="Calling the warehouse", subtype_xmlid="mail.mt_note")

    def test_grading_figures_follow_the_grade(self):
        self.env["sales_plus.rfm.grade"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": self.company.id,
                "user_id": self.other_salesperson.id,
                "team_id": self.other_team.id,
                "last_order_date": date(2026, 1, 5),
                "frequency": 7,
                "monetary": 5000.0,
                "median_gap_days": 30.0,
                "r_score": 5,
                "f_score": 4,
                "m_score": 3,
                "abc_class": "a",
                "segment_id": self.env.ref("sales_plus.rfm_segment_champions").id,
                "graded_on": "2026-01-06 00:00:00",
            }
        )
        figures = [
            "rfm_monetary",
            "rfm_frequency",
            "rfm_r_score",
            "rfm_f_score",
            "rfm_m_score",
            "rfm_last_order_date",
            "rfm_recency_days",
            "rfm_median_gap_days",
            "rfm_graded_on",
            "rfm_currency_id",
            "rfm_segment_color",
            "rfm_segment_id",
            "rfm_abc_class",
        ]
        for user in (self.salesperson, self.leader, self.plain_salesman):
            values = self.other_customer.with_user(user).read(figures)[0]
            self.assertFalse(any(values[name] for name in figures), f"{user.login} reads {values}")
        for user in (self.other_salesperson, self.other_leader, self.manager):
            values = self.other_customer.with_user(user).read(figures)[0]
            self.assertEqual(values["rfm_monetary"], 5000.0, user.login)
            self.assertEqual(values["rfm_frequency"], 7)
            self.assertEqual(values["rfm_r_score"], 5)

    def test_target_not_moved_out_of_scope(self):
        Target = self.env["sales_plus.target"]
        team_target = Target.create(
            {"team_id": self.team.id, "metric": "revenue", "date_from": "2026-01-01", "amount": 1000.0}
        )
        member_target = Target.create(
            {"user_id": self.salesperson.id, "metric": "revenue", "date_from": "2026-01-01", "amount": 500.0}
        )
        as_leader = self.leader
        for target, vals in (
            (team_target, {"team_id": self.other_team.id}),
            (member_target, {"user_id": self.other_salesperson.id}),
            (team_target, {"company_id": self.company_b.id, "team_id": False, "user_id": self.leader.id}),
        ):
            with self.assertRefused(AccessError, "out of the targets you manage"):
                target.with_user(as_leader).write(vals)
        self.assertEqual(team_target.team_id, self.team)
        self.assertEqual(member_target.user_id, self.salesperson)
        with self.assertRaises(AccessError):
            Target.with_user(as_leader).create(
                {"team_id": self.other_team.id, "metric": "margin", "date_from": "2026-01-01", "amount": 1.0}
            )
        # within the team, and for a manager anywhere
        team_target.with_user(as_leader).amount = 1200.0
        team_target.with_user(self.manager).team_id = self.other_team
        self.assertEqual(team_target.team_id, self.other_team)

    def test_price_rule_and_tier_not_moved_out_of_scope(self):
        rule = self.env["sales_plus.price.rule"].create({"name": "Scoped", "company_id": self.company.id})
        with self.assertRefused(AccessError, "out of"):
            rule.with_user(self.manager).company_id = self.company_b
        level_1 = self.env.ref("sales_plus.tier_definition_price_approval_level_1")
        with self.assertRaises(AccessError):
            level_1.with_user(self.admin).write(
                {"model_id": self.env["ir.model"]._get_id("res.partner"), "price_approval_level": 0}
            )
        self.assertEqual(level_1.model, "sale.order")


@tagged("post_install", "-at_install")
class TestAccessMatrix(SecurityCommon):
    """The README's access matrix, tried for every role on every model: read,
    create, write, delete (``r``, ``c``, ``w``, ``d``); a missing letter means the
    ORM must refuse it with an AccessError."""

    ROLES = ("internal", "inventory", "user", "team_leader", "manager", "admin")
    MATRIX = {
        # model: {role: letters}; scope notes in the README
        "sales_plus.stock.alert": {
            "inventory": "r",
            "user": "r",
            "team_leader": "r",
            "manager": "r",
            "admin": "rd",
        },
        "sales_plus.rfm.segment": dict.fromkeys(ROLES, "r") | {"admin": "rcwd"},
        "sales_plus.rfm.config": {"manager": "r", "admin": "rcw"},
        "sales_plus.rfm.threshold": {"manager": "r", "admin": "rcwd"},
        "sales_plus.rfm.grade": {"user": "r", "team_leader": "r", "manager": "r", "admin": "r"},
        "sales_plus.rfm.history": {"user": "r", "team_leader": "r", "manager": "r", "admin": "r"},
        "sales_plus.rfm.regrade": {"admin": "r"},
        "sales_plus.price.rule": dict.fromkeys(ROLES, "r") | {"manager": "rcwd", "admin": "rcwd"},
        "sales_plus.price.rule.threshold": dict.fromkeys(ROLES, "r") | {"manager": "rcwd", "admin": "rcwd"},
        "sales_plus.target": {"user": "r", "team_leader": "rcwd", "manager": "rcwd", "admin": "rcwd"},
        "sales_plus.target.spread.wizard": {"team_leader": "c", "manager": "c", "admin": "c"},
        "sales_plus.target.import.wizard": {"team_leader": "c", "manager": "c", "admin": "c"},
        "tier.definition": dict.fromkeys(ROLES, "r") | {"admin": "rcw"},
        # a price review waiting for its reviewer, and one decided
        "tier.review (pending)": {
            "inventory": "r",
            "user": "r",
            "team_leader": "r",
            "manager": "r",
            "admin": "r",
        },
        "tier.review (decided)": {
            "inventory": "r",
            "user": "r",
            "team_leader": "r",
            "manager": "r",
            "admin": "rwd",
        },
        # the approval fields of the order and its lines: read by who reads the order, never written
        "sale.order (approval fields)": {
            "inventory": "r",
            "user": "r",
            "team_leader": "r",
            "manager": "r",
            "admin": "r",
        },
        "sale.order.line (approval fields)": {
            "inventory": "r",
            "user": "r",
            "team_leader": "r",
            "manager": "r",
            "admin": "r",
        },
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "Matrix Company B"})
        cls.company_c = cls.env["res.company"].create({"name": "Matrix Company C"})

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{groups}" if groups else "base.group_user",
                company_id=company.id,
                company_ids=[Command.set((company | cls.company_b | cls.company_c).ids)],
            )

        cls.users = {
            "internal": user("matrix_internal", ""),
            "inventory": user("matrix_inventory", "stock.group_stock_user"),
            "user": user("matrix_user", "sales_plus.group_sales_plus_user"),
            "team_leader": user("matrix_leader", "sales_plus.group_sales_plus_team_leader"),
            "manager": user("matrix_manager", "sales_plus.group_sales_plus_manager"),
            "admin": user("matrix_admin", "sales_plus.group_sales_plus_admin"),
        }
        matrix_team = cls.env["crm.team"].create(
            {
                "name": "Matrix Team",
                "user_id": cls.users["team_leader"].id,
                "member_ids": [Command.set(cls.users["user"].ids)],
                "company_id": company.id,
            }
        )
        owner = cls.users["user"]
        partner = cls.env["res.partner"].create({"name": "Matrix Customer", "user_id": owner.id})
        segment = cls.env["sales_plus.rfm.segment"].create({"name": "Matrix Segment"})
        config = cls.env["sales_plus.rfm.config"]._get_for_company(company)
        cls.env["sales_plus.rfm.config"].search([("company_id", "=", cls.company_b.id)]).unlink()
        rule = cls.env["sales_plus.price.rule"].create(
            {"name": "Matrix Rule", "company_id": company.id, "sequence": 99}
        )
        # an order of the team's salesperson, one level pending, one order approved
        pending = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": owner.id,
                "team_id": matrix_team.id,
                "order_line": [Command.create({"product_id": cls.desk.id, "price_unit": 90.0})],
            }
        )
        pending.with_user(owner).action_request_price_approval()
        decided = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": owner.id,
                "team_id": matrix_team.id,
                "order_line": [Command.create({"product_id": cls.desk.id, "price_unit": 90.0})],
            }
        )
        decided.with_user(owner).action_request_price_approval()
        decided_review = decided.review_ids
        decided_review.write({"status": "approved", "done_by": cls.users["team_leader"].id})
        # grading thresholds of a third company, its score 1 line to be created again
        thresholds_c = cls.env["sales_plus.rfm.config"]._get_for_company(cls.company_c).threshold_ids
        score_1 = thresholds_c.filtered(lambda t: t.score == 1)
        threshold_vals = score_1.copy_data()[0]
        cls.env.cr.execute("DELETE FROM sales_plus_rfm_threshold WHERE id = %s", [score_1.id])
        cls.env.invalidate_all()
        spread_vals = {"user_id": owner.id, "metric": "revenue", "year": 2031, "amount": 1200.0}
        cls.cases = {
            "sales_plus.stock.alert": (
                cls.env["sales_plus.stock.alert"]
                .sudo()
                .create(
                    {
                        "alert_type": "shortage",
                        "subject_key": "matrix",
                        "company_id": company.id,
                        "salesperson_id": owner.id,
                        "user_id": owner.id,
                        "team_id": matrix_team.id,
                    }
                )
                .sudo(False),
                {"alert_type": "late_shipment", "subject_key": "matrix-new", "company_id": company.id},
                {"severity": "high"},
            ),
            "sales_plus.rfm.segment": (segment, {"name": "Matrix New Segment"}, {"color": 3}),
            "sales_plus.rfm.config": (config, {"company_id": cls.company_b.id}, {"window_days": 200}),
            "sales_plus.rfm.threshold": (
                config.threshold_ids.filtered(lambda t: t.score == 5),
                threshold_vals,
                {"score": 5},
                # a line is deleted with its replacement, in one save of its settings
                lambda lines: lines.config_id.write(
                    {
                        "threshold_ids": [Command.delete(line.id) for line in lines]
                        + [Command.create(vals) for vals in lines.copy_data()]
                    }
                ),
            ),
            "sales_plus.rfm.grade": (
                cls.env["sales_plus.rfm.grade"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "user_id": owner.id,
                        "team_id": matrix_team.id,
                    }
                ),
                {"partner_id": partner.id, "company_id": cls.company_b.id},
                {"monetary": 1.0},
            ),
            "sales_plus.rfm.history": (
                cls.env["sales_plus.rfm.history"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "user_id": owner.id,
                        "team_id": matrix_team.id,
                        "date": "2026-01-01 00:00:00",
                    }
                ),
                {"partner_id": partner.id, "company_id": company.id, "date": "2026-01-02 00:00:00"},
                {"monetary": 1.0},
            ),
            "sales_plus.rfm.regrade": (
                cls.env["sales_plus.rfm.regrade"].search([("company_id", "=", company.id)]),
                {"company_id": cls.company_b.id},
                {"state": "queued"},
            ),
            "sales_plus.price.rule": (rule, {"name": "Matrix New Rule"}, {"sequence": 3}),
            "sales_plus.price.rule.threshold": (
                cls.env["sales_plus.price.rule.threshold"].create(
                    {"rule_id": rule.id, "kind": "margin", "margin_floor": -50.0, "level": 1}
                ),
                {"rule_id": rule.id, "kind": "margin", "margin_floor": -60.0, "level": 2},
                {"level": 2},
            ),
            "sales_plus.target": (
                cls.env["sales_plus.target"].create(
                    {"user_id": owner.id, "metric": "revenue", "date_from": "2030-01-01", "amount": 10.0}
                ),
                {"user_id": owner.id, "metric": "margin", "date_from": "2030-01-01", "amount": 10.0},
                {"amount": 20.0},
            ),
            "sales_plus.target.spread.wizard": (None, spread_vals, None),
            "sales_plus.target.import.wizard": (None, {}, None),
            "tier.definition": (
                cls.env.ref("sales_plus.tier_definition_price_approval_level_1"),
                {
                    "name": "Matrix Tier",
                    "model_id": cls.env["ir.model"]._get_id("sale.order"),
                    "review_type": "individual",
                    "reviewer_id": cls.users["manager"].id,
                },
                {"notify_reminder_delay": 3},
            ),
            "tier.review (pending)": (
                pending.review_ids,
                {
                    "model": "sale.order",
                    "res_id": pending.id,
                    "definition_id": cls.env.ref("sales_plus.tier_definition_price_approval_level_3").id,
                },
                {"status": "cancel"},
            ),
            "tier.review (decided)": (
                decided_review,
                {
                    "model": "sale.order",
                    "res_id": decided.id,
                    "definition_id": cls.env.ref("sales_plus.tier_definition_price_approval_level_2").id,
                },
                {"status": "rejected"},
            ),
            "sale.order (approval fields)": (pending, None, {"price_approval_level": 0}),
            "sale.order.line (approval fields)": (
                pending.order_line,
                {"order_id": pending.id, "product_id": cls.desk.id, "price_approval_level": 0},
                {"price_approval_snapshot_level": 3},
            ),
        }

    def _check(self, model, role):
        record, create_vals, write_vals, *delete = self.cases[model]
        model_name = model.split(" ")[0]
        companies = self.company | self.company_b | self.company_c
        Model = (
            self.env[model_name].with_user(self.users[role]).with_context(allowed_company_ids=companies.ids)
        )
        found = {}
        if record is not None:
            found["r"] = self._attempt(lambda: Model.browse(record.ids).read(["display_name"])) and bool(
                Model.search([("id", "in", record.ids)])
            )
        if create_vals is not None:
            found["c"] = self._attempt(lambda: Model.create(create_vals))
        if write_vals is not None:
            found["w"] = self._attempt(lambda: Model.browse(record.ids).write(write_vals))
        if record is not None and not model_name.startswith("sale.order"):
            unlink = delete[0] if delete else type(Model).unlink
            found["d"] = self._attempt(lambda: unlink(Model.browse(record.ids)))
        expected = self.MATRIX[model].get(role, "")
        return {op: allowed for op, allowed in found.items() if allowed != (op in expected)}

    def test_access_matrix(self):
        self.assertEqual(set(self.MATRIX), set(self.cases))
        mismatches = {}
        for model in self.MATRIX:
            for role in self.ROLES:
                wrong = self._check(model, role)
                if wrong:
                    mismatches[f"{model} as {role}"] = {
                        op: "allowed" if allowed else "refused" for op, allowed in wrong.items()
                    }
        self.assertFalse(mismatches, "access differs from the README's access matrix")
