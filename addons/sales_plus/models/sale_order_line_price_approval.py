# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare, float_round

# line fields whose change can make a price worse (see sale.order._price_approval_check_changes)
PRICE_APPROVAL_LINE_TRIGGERS = {
    "product_id",
    "product_uom_id",
    "product_uom_qty",
    "price_unit",
    "discount",
    "purchase_price",
}

# line fields that decide or record a price approval: computed or written by the
# server's own logic only (as superuser), never by a client
PRICE_APPROVAL_LINE_PROTECTED = {
    "price_approval_reference_price",
    "price_approval_effective_price",
    "price_approval_deviation",
    "price_approval_margin",
    "price_approval_rule_id",
    "price_approval_level",
    "price_approval_cost",
    "price_approval_cost_user_id",
    "price_approval_snapshot_level",
    "price_approval_snapshot_price",
    "price_approval_snapshot_discount",
    "price_approval_snapshot_deviation",
    "price_approval_snapshot_margin",
}

# who may set the cost a line's approval margin uses: whoever may edit products
# (their Cost) in Odoo
PRICE_APPROVAL_COST_GROUP = "product.group_product_manager"


def check_price_approval_vals(records, vals_list, protected):
    """Refuse a client's ``create`` / ``write`` naming a field of ``protected``:
    only the server's own logic (as superuser) writes them."""
    if records.env.su:
        return
    named = set().union(*vals_list) & protected
    if named:
        labels = sorted(records._fields[name]._description_string(records.env) for name in named)
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s are set by the price approval itself and cannot be written.",
                fields=", ".join(labels),
                model=records._description,
            )
        )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ---- Fields ----

    price_approval_reference_price = fields.Float(
        string="Reference Price",
        compute="_compute_price_approval_reference_price",
        store=True,
        min_display_digits="Product Price",
        help="What the order's pricelist gives this customer for this product, quantity, unit and "
        "date, in the order currency.",
    )
    price_approval_effective_price = fields.Float(
        string="Effective Price",
        compute="_compute_price_approval",
        store=True,
        min_display_digits="Product Price",
        help="Unit price after discount.",
    )
    price_approval_deviation = fields.Float(
        string="Deviation (%)",
        compute="_compute_price_approval",
        store=True,
        digits=(16, 2),
        help="How far the effective price lies under the reference price: "
        "(reference - effective) / reference. Negative above the reference.",
    )
    price_approval_margin = fields.Float(
        string="Approval Margin (%)",
        compute="_compute_price_approval",
        store=True,
        digits=(16, 2),
        groups="base.group_user",
        help="(effective price - cost) / effective price. The cost is the product's cost in "
        "company currency converted to the order currency at the order date, or the cost set on "
        "the line by a user who may edit products; a cost changed by anybody else is ignored.",
    )
    price_approval_rule_id = fields.Many2one(
        comodel_name="sales_plus.price.rule",
        string="Price Rule",
        compute="_compute_price_approval",
        store=True,
        help="The most specific price rule that applies to the line.",
    )
    price_approval_level = fields.Integer(
        string="Approval Level",
        compute="_compute_price_approval",
        store=True,
        help="0: within policy; 1 team leader, 2 sales manager, 3 general manager.",
    )
    # the line's cost as set by a user allowed to set costs (order currency, per
    # unit of the line); without such a user, the product's cost is used
    price_approval_cost = fields.Float(
        string="Approval Cost",
        copy=False,
        readonly=True,
        min_display_digits="Product Price",
        groups="base.group_user",
        help="The line's cost set by a user who may edit products: used for the approval margin "
        "instead of the product's cost.",
    )
    price_approval_cost_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Approval Cost Set By",
        copy=False,
        readonly=True,
    )
    price_approval_reason = fields.Char(
        string="Approval Reason",
        compute="_compute_price_approval_reason",
    )
    # what the approvers saw: kept when the approval is requested and refreshed
    # once it is granted; a line worse than this restarts the approval
    price_approval_snapshot_level = fields.Integer(string="Approved Level", copy=False, readonly=True)
    price_approval_snapshot_price = fields.Float(
        string="Approved Price", copy=False, readonly=True, min_display_digits="Product Price"
    )
    price_approval_snapshot_discount = fields.Float(string="Approved Discount (%)", copy=False, readonly=True)
    price_approval_snapshot_deviation = fields.Float(
        string="Approved Deviation (%)", copy=False, readonly=True, digits=(16, 2)
    )
    price_approval_snapshot_margin = fields.Float(
        string="Approved Margin (%)", copy=False, readonly=True, digits=(16, 2), groups="base.group_user"
    )

    @api.depends(
        "product_id",
        "product_uom_id",
        "product_uom_qty",
        "display_type",
        "is_downpayment",
        "combo_item_id",
        "order_id.pricelist_id",
        "order_id.currency_id",
        "order_id.company_id",
        "order_id.fiscal_position_id",
    )
    def _compute_price_approval_reference_price(self):
        references = self._price_approval_reference_prices()
        for line in self:
            line.price_approval_reference_price = references.get(line, 0.0)

    @api.depends(
        "price_approval_reference_price",
        "price_unit",
        "discount",
        "price_approval_cost",
        "price_approval_cost_user_id",
        "product_id",
        "product_uom_id",
        "display_type",
        "is_downpayment",
        "combo_item_id",
        "order_id.partner_id",
        "order_id.team_id",
        "order_id.company_id",
    )
    def _compute_price_approval(self):
        rules_by_company = {}
        classes = {}
        for company in self.order_id.company_id:
            rules_by_company[company] = self.env["sales_plus.price.rule"]._price_approval_rules(company)
            partners = self.order_id.filtered(lambda o, c=company: o.company_id == c).partner_id
            company_classes = self.env["sales_plus.price.rule"]._partner_abc_classes(
                partners.commercial_partner_id, company
            )
            classes.update({(company.id, partner_id): abc for partner_id, abc in company_classes.items()})
        for line in self:
            reference = line.price_approval_reference_price
            effective = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
            deviation = margin = 0.0
            rule = self.env["sales_plus.price.rule"]
            level = 0
            if float_compare(reference, 0.0, precision_digits=6) > 0:
                deviation = float_round((reference - effective) / reference * 100.0, precision_digits=4)
            cost = line._price_approval_cost()
            if float_compare(effective, 0.0, precision_digits=6) > 0:
                margin = float_round((effective - cost) / effective * 100.0, precision_digits=4)
            elif cost > 0:
                margin = -100.0
            # deviation bands apply under the reference price, margin floors whatever the price
            if line._price_approval_is_analysed():
                order = line.order_id
                partner_class = classes.get((order.company_id.id, order.partner_id.commercial_partner_id.id))
                for candidate in rules_by_company.get(order.company_id, ()):
                    if candidate._price_approval_matches(
                        line.product_id, partner_class, order.team_id, order.company_id
                    ):
                        rule = candidate
                        break
                if rule:
                    level = rule._price_approval_level(min(deviation, 100.0), margin)
            line.price_approval_effective_price = effective
            line.price_approval_deviation = deviation
            line.price_approval_margin = margin
            line.price_approval_rule_id = rule
            line.price_approval_level = level

    @api.depends(
        "price_approval_level", "price_approval_deviation", "price_approval_margin", "price_approval_rule_id"
    )
    def _compute_price_approval_reason(self):
        for line in self:
            if not line.price_approval_level:
                line.price_approval_reason = False
                continue
            line.price_approval_reason = self.env._(
                "%(why)s: level %(level)s (rule %(rule)s)",
                why=line._price_approval_why(),
                level=line.price_approval_level,
                rule=line.price_approval_rule_id.display_name,
            )

    # ---- CRUD hooks (called by sale_order_line.py) ----

    @api.model
    def _price_approval_check_vals(self, vals_list):
        """A client never writes the approval fields (see PRICE_APPROVAL_LINE_PROTECTED)."""
        check_price_approval_vals(self, vals_list, PRICE_APPROVAL_LINE_PROTECTED)

    def _price_approval_after_create(self, costed):
        """``costed``: for each line of ``self``, whether its creator gave its cost."""
        self.browse(
            [line.id for line, flag in zip(self, costed, strict=True) if flag]
        )._price_approval_keep_cost()

    def _price_approval_after_write(self, vals):
        """After ``vals`` were written: keep the cost a user allowed to set costs
        gave; forget a kept cost when the product or unit changes."""
        if "purchase_price" in vals:
            self._price_approval_keep_cost()
        elif {"product_id", "product_uom_id"} & set(vals):
            stale = self.filtered("price_approval_cost_user_id")
            if stale:
                stale.sudo().write({"price_approval_cost": 0.0, "price_approval_cost_user_id": False})

    def _price_approval_keep_cost(self):
        """The line's cost (``purchase_price``) just given counts for the approval
        margin when the user may set costs; anybody else's is sale_margin's only."""
        if not self or not (self.env.su or self.env.user.has_group(PRICE_APPROVAL_COST_GROUP)):
            return
        for line in self:
            line.sudo().write(
                {"price_approval_cost": line.purchase_price, "price_approval_cost_user_id": self.env.uid}
            )

    # ---- Business methods ----

    def _price_approval_cost(self):
        """The unit cost the approval margin uses, in the order currency: the cost
        set on the line by a user allowed to set costs, else the product's cost
        in company currency converted at the order date (as sale_margin first
        computes the line's cost)."""
        self.ensure_one()
        if self.price_approval_cost_user_id:
            return self.price_approval_cost
        if not self.product_id:
            return 0.0
        line = self.with_company(self.company_id or self.order_id.company_id)
        product = line.product_id
        cost = product.uom_id._compute_price(product.standard_price, line.product_uom_id or product.uom_id)
        return line._convert_to_sol_currency(cost, product.cost_currency_id)

    def _price_approval_deciding_threshold(self):
        """The threshold of the line's rule that sets its level (a margin floor
        rather than a band when both require it)."""
        self.ensure_one()
        line = self.sudo()
        return line.price_approval_rule_id._price_approval_deciding_threshold(
            min(line.price_approval_deviation, 100.0), line.price_approval_margin
        )

    def _price_approval_why(self, short=False):
        """Why the line needs its level: "12.0% under the reference price" ("12.0%
        under reference" when ``short``) or "margin -20.0% under the 0% floor"."""
        self.ensure_one()
        threshold = self._price_approval_deciding_threshold()
        if threshold.kind == "margin":
            return self.env._(
                "margin %(margin)s%% under the %(floor)s%% floor",
                margin=_percent(self.sudo().price_approval_margin),
                floor=_percent(threshold.margin_floor, digits=None),
            )
        deviation = _percent(self.price_approval_deviation)
        if short:
            return self.env._("%(deviation)s%% under reference", deviation=deviation)
        return self.env._("%(deviation)s%% under the reference price", deviation=deviation)

    # ---- Business methods ----

    def _price_approval_is_analysed(self):
        """Sections, notes, down payments, delivery charges, combo items (priced by
        their combo) and lines without product are never flagged."""
        self.ensure_one()
        return bool(
            self.order_id
            and self.product_id
            and self.product_uom_id
            and not self.display_type
            and not self.is_downpayment
            and not self.combo_item_id
            and not (self._fields.get("is_delivery") and self.is_delivery)
        )

    def _price_approval_reference_prices(self):
        """Reference unit price of each analysed line: ``{line: price}``.

        The pricelist price Odoo itself would put on the line (rule for the product,
        quantity, unit and order date, in the order currency, taxes included as the
        unit price is), without the salesperson's discount. Applicable pricelist
        rules are fetched once per pricelist and date for all the lines' products,
        not once per line.
        """
        groups = defaultdict(lambda: self.browse())
        for line in self:
            if line._price_approval_is_analysed():
                groups[(line.order_id.pricelist_id, line._get_order_date())] |= line
        prices = {}
        for (pricelist, date), lines in groups.items():
            date = date or fields.Datetime.now()
            items = pricelist._get_applicable_rules(lines.product_id, date) if pricelist else None
            for line in lines:
                line = line.with_company(line.company_id)
                product = line.product_id
                qty_in_product_uom = line.product_uom_id._compute_quantity(
                    line.product_uom_qty or 1.0, product.uom_id, raise_if_failure=False
                )
                item = self.env["product.pricelist.item"]
                for candidate in items or ():
                    if candidate._is_applicable_for(product, qty_in_product_uom):
                        item = candidate
                        break
                price = item._compute_price(
                    product=product.with_context(**line._get_product_price_context()),
                    quantity=line.product_uom_qty or 1.0,
                    uom=line.product_uom_id,
                    date=date,
                    currency=line.currency_id or line.order_id.currency_id,
                )
                taxes = product.taxes_id._filter_taxes_by_company(line.company_id)
                if taxes:
                    price = product._get_tax_included_unit_price_from_price(
                        price, product_taxes=taxes, fiscal_position=line.order_id.fiscal_position_id
                    )
                prices[line] = price
        return prices

    def _price_approval_is_worse(self):
        """Whether the line is priced worse than what was approved (or requested):
        a higher level, a larger deviation or a lower margin; a flagged line
        without a snapshot (a new flagged line) is worse too."""
        self.ensure_one()
        if not self.price_approval_level:
            return False
        if self.price_approval_level > self.price_approval_snapshot_level:
            return True
        line = self.sudo()
        return (
            float_compare(
                line.price_approval_deviation, line.price_approval_snapshot_deviation, precision_digits=2
            )
            > 0
            or float_compare(
                line.price_approval_margin, line.price_approval_snapshot_margin, precision_digits=2
            )
            < 0
        )

    def _prepare_price_approval_snapshot_vals(self):
        self.ensure_one()
        if not self.price_approval_level:
            return {
                "price_approval_snapshot_level": 0,
                "price_approval_snapshot_price": 0.0,
                "price_approval_snapshot_discount": 0.0,
                "price_approval_snapshot_deviation": 0.0,
                "price_approval_snapshot_margin": 0.0,
            }
        return {
            "price_approval_snapshot_level": self.price_approval_level,
            "price_approval_snapshot_price": self.price_unit,
            "price_approval_snapshot_discount": self.discount,
            "price_approval_snapshot_deviation": self.price_approval_deviation,
            "price_approval_snapshot_margin": self.sudo().price_approval_margin,
        }


def _percent(value, digits=1):
    """A percentage as the summaries show it: one decimal (or as few as needed
    with ``digits=None``) and a true minus sign."""
    text = f"{value:.{digits}f}" if digits is not None else f"{value:g}"
    return text.replace("-", "\u2212")
