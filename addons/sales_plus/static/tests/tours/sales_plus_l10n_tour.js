import { registry } from "@web/core/registry";

/**
 * Steps asking the test for a screenshot (tests/test_l10n_ui.py): the test saves
 * the viewport when $SALES_PLUS_SCREENSHOT_DIR is set, then marks the body.
 */
function screenshot(name) {
    return [
        {
            content: `Screenshot ${name}`,
            trigger: "body",
            run() {
                console.log(`sales_plus:screenshot ${name}`);
            },
        },
        {
            content: `Screenshot ${name} done`,
            trigger: `body[data-sales-plus-screenshot="${name}"]`,
        },
    ];
}

const revenue = '.o_sales_plus_cockpit_kpi[data-kpi="revenue"]';

registry.category("web_tour.tours").add("sales_plus_cockpit_zh_CN_tour", {
    steps: () => [
        {
            content: "The cockpit title is in Simplified Chinese",
            trigger: ".o_sales_plus_cockpit h4:contains(销售业绩驾驶舱)",
        },
        {
            content: "Filters and tables are in Simplified Chinese",
            trigger: ".o_sales_plus_cockpit_team:has(option:contains(全部团队))",
        },
        {
            trigger: ".o_sales_plus_cockpit_by_salesperson .card-header:contains(销售员排行)",
        },
        {
            content: "¥ 123,456.00 reads ¥ 12.35万 by default for a zh_CN user",
            trigger: `${revenue} .o_sales_plus_cockpit_kpi_value:contains(¥):contains(12.35万)`,
        },
        {
            content: "One unit per column: the salesperson's revenue in 万 too",
            trigger: ".o_sales_plus_cockpit_by_salesperson td:contains(12.35万)",
        },
        ...screenshot("cockpit_zh_CN"),
        {
            content: "Switch 万 off",
            trigger: ".o_sales_plus_cockpit_wan label:contains(以万为单位)",
            run: "click",
        },
        {
            content: "Revenue in yuan, without 万",
            trigger: `${revenue}:contains(销售额) .o_sales_plus_cockpit_kpi_value:contains(¥):not(:contains(万))`,
        },
    ],
});

const banner = ".o_sales_plus_price_approval_banner";

registry.category("web_tour.tours").add("sales_plus_price_approval_zh_TW_tour", {
    steps: () => [
        {
            content: "The banner says, in Traditional Chinese, that the prices need an approval",
            trigger: `${banner}:contains(價格低於政策：本報價單需核准後才能寄送或確認。)`,
        },
        {
            content: "The summary names the level and the approver in Traditional Chinese",
            trigger: `${banner}:contains(1 行需要 1 級核准)`,
        },
        {
            content: "Request the approval",
            trigger: `.o_statusbar_buttons button.btn-primary[name=action_request_price_approval]:contains(提交核准)`,
            run: "click",
        },
        {
            content: "The approval is pending",
            trigger: `${banner}:contains(價格核准中：本報價單暫不能寄送或確認。)`,
        },
        ...screenshot("approval_banner_zh_TW"),
    ],
});
