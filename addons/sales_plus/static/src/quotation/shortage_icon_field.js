import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/views/fields/formatters";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A read-only stock badge for a boolean "short of stock" flag: a stock icon and
 * the missing quantity, shown only when the flag is set, with its meaning as
 * tooltip. The quotation lines keep their row colour for the price approval
 * level; the shortage is this badge.
 */
export class ShortageIconField extends Component {
    static template = "sales_plus.ShortageIconField";
    static props = { ...standardFieldProps };

    get missingQty() {
        const qty = this.props.record.data.stock_alert_shortage_qty;
        return qty ? formatFloat(qty, { trailingZeros: false }) : "";
    }

    get tooltip() {
        return _t("Short of stock: the warehouse cannot cover this quantity by the promised date, even with the stock expected by then.");
    }
}

export const shortageIconField = {
    component: ShortageIconField,
    displayName: _t("Shortage Icon"),
    supportedTypes: ["boolean"],
    fieldDependencies: [{ name: "stock_alert_shortage_qty", type: "float" }],
};

registry.category("fields").add("sales_plus_shortage_icon", shortageIconField);
