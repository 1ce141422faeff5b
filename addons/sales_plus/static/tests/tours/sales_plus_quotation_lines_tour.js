import { registry } from "@web/core/registry";

/**
 * A quotation with a level 1 line short of stock and a level 2 line, at 1600 px
 * (tests/test_price_approval.py, TestQuotationScreenUi): the row colour tells the
 * price level only, a stock icon tells the shortage, a legend explains both, and
 * the lines fit without a horizontal scroll bar.
 */
registry.category("web_tour.tours").add("sales_plus_quotation_lines_tour", {
    steps: () => [
        {
            content: "The level 1 line short of stock stays yellow, with the stock icon",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row.text-warning:not(.text-danger):contains(Approval Desk):has(.o_sales_plus_shortage:contains(2))",
        },
        {
            content: "The level 2 line, not short, is red without the stock icon",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row.text-danger:contains(Approval Chair):not(:has(.o_sales_plus_shortage_icon))",
        },
        {
            content: "The legend explains the colours and the icon",
            trigger: ".o_sales_plus_line_legend:visible:has(.fa-cubes):has(.text-warning):has(.text-danger)",
        },
        {
            content: "The level column is shown in full",
            trigger: ".o_field_widget[name=order_line] th[data-name=price_approval_level]",
            run({ anchor }) {
                const label = anchor.querySelector(".o_list_column_header_label, span") || anchor;
                if (label.scrollWidth > label.clientWidth + 1) {
                    throw new Error(`The level header is cut: "${label.textContent.trim()}"`);
                }
            },
        },
        {
            content: "The lines fit the width: no horizontal scroll",
            trigger: ".o_field_widget[name=order_line] .o_list_renderer",
            run({ anchor }) {
                if (anchor.scrollWidth > anchor.clientWidth + 1) {
                    throw new Error(
                        `The order lines scroll sideways: ${anchor.scrollWidth}px in ${anchor.clientWidth}px`
                    );
                }
            },
        },
        {
            content: "The request is the primary action",
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_request_price_approval]",
        },
        {
            content: "Send, refused until the approval, is not primary",
            trigger:
                ".o_statusbar_buttons:not(:has(button.btn-primary[name=action_quotation_send])):has(button.btn-secondary[name=action_quotation_send])",
        },
    ],
});
