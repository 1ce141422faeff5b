import { registry } from "@web/core/registry";

// A target's "Cockpit" button opens the cockpit on the target's period and team.
registry.category("web_tour.tours").add("sales_plus_target_cockpit_tour", {
    steps: () => [
        {
            content: "Open the cockpit from the target",
            trigger: '.o_form_view button[name="action_open_cockpit"]',
            run: "click",
        },
        {
            content: "The cockpit shows the target's quarter",
            trigger: '.o_sales_plus_cockpit_period_type:has(option[value="quarter"]:checked)',
        },
        {
            content: "… its dates",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="revenue"]',
            run() {
                const inputs = [...document.querySelectorAll(".o_sales_plus_cockpit input")].map(
                    (input) => input.value
                );
                const text = document.querySelector(".o_sales_plus_cockpit").innerText;
                if (!inputs.some((v) => v.includes("2024")) && !text.includes("2024")) {
                    throw new Error(`the cockpit is not on the target's period: ${inputs}`);
                }
            },
        },
    ],
});
