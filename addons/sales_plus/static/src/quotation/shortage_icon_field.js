import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A read-only stock icon for a boolean "short of stock" flag: shown only when the
 * flag is set, with its meaning as tooltip. The quotation lines keep their row
 * colour for the price approval level; the shortage is this icon.
 */
export class ShortageIconField extends Component {
    static template = "sales_plus.ShortageIconField";
    static props = { ...standardFieldProps };

    get tooltip() {
        return _t("Short of stock: the warehouse cannot cover this quantity by the promised date, even with the stock expected by then.");
    }
}

export const shortageIconField = {
    component: ShortageIconField,
    displayName: _t("Shortage Icon"),
    supportedTypes: ["boolean"],
};

registry.category("fields").add("sales_plus_shortage_icon", shortageIconField);
