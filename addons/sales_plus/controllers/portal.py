# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.addons.sale.controllers.portal import PaymentPortal
from odoo.exceptions import AccessError, MissingError, ValidationError


class SalesPlusPaymentPortal(PaymentPortal):
    @http.route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        """No online payment of a quotation whose prices wait for approval."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            return super().portal_order_transaction(order_id, access_token, **kwargs)
        if order_sudo._price_approval_is_blocked():
            # the customer sees neither the deviations nor the approvers
            raise ValidationError(
                order_sudo.env._("This quotation is being reviewed: it can be paid once it is approved.")
            )
        return super().portal_order_transaction(order_id, access_token, **kwargs)
