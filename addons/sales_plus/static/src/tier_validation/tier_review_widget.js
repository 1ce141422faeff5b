import { registry } from "@web/core/registry";

// The review table of base_tier_validation also reads who is to decide in the
// reader's language (tier.review.price_approval_todo_by; todo_by is stored in
// the language of whoever requested the approval).
const reviewsTable = registry.category("fields").get("form.tier_validation");
reviewsTable.relatedFields.push({ name: "price_approval_todo_by", type: "char" });
