import { registry } from "@web/core/registry";

// tests/test_l10n_tier_validation.py, TestReviewTableLanguageUi
registry.category("web_tour.tours").add("sales_plus_review_table_lang_tour", {
    steps: () => [
        {
            content: "Open the review table",
            trigger: ".o_form_view .o_field_tier_validation .o_info_btn",
            run: "click",
        },
        {
            content: "The group to decide is named in Simplified Chinese",
            trigger: ".o_review table td[name=td_todo_by]:contains(（用户组）)",
        },
        {
            content: "Not in the requester's English",
            trigger: ".o_review table td[name=td_todo_by]",
            run() {
                const cells = [...document.querySelectorAll(".o_review table td[name=td_todo_by]")];
                const english = cells.map((td) => td.textContent.trim()).filter((t) => /\bGroup\b/.test(t));
                if (english.length) {
                    throw new Error(`"To do by" in English: ${english.join(", ")}`);
                }
            },
        },
    ],
});
