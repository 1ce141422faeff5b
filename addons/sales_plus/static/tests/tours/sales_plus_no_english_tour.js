import { registry } from "@web/core/registry";

/**
 * No English for Chinese users (tests/test_l10n_tours.py): a team leader working
 * in zh_CN or zh_TW walks the screens sales_plus shows every day and the tour
 * fails on any Latin word visible on them, naming each word and where it was.
 */

// Latin words a Chinese user may read: currency symbols and codes, file formats.
// Product codes, order numbers and amounts carry digits and are never words;
// the test's products, customers and users have Chinese names.
const ALLOWED = new Set(["NT", "US", "HK", "CNY", "TWD", "USD", "HKD", "PDF", "XLSX", "ABC", "RFM"]);
// what the check reads: the menu bar of the app and the action (control panel + view)
const SCOPES = [".o_main_navbar .o_menu_brand", ".o_main_navbar .o_menu_sections", ".o_action_manager"];
const LATIN_WORD = /[A-Za-z]{2,}/g;

function isVisible(element) {
    return element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
}

/** The element, after its closest ancestor with a name (a field, a button, a column). */
function where(element) {
    const named = element.closest("[name]");
    const describe = (node) =>
        `${node.tagName.toLowerCase()}${node.getAttribute("name") ? `[name=${node.getAttribute("name")}]` : ""}`;
    return named && named !== element ? `${describe(named)} > ${describe(element)}` : describe(element);
}

/** Every English word visible in the scopes (text, input values, placeholders), as
 * `"word" in "text" (where)`. */
export function visibleEnglishWords() {
    const found = new Map();
    const add = (text, element) => {
        // a token with a digit is a code, a number or an amount (S00012, SP-R100, 12.3k)
        for (const token of text.split(/[\s,;:!?()[\]{}"'“”‘’、，。：；！？（）《》「」|·•/\\]+/)) {
            if (/\d/.test(token)) {
                continue;
            }
            for (const word of token.match(LATIN_WORD) || []) {
                if (!ALLOWED.has(word) && !found.has(word)) {
                    found.set(word, `"${word}" in "${text.trim().slice(0, 80)}" (${where(element)})`);
                }
            }
        }
    };
    for (const scope of SCOPES.flatMap((selector) => [...document.querySelectorAll(selector)])) {
        const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (element && node.nodeValue.trim() && isVisible(element)) {
                add(node.nodeValue, element);
            }
        }
        // what fields show in inputs (a many2one's record name), and their placeholders
        for (const input of scope.querySelectorAll("input, textarea")) {
            if (!["hidden", "checkbox", "radio"].includes(input.type) && isVisible(input)) {
                add(`${input.value} ${input.getAttribute("placeholder") || ""}`, input);
            }
        }
    }
    return [...found.values()];
}

function noEnglish(screen, trigger) {
    return {
        content: `No English word on ${screen}`,
        trigger,
        run() {
            const words = visibleEnglishWords();
            if (words.length) {
                throw new Error(
                    `${words.length} English word(s) on ${screen}:\n  ${words.join("\n  ")}`
                );
            }
        },
    };
}

function openSalesPlusMenu(xmlid) {
    return [
        {
            content: "Open the Sales Plus menu",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_plus.sales_plus_menu_root"]',
            run: "click",
        },
        {
            trigger: `.o-dropdown-item[data-menu-xmlid="sales_plus.${xmlid}"]`,
            run: "click",
        },
    ];
}

function noEnglishTour() {
    return [
        noEnglish(
            "the price approvals to do",
            ".o_list_view .o_data_row:has(button[name=validate_tier]) .o_data_cell[name=price_approval_deviation]"
        ),
        {
            content: "Open the quotation waiting for the team leader",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Open the review table",
            trigger: ".o_form_view .o_field_tier_validation .o_info_btn",
            run: "click",
        },
        noEnglish(
            "the quotation and its approval block",
            ".o_form_view:has(.o_sales_plus_price_approval_banner):has(button[name=validate_tier]):has(.o_review table td[name=td_todo_by])" +
                ":has(.o-mail-Chatter .o-mail-Activity):has(.o-mail-Chatter .o-mail-Message)"
        ),
        {
            content: "Open the price approval tab",
            trigger: ".o_notebook a[name=price_approval]",
            run: "click",
        },
        noEnglish(
            "the quotation's price approval tab",
            ".o_notebook .tab-pane.active .o_field_widget[name=price_approval_state]"
        ),
        ...openSalesPlusMenu("sales_plus_cockpit_menu"),
        noEnglish(
            "the Sales Cockpit",
            // both parts of its payload in: the customer sections too
            ".o_sales_plus_cockpit:not(.o_sales_plus_cockpit_loading_customers) .o_sales_plus_cockpit_by_salesperson td"
        ),
        ...openSalesPlusMenu("sales_plus_stock_alert_menu"),
        noEnglish("the stock alerts", ".o_list_view .o_data_row"),
    ];
}

registry.category("web_tour.tours").add("sales_plus_no_english_zh_CN_tour", {
    steps: noEnglishTour,
});

registry.category("web_tour.tours").add("sales_plus_no_english_zh_TW_tour", {
    steps: noEnglishTour,
});
