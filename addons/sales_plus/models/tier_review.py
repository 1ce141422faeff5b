# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..tools import LOCK_PRICE_REVIEW, try_lock

# what the approval flow itself may change on an open price review
_PRICE_REVIEW_WRITABLE = {"status", "done_by", "reviewed_date", "comment", "last_reminder_date"}
# what a Sales Plus Administrator may correct on a decided one
_PRICE_REVIEW_ADMIN_WRITABLE = {"status", "comment"}
_DECIDED = ("approved", "rejected", "cancel")

# The approval flow (request, decision buttons, restart) marks its environment
# with this object: a value no RPC client can send in a context, unlike a flag.
_FLOW_KEY = "sales_plus_price_approval_flow"
_FLOW_TOKEN = object()


def price_approval_flow(records):
    """``records`` in an environment where the price approval flow may create,
    decide and drop price reviews (the user's record rules still apply)."""
    return records.with_context(**{_FLOW_KEY: _FLOW_TOKEN})


class TierReview(models.Model):
    _inherit = "tier.review"

    # ---- Fields ----

    price_approval_level = fields.Integer(related="definition_id.price_approval_level")
    # whether the review's document may be read / edited by the current user:
    # the record rules of reviews of sale orders follow those of the orders
    price_approval_order_readable = fields.Boolean(
        compute="_compute_price_approval_order_access",
        search="_search_price_approval_order_readable",
    )
    price_approval_order_writable = fields.Boolean(
        compute="_compute_price_approval_order_access",
        search="_search_price_approval_order_writable",
    )

    @api.depends("model", "res_id")
    @api.depends_context("uid")
    def _compute_price_approval_order_access(self):
        orders = self.env["sale.order"].with_user(self.env.uid)
        on_orders = self.filtered(lambda r: r.model == "sale.order")
        existing = orders.browse({r.res_id for r in on_orders if r.res_id}).sudo().exists().sudo(False)
        if self.env.user.share:
            # the approvals of a quotation are internal: not shown to its customer
            existing = orders
        readable = set(existing._filtered_access("read").ids)
        writable = set(existing._filtered_access("write").ids)
        for review in self:
            on_order = review.model == "sale.order"
            review.price_approval_order_readable = not on_order or review.res_id in readable
            review.price_approval_order_writable = not on_order or review.res_id in writable

    def _search_price_approval_order_readable(self, operator, value):
        return self._price_approval_order_access_domain("read", operator, value)

    def _search_price_approval_order_writable(self, operator, value):
        return self._price_approval_order_access_domain("write", operator, value)

    def _price_approval_order_access_domain(self, mode, operator, value):
        """Reviews of other models, or of the sale orders the current user may
        ``mode`` under the orders' own access rights and record rules (never for
        portal and public users)."""
        if operator not in ("in", "not in"):
            return NotImplemented
        orders = self.env["sale.order"].with_user(self.env.uid)
        domain = Domain("model", "!=", "sale.order")
        if not self.env.user.share and orders.has_access(mode):
            rules = self.env["ir.rule"].with_user(self.env.uid)._compute_domain("sale.order", mode)
            allowed = orders.sudo().with_context(active_test=False)._search(rules)
            domain |= Domain("res_id", "any!", allowed)
        return domain if (operator == "in") == (True in value) else ~domain

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            definitions = self.env["tier.definition"].browse(
                {vals.get("definition_id") for vals in vals_list}
            )
            if any(definitions.mapped("price_approval_level")):
                if not self._price_approval_in_flow():
                    raise AccessError(
                        self.env._(
                            "Price approvals are requested with the Request Approval button of the quotation."
                        )
                    )
                for vals in vals_list:
                    if vals.get("status", "waiting") not in ("waiting", "pending") or vals.get("done_by"):
                        raise AccessError(
                            self.env._(
                                "A price approval can only be created as a request, not as a decision."
                            )
                        )
        return super().create(vals_list)

    def write(self, vals):
        price_reviews = self.filtered("price_approval_level")
        if price_reviews and not self.env.su:
            in_flow = self._price_approval_in_flow()
            if in_flow:
                price_reviews._price_approval_check_flow_write(vals)
            else:
                price_reviews._price_approval_check_admin_change(vals)
            price_reviews._price_approval_lock()
            if not in_flow:
                price_reviews._price_approval_log_admin_change(vals)
        return super().write(vals)

    def unlink(self):
        price_reviews = self.filtered("price_approval_level")
        if price_reviews and not self.env.su:
            in_flow = self._price_approval_in_flow()
            if not in_flow:
                price_reviews._price_approval_check_admin_change(None)
            price_reviews._price_approval_lock()
            if not in_flow:
                price_reviews._price_approval_log_admin_change(None)
        return super().unlink()

    # ---- Business methods ----

    def _price_approval_in_flow(self):
        return self.env.context.get(_FLOW_KEY) is _FLOW_TOKEN

    def _price_approval_check_flow_write(self, vals):
        """What the approval flow writes: the status, decision and comment of open
        reviews; a decision only by a reviewer whose turn it is."""
        forbidden = set(vals) - _PRICE_REVIEW_WRITABLE
        if forbidden:
            raise AccessError(
                self.env._(
                    "These fields of a price approval cannot be changed: %(fields)s",
                    fields=", ".join(sorted(forbidden)),
                )
            )
        decided = self.filtered(lambda r: r.status in ("approved", "rejected"))
        if decided and ("status" in vals or "done_by" in vals):
            raise AccessError(
                self.env._(
                    "The price approval %(name)s is decided already: only a Sales Plus Administrator "
                    "can change it.",
                    name=", ".join(decided.mapped("name")),
                )
            )
        if vals.get("status") in ("approved", "rejected"):
            self._price_approval_check_decider(self)
        if vals.get("done_by") and vals["done_by"] != self.env.uid:
            raise AccessError(self.env._("A price approval can only be decided in your own name."))

    def _price_approval_check_admin_change(self, vals):
        """Outside the approval flow: only a Sales Plus Administrator, only on
        decided reviews, only to another decision or comment (``vals``) or to
        delete them (``vals`` None)."""
        allowed = (
            self.env.user.has_group("sales_plus.group_sales_plus_admin")
            and all(review.status in _DECIDED for review in self)
            and (
                vals is None
                or (set(vals) <= _PRICE_REVIEW_ADMIN_WRITABLE and vals.get("status", "approved") in _DECIDED)
            )
        )
        if allowed:
            return
        if vals is None:
            raise AccessError(
                self.env._(
                    "Price approvals are restarted by the quotation itself (a price made worse, or "
                    "Request Approval after a rejection); only a Sales Plus Administrator can delete "
                    "a decided one."
                )
            )
        raise AccessError(
            self.env._(
                "Price approvals are decided with the Approve and Reject buttons of the quotation, by the "
                "approver whose turn it is; only a Sales Plus Administrator can correct a decided one."
            )
        )

    def _price_approval_lock(self):
        """One change of a review at a time: a second writer gets a clear message
        instead of overwriting the first one's change."""
        for review in self:
            if not try_lock(self.env, LOCK_PRICE_REVIEW, review.id):
                raise UserError(
                    self.env._(
                        "Another user is changing the price approval %(name)s right now. "
                        "Reload the quotation in a moment.",
                        name=review.name,
                    )
                )

    def _price_approval_log_admin_change(self, vals):
        """The order's chatter tells who changed or deleted a decided review, in
        the language of its reader (see sale.order._price_approval_lang)."""
        orders = self.env["sale.order"].sudo().browse({review.res_id for review in self})
        for review in self:
            order = orders.filtered(lambda o, r=review: o.id == r.res_id)
            order = order.with_context(lang=order._price_approval_lang())
            env = order.env
            labels = dict(self._fields["status"]._description_selection(env))
            if vals is None:
                body = env._(
                    "%(user)s deleted the price approval %(name)s (%(status)s).",
                    user=self.env.user.name,
                    name=review.with_env(env).name,
                    status=labels.get(review.status),
                )
            else:
                body = env._(
                    "%(user)s changed the price approval %(name)s: %(old)s → %(new)s%(comment)s.",
                    user=self.env.user.name,
                    name=review.with_env(env).name,
                    old=labels.get(review.status),
                    new=labels.get(vals.get("status", review.status)),
                    comment=f" ({vals['comment']})" if vals.get("comment") else "",
                )
            order.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    def _price_approval_check_decider(self, batch):
        """Only a reviewer of each review, whose turn it is (every lower tier is
        approved or decided in the same ``batch``), and who is neither the
        salesperson nor the creator of the order, may approve or reject it."""
        user = self.env.user
        orders = self.env["sale.order"].browse(set(self.mapped("res_id")))
        for review in self:
            order = orders.filtered(lambda o, r=review: o.id == r.res_id)
            if (
                user not in review.sudo()._get_reviewers()
                or user in order.sudo()._price_approval_excluded_users()
            ):
                raise AccessError(
                    self.env._("You are not allowed to decide the price approval %(name)s.", name=review.name)
                )
            earlier = order.sudo().review_ids.filtered(
                lambda r, rev=review: r.sequence < rev.sequence and r.status != "approved" and r not in batch
            )
            if earlier:
                raise AccessError(
                    self.env._(
                        "The price approval %(name)s must wait for %(earlier)s.",
                        name=review.name,
                        earlier=", ".join(earlier.mapped("name")),
                    )
                )

    def _update_review_status(self):
        # the promotion of waiting reviews to pending is the engine's own
        # bookkeeping (run from the reviewers' systray counter too)
        return super(TierReview, self.sudo())._update_review_status()

    def _get_reviewers(self):
        """Price approval tiers: group reviewers include the users who hold the group
        through another one (a General Manager is a Sales Manager too), only users of
        the order's company who may edit the order, never its salesperson or creator
        (four-eyes); a level without any such reviewer falls back to the sales managers."""
        reviewers = super()._get_reviewers()
        if not self.definition_id.price_approval_level or self.model != "sale.order":
            return reviewers
        order = self.env["sale.order"].browse(self.res_id)
        if self.reviewer_group_id:
            reviewers = self.reviewer_id | self.reviewer_group_id.all_user_ids
        reviewers = order._price_approval_eligible_reviewers(reviewers)
        if not reviewers:
            managers = self.env.ref("sales_plus.group_sales_plus_manager").all_user_ids
            reviewers = order._price_approval_eligible_reviewers(managers)
        return reviewers

    def _send_review_reminder(self):
        price_reviews = self.filtered("price_approval_level")
        res = super(TierReview, self - price_reviews)._send_review_reminder()
        for review in price_reviews:
            order = self.env["sale.order"].browse(review.res_id).exists()
            if order:
                order._price_approval_remind(review)
            review.sudo().last_reminder_date = fields.Datetime.now()
        return res
