# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import plaintext2html

from ..tools import LOCK_PRICE_DECISION, try_lock
from .sale_order_line_price_approval import check_price_approval_vals
from .tier_review import price_approval_flow

# order fields whose change can make a price worse (see _price_approval_check_changes)
PRICE_APPROVAL_ORDER_TRIGGERS = {
    "order_line",
    "pricelist_id",
    "partner_id",
    "currency_id",
    "team_id",
    "company_id",
    "fiscal_position_id",
}

# order fields that decide or record a price approval: computed by the server only
PRICE_APPROVAL_ORDER_PROTECTED = {
    "price_approval_level",
    "price_approval_state",
    "price_approval_approved_level",
    "price_approval_deviation",
    "price_approval_margin",
    "price_approval_requested_date",
    "validation_status",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ---- Fields ----

    price_approval_level = fields.Integer(
        string="Approval Level Required",
        compute="_compute_price_approval_level",
        store=True,
        help="Highest approval level the order's lines require (0: none).",
    )
    price_approval_team_leader_id = fields.Many2one(
        related="team_id.user_id",
        string="Approving Team Leader",
        help="Reviews level 1 price approvals.",
    )
    price_approval_state = fields.Selection(
        selection=[
            ("none", "Within policy"),
            ("to_request", "To request"),
            ("pending", "Pending"),
            ("rejected", "Rejected"),
            ("approved", "Approved"),
        ],
        string="Price Approval",
        compute="_compute_price_approval_state",
        store=True,
        index=True,
    )
    price_approval_approved_level = fields.Integer(
        string="Approved Level",
        compute="_compute_price_approval_state",
        store=True,
    )
    price_approval_deviation = fields.Float(
        string="Largest Deviation (%)",
        compute="_compute_price_approval_figures",
        store=True,
        digits=(16, 2),
        help="The largest deviation under the reference price among the lines that need an approval.",
    )
    price_approval_margin = fields.Float(
        string="Lowest Approval Margin (%)",
        compute="_compute_price_approval_figures",
        store=True,
        digits=(16, 2),
        groups="base.group_user",
        help="The lowest approval margin among the lines that need an approval.",
    )
    price_approval_requested_date = fields.Datetime(
        string="Price Approval Requested On",
        compute="_compute_price_approval_requested_date",
        store=True,
        help="When the open price approval was requested.",
    )
    price_approval_summary = fields.Text(
        compute="_compute_price_approval_summary",
    )
    price_approval_editable = fields.Boolean(
        compute="_compute_price_approval_editable",
        help="Only price approvals are under way: the order stays editable, a worse price "
        "restarts the approval.",
    )
    price_approval_to_review = fields.Boolean(
        string="Price Approval To Do",
        compute="_compute_price_approval_to_review",
        search="_search_price_approval_to_review",
    )

    @api.depends("order_line.price_approval_level")
    def _compute_price_approval_level(self):
        for order in self:
            order.price_approval_level = max(order.order_line.mapped("price_approval_level"), default=0)

    @api.depends("price_approval_level", "review_ids.status", "review_ids.price_approval_level")
    def _compute_price_approval_state(self):
        for order in self:
            reviews = order.review_ids.filtered("price_approval_level")
            open_reviews = reviews.filtered(lambda r: r.status in ("waiting", "pending"))
            approved = reviews.filtered(lambda r: r.status == "approved")
            approved_level = 0
            if reviews and not open_reviews and approved == reviews:
                approved_level = max(approved.mapped("price_approval_level"))
            order.price_approval_approved_level = approved_level
            if not order.price_approval_level:
                order.price_approval_state = "none"
            elif approved_level >= order.price_approval_level:
                order.price_approval_state = "approved"
            elif open_reviews:
                order.price_approval_state = "pending"
            elif reviews.filtered(lambda r: r.status == "rejected"):
                order.price_approval_state = "rejected"
            else:
                order.price_approval_state = "to_request"

    @api.depends(
        "order_line.price_approval_level",
        "order_line.price_approval_deviation",
        "order_line.price_approval_margin",
    )
    def _compute_price_approval_figures(self):
        for order in self:
            flagged = order.order_line.filtered("price_approval_level").sudo()
            order.price_approval_deviation = max(flagged.mapped("price_approval_deviation"), default=0.0)
            order.price_approval_margin = min(flagged.mapped("price_approval_margin"), default=0.0)

    @api.depends("review_ids.status", "review_ids.price_approval_level")
    def _compute_price_approval_requested_date(self):
        for order in self:
            open_reviews = order.review_ids.filtered(
                lambda r: r.price_approval_level and r.status in ("waiting", "pending")
            )
            order.price_approval_requested_date = min(open_reviews.mapped("create_date"), default=False)

    @api.depends(
        "order_line.price_approval_level",
        "order_line.price_approval_deviation",
        "order_line.price_approval_margin",
        "order_line.product_id",
    )
    def _compute_price_approval_summary(self):
        for order in self:
            order.price_approval_summary = order._price_approval_summary_text() or False

    @api.depends("review_ids.price_approval_level")
    def _compute_price_approval_editable(self):
        for order in self:
            order.price_approval_editable = all(order.review_ids.mapped("price_approval_level"))

    @api.depends_context("uid")
    def _compute_price_approval_to_review(self):
        for order in self:
            order.price_approval_to_review = (
                self.env.user in order._price_approval_current_reviews().reviewer_ids
            )

    def _search_price_approval_to_review(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        reviews = self.env["tier.review"]._search(
            Domain("model", "=", self._name)
            & Domain("status", "=", "pending")
            & Domain("can_review", "=", True)
            & Domain("reviewer_ids", "in", self.env.uid)
            & Domain("definition_id.price_approval_level", ">", 0)
        )
        domain = Domain("id", "in", reviews.subselect("res_id")) & Domain("state", "in", ("draft", "sent"))
        return domain if operator == "in" else ~domain

    # ---- CRUD hooks (called by sale_order.py) and overrides ----

    @api.model
    def _price_approval_check_vals(self, vals_list):
        """A client never writes the approval fields (see PRICE_APPROVAL_ORDER_PROTECTED)."""
        check_price_approval_vals(self, vals_list, PRICE_APPROVAL_ORDER_PROTECTED)

    def unlink(self):
        # a deleted order takes its reviews along
        return super(SaleOrder, price_approval_flow(self)).unlink()

    # ---- Action methods ----

    def action_request_price_approval(self):
        """Ask the approvers of the required levels; restarts a rejected or
        outdated approval."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Only quotations can be submitted for price approval (%(order)s).", order=order.name
                    )
                )
            if order.price_approval_state not in ("to_request", "rejected"):
                raise UserError(
                    self.env._(
                        "%(order)s does not need a price approval request (%(state)s).",
                        order=order.name,
                        state=dict(self._fields["price_approval_state"]._description_selection(self.env))[
                            order.price_approval_state
                        ],
                    )
                )
            order._price_approval_restart()
        return True

    def action_quotation_send(self):
        self._price_approval_raise_if_blocked(self.env._("sent by email"))
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._price_approval_raise_if_blocked(self.env._("marked as sent"))
        return super().action_quotation_sent()

    def validate_tier(self):
        self._price_approval_check_can_decide()
        return super().validate_tier()

    def reject_tier(self):
        self._price_approval_check_can_decide()
        return super().reject_tier()

    def restart_validation(self):
        res = super().restart_validation()
        self.invalidate_recordset(["need_validation", "review_ids"])
        self._price_approval_sync_activities()
        return res

    # ---- Tier validation hooks ----

    def evaluate_tier(self, tier):
        if tier.price_approval_level:
            if self.price_approval_level < tier.price_approval_level:
                return self.browse()
        return super().evaluate_tier(tier)

    def _get_tier_validation_readonly_domain(self):
        return f"({super()._get_tier_validation_readonly_domain()}) and not price_approval_editable"

    def _tier_validation_check_write_remove_reviews(self, vals):
        # cancelling an order, or resetting a cancelled one, drops its reviews
        return super(SaleOrder, price_approval_flow(self))._tier_validation_check_write_remove_reviews(vals)

    def _check_allow_write_under_validation(self, vals):
        return self.price_approval_editable or super()._check_allow_write_under_validation(vals)

    def _add_tier_validation_buttons(self, node, params):
        # price approvals are requested from the price approval banner
        new_node = super()._add_tier_validation_buttons(node, params)
        for button in new_node.xpath("//button[@name='request_validation' or @name='restart_validation']"):
            button.set("invisible", f"({button.get('invisible')}) or price_approval_level > 0")
        return new_node

    def request_validation(self):
        reviews = super(SaleOrder, price_approval_flow(self)).request_validation()
        price_reviews = reviews.filtered("price_approval_level")
        if price_reviews:
            # "to do by" is stored: computed now, in the requester's language,
            # rather than in whatever environment flushes next
            price_reviews.mapped("todo_by")
            unassigned = price_reviews.filtered(lambda r: not r.reviewer_ids)
            if unassigned:
                raise UserError(
                    self.env._(
                        "Nobody may approve %(levels)s: no user of the approving group may see the order "
                        "apart from its salesperson. Ask an administrator to assign the approvers.",
                        levels=", ".join(unassigned.mapped("name")),
                    )
                )
            orders = self.browse(set(price_reviews.mapped("res_id")))
            orders._price_approval_take_snapshot()
            for order in orders:
                order._price_approval_post_message(
                    "requested",
                    price_reviews.filtered(lambda r, o=order: r.res_id == o.id),
                )
            orders._price_approval_sync_activities()
        return reviews

    def _validate_tier(self, tiers=False):
        # reached through validate_tier() or the comment wizard, which checked the decider
        return self._price_approval_decide("_validate_tier", "approved", tiers)

    def _rejected_tier(self, tiers=False):
        return self._price_approval_decide("_rejected_tier", "rejected", tiers)

    # ---- Sale hooks: nothing off-policy reaches the customer ----

    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            self._price_approval_raise_if_blocked(self.env._("sent by email"))
        return super().message_post(**kwargs)

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """Nothing about a quotation whose prices wait for an approval reaches
        anybody outside the company: a message (sent from the composer with any
        template, "Send message" to followers, a mention) naming or notifying a
        customer is refused; internal notes go to internal users as usual."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if len(self) == 1 and any(r["type"] != "user" or r["share"] for r in recipients):
            self._price_approval_raise_if_blocked(self.env._("sent to the customer"))
        return recipients

    def _message_mail_after_hook(self, mails):
        # the composer in mass mailing mode creates the emails without a message
        external = mails.filtered(
            lambda m: m.email_to or m.email_cc or any(p.partner_share for p in m.recipient_ids)
        )
        self.browse(set(external.mapped("res_id")))._price_approval_raise_if_blocked(
            self.env._("sent to the customer")
        )
        return super()._message_mail_after_hook(mails)

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self._price_approval_is_blocked()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._price_approval_is_blocked()

    # ---- Business methods ----

    def _price_approval_is_blocked(self):
        self.ensure_one()
        return (
            self.state in ("draft", "sent")
            and self.price_approval_level > 0
            and self.price_approval_approved_level < self.price_approval_level
        )

    def _price_approval_block_message(self, action):
        """Why the order cannot be ``action`` yet, or False."""
        self.ensure_one()
        if not self._price_approval_is_blocked():
            return False
        if self.price_approval_state == "pending":
            current = self._price_approval_current_reviews()
            status = self.env._(
                "Waiting for %(approvers)s.", approvers=", ".join(filter(None, current.mapped("todo_by")))
            )
        elif self.price_approval_state == "rejected":
            status = self.env._("The approval was rejected: revise the prices and request it again.")
        else:
            status = self.env._('Click "Request Approval" on the quotation.')
        return self.env._(
            "%(order)s cannot be %(action)s before its prices are approved (level %(level)s).\n"
            "%(summary)s\n%(status)s",
            order=self.name,
            action=action,
            level=self.price_approval_level,
            summary=self._price_approval_summary_text(),
            status=status,
        )

    def _price_approval_raise_if_blocked(self, action):
        for order in self:
            message = order._price_approval_block_message(action)
            if message:
                raise UserError(message)

    @api.model
    def _price_approval_level_label(self, level):
        return {
            1: self.env._("team leader"),
            2: self.env._("sales manager"),
            3: self.env._("general manager"),
        }.get(level, str(level))

    def _price_approval_summary_text(self, limit=3):
        """ "2 lines need level 2 (sales manager): Desk (18.0% under reference), Chair
        (margin -2.1% under the 0% floor)" per level."""
        self.ensure_one()
        flagged = self.order_line.filtered("price_approval_level")
        parts = []
        for level in sorted(set(flagged.mapped("price_approval_level")), reverse=True):
            lines = flagged.filtered(lambda line, lv=level: line.price_approval_level == lv)
            items = ", ".join(
                self.env._(
                    "%(product)s (%(why)s)",
                    product=line.product_id.display_name,
                    why=line._price_approval_why(short=True),
                )
                for line in lines[:limit]
            )
            if len(lines) > limit:
                items = self.env._("%(items)s and %(count)s more", items=items, count=len(lines) - limit)
            if len(lines) == 1:
                text = self.env._(
                    "1 line needs level %(level)s (%(approver)s): %(lines)s",
                    level=level,
                    approver=self._price_approval_level_label(level),
                    lines=items,
                )
            else:
                text = self.env._(
                    "%(count)s lines need level %(level)s (%(approver)s): %(lines)s",
                    count=len(lines),
                    level=level,
                    approver=self._price_approval_level_label(level),
                    lines=items,
                )
            parts.append(text)
        return "\n".join(parts)

    def _price_approval_excluded_users(self):
        """Four-eyes: the salesperson and the creator never approve their own order."""
        self.ensure_one()
        return self.user_id | self.create_uid

    def _price_approval_eligible_reviewers(self, users):
        """``users`` who may approve this order: active internal users of its company
        who may edit it (the reviews follow the order's rules), except its
        salesperson and creator."""
        self.ensure_one()
        users = users.filtered(lambda u: u.active and not u.share and self.company_id in u.company_ids)
        users -= self._price_approval_excluded_users()
        return users.filtered(
            lambda u: (
                self.with_user(u).with_context(allowed_company_ids=[self.company_id.id]).has_access("write")
            )
        )

    def _price_approval_current_reviews(self):
        """The open price reviews whose turn it is (lowest open tier)."""
        self.ensure_one()
        open_reviews = self.review_ids.filtered(
            lambda r: r.price_approval_level and r.status in ("waiting", "pending")
        )
        if not open_reviews:
            return open_reviews
        first = min(open_reviews.mapped("sequence"))
        return open_reviews.filtered(lambda r: r.sequence == first)

    def _price_approval_lock(self):
        """One approver decides at a time: a second one gets a clear message
        instead of waiting or approving twice."""
        self.ensure_one()
        if not try_lock(self.env, LOCK_PRICE_DECISION, self.id):
            raise UserError(
                self.env._(
                    "Another approver is deciding on %(order)s right now. Reload the order in a moment.",
                    order=self.name,
                )
            )

    def _price_approval_check_can_decide(self):
        """Clear errors for a decision that cannot be taken; locks the order."""
        self.ensure_one()
        if not self.price_approval_level and not self.review_ids.filtered("price_approval_level"):
            return
        self._price_approval_lock()
        # what other approvers committed meanwhile
        self.review_ids.invalidate_recordset()
        self.invalidate_recordset()
        reviews = self.review_ids.filtered("price_approval_level")
        open_reviews = reviews.filtered(lambda r: r.status in ("waiting", "pending"))
        if self.state not in ("draft", "sent") or not open_reviews:
            decided = reviews.filtered("done_by").sorted("reviewed_date")[-1:]
            raise UserError(
                self.env._(
                    "%(order)s is no longer waiting for a price approval (%(state)s%(by)s).",
                    order=self.name,
                    state=dict(self._fields["price_approval_state"]._description_selection(self.env)).get(
                        self.price_approval_state
                    )
                    if self.state in ("draft", "sent")
                    else dict(self._fields["state"]._description_selection(self.env))[self.state],
                    by=self.env._(", decided by %(user)s", user=decided.done_by.name) if decided else "",
                )
            )
        user = self.env.user
        if user in self._price_approval_excluded_users():
            raise UserError(
                self.env._(
                    "You are the salesperson or the creator of %(order)s: "
                    "someone else must approve its prices.",
                    order=self.name,
                )
            )
        current = self._price_approval_current_reviews()
        if user not in current.reviewer_ids:
            if user in open_reviews.reviewer_ids:
                raise UserError(
                    self.env._(
                        "It is not your turn yet on %(order)s: %(approvers)s must decide first.",
                        order=self.name,
                        approvers=", ".join(filter(None, current.mapped("todo_by"))),
                    )
                )
            raise UserError(
                self.env._("You are not an approver of the prices of %(order)s.", order=self.name)
            )

    def _price_approval_decision_chain(self):
        """The open price reviews the current user decides at once: from the
        current tier on, as long as the user is a reviewer of each."""
        self.ensure_one()
        chain = self.env["tier.review"]
        open_reviews = self.review_ids.filtered(
            lambda r: r.price_approval_level and r.status in ("waiting", "pending")
        ).sorted("sequence")
        for review in open_reviews:
            if self.env.user not in review.reviewer_ids:
                break
            chain |= review
        return chain

    def _price_approval_take_snapshot(self):
        """Keep each line's figures as the approvers see them (only rows that change)."""
        for line in self.order_line:
            vals = line._prepare_price_approval_snapshot_vals()
            current = line.sudo().read(list(vals), load=False)[0]
            if any(current[name] != value for name, value in vals.items()):
                line.sudo().with_context(sales_plus_defer_price_check=True).write(vals)

    def _price_approval_restart(self, worse_lines=None):
        """Drop the order's reviews and ask again for the level now required."""
        self.ensure_one()
        order = price_approval_flow(self)
        if order.review_ids:
            order.restart_validation()
        if worse_lines:
            self._price_approval_post_message(
                "restarted",
                self.env["tier.review"],
                lines=worse_lines,
            )
        if self.price_approval_level:
            order.request_validation()
        else:
            self._price_approval_take_snapshot()

    def _price_approval_check_changes(self):
        """After a change of lines or prices: restart the approval of orders with a
        line worse than approved (or requested), or a new flagged line; drop the
        open reviews that the improved prices no longer need."""
        for order in self:
            if order.state not in ("draft", "sent"):
                continue
            reviews = order.review_ids.filtered("price_approval_level")
            if not reviews:
                continue
            if reviews.filtered(lambda r: r.status in ("rejected", "cancel")):
                # a rejected approval waits for a new request, unless nothing needs one any more
                if not order.price_approval_level:
                    price_approval_flow(order).restart_validation()
                continue
            worse = order.order_line.filtered(lambda line: line._price_approval_is_worse())
            if worse:
                order._price_approval_restart(worse_lines=worse)
                continue
            surplus = reviews.filtered(
                lambda r, o=order: (
                    r.status in ("waiting", "pending") and r.price_approval_level > o.price_approval_level
                )
            )
            if surplus:
                surplus.sudo().unlink()
                order.invalidate_recordset(["review_ids"])
                if order.price_approval_state == "approved":
                    order._price_approval_after_decision(self.env["tier.review"], approved=True)
                else:
                    order._price_approval_sync_activities()

    def _price_approval_decide(self, method, status, tiers):
        """Run base_tier_validation's ``method`` (``_validate_tier`` or
        ``_rejected_tier``) in the approval flow, then post and sync what the
        current user just decided (the open price reviews now ``status``)."""
        open_before = self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
        flow = price_approval_flow(self)
        res = getattr(super(SaleOrder, flow), method)(tiers and tiers.with_env(flow.env))
        decided = open_before.filtered(
            lambda r: r.price_approval_level and r.status == status and r.done_by == self.env.user
        )
        if decided:
            self._price_approval_after_decision(decided, approved=status == "approved")
        return res

    def _price_approval_after_decision(self, reviews, approved):
        """Chatter, snapshot and activities once ``reviews`` are decided."""
        self.ensure_one()
        salesperson = self.user_id.partner_id
        if approved:
            done = self.price_approval_state == "approved"
            if done:
                self._price_approval_take_snapshot()
            self._price_approval_post_message(
                "approved" if done else "next_level", reviews, partners=salesperson if done else None
            )
        else:
            self._price_approval_post_message("rejected", reviews, partners=salesperson)
        self._price_approval_sync_activities()

    def _price_approval_message_title(self, kind):
        """The first line of a price approval chatter message, in the language of
        the environment."""
        if kind == "requested":
            return self.env._("Price approval requested")
        if kind == "restarted":
            return self.env._("Price approval restarted: prices got worse than approved")
        if kind == "approved":
            return self.env._("Prices approved: the quotation may be sent and confirmed")
        if kind == "next_level":
            return self.env._("Price approval: level approved, next level pending")
        return self.env._("Prices rejected: revise them and request the approval again")

    def _price_approval_lang(self, partners=None):
        """The language of a price approval text written on the order for people
        (chatter messages): the one of whom it is addressed to (``partners``,
        the first one with a language), else of the approvers whose turn it is,
        else of the salesperson, else of the company. Activities are written in
        their assignee's language (see _price_approval_sync_activities)."""
        self.ensure_one()
        order = self.sudo()
        candidates = list((partners or self.env["res.partner"]).sudo().mapped("lang"))
        if order.state in ("draft", "sent"):
            candidates += order._price_approval_current_reviews().reviewer_ids.mapped("lang")
        candidates += [order.user_id.lang, order.company_id.partner_id.lang]
        return next((lang for lang in candidates if lang), None) or self.env.lang

    def _price_approval_post_message(self, kind, reviews, lines=None, partners=None):
        """Post the price approval message ``kind`` (see _price_approval_message_title)
        with the reviews and lines figures, in the language of its reader (see
        _price_approval_lang)."""
        self.ensure_one()
        order = self.with_context(lang=self._price_approval_lang(partners))
        lines = lines if lines is not None else self.order_line.filtered("price_approval_level")
        reviews = reviews.with_env(order.env)
        body = order.env["ir.qweb"]._render(
            "sales_plus.price_approval_message",
            {
                "title": order._price_approval_message_title(kind),
                "order": order,
                "reviews": reviews,
                "lines": lines.with_env(order.env).sudo(),
            },
        )
        order.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=partners.ids if partners else [],
        )

    def _price_approval_sync_activities(self):
        """One activity per approver whose turn it is, none for the others."""
        activity_type = self.env.ref("sales_plus.mail_activity_type_price_approval")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        model = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        started = self.env["tier.review"]
        for order in self:
            current = self.env["tier.review"]
            if order.state in ("draft", "sent"):
                current = order._price_approval_current_reviews()
            wanted = current.reviewer_ids
            existing = activities.filtered(lambda a, o=order: a.res_id == o.id)
            stale = existing.filtered(lambda a, w=wanted: a.user_id not in w)
            stale.unlink()
            existing -= stale
            missing = wanted - existing.user_id
            if missing:
                started |= current
            for user in missing:
                # in the assignee's language
                order_in_lang = order.with_context(lang=user.lang or self.env.lang)
                vals_list.append(
                    {
                        "res_model_id": model,
                        "res_id": order.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": order_in_lang.env._(
                            "Approve prices (level %(level)s)",
                            level=max(current.mapped("price_approval_level")),
                        ),
                        "note": plaintext2html(order_in_lang._price_approval_summary_text()),
                    }
                )
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)
        if started:
            # the reminder delay counts from the moment the review became theirs
            started.sudo().last_reminder_date = fields.Datetime.now()

    def _price_approval_remind(self, review):
        """Remind the approvers of ``review``: one message per language of theirs."""
        self.ensure_one()
        reviewers = review.sudo().reviewer_ids
        for lang in sorted(set(reviewers.mapped("lang")), key=str):
            order = self.with_context(lang=lang or self.env.lang)
            order.sudo().message_post(
                body=order.env._(
                    "Reminder: the prices of %(order)s are waiting for your approval (%(level)s).",
                    order=self.name,
                    level=review.with_env(order.env).name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=reviewers.filtered(lambda u, lg=lang: u.lang == lg).partner_id.ids,
            )
