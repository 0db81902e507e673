import { registry } from "@web/core/registry";
import { noErrorStep } from "./tour_steps";

// One visit, three payers: the warranty and customer jobs are on the repair; the workshop adds the
// customer's goodwill job, puts the mirror on it, the Warranty Manager approves the split, the repair is
// done, the manufacturer's claim is made and the customer is invoiced its part only.
registry.category("web_tour.tours").add("warranty_service_repair_jobs_tour", {
    url: "/odoo/action-warranty_service.repair_order_action_workshop",
    steps: () => [
        {
            content: "The workshop kanban shows the visit's payers",
            trigger: ".o_kanban_record:contains('VIN-TOUR-J1'):contains('Warranty · Customer')",
        },
        { content: "Open the visit", trigger: ".o_kanban_record:contains('VIN-TOUR-J1')", run: "click" },
        { content: "Go to the jobs", trigger: "a.nav-link[name='warranty_jobs']", run: "click" },
        {
            content: "Add a job",
            trigger: "div[name='job_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The customer's complaint",
            trigger: ".modal .o_field_widget[name='complaint'] textarea",
            run: "edit Mirror scratched",
        },
        {
            content: "Goodwill",
            trigger: ".modal .o_field_widget[name='pay_type'] select",
            run: "selectByLabel Goodwill",
        },
        {
            content: "Manufacturer's share",
            trigger: ".modal .o_field_widget[name='goodwill_manufacturer_percent'] input",
            run: "edit 50",
        },
        {
            content: "Dealer's share",
            trigger: ".modal .o_field_widget[name='goodwill_dealer_percent'] input",
            run: "edit 30",
        },
        {
            content: "Customer's share",
            trigger: ".modal .o_field_widget[name='goodwill_customer_percent'] input",
            run: "edit 20",
        },
        { content: "Keep the job", trigger: ".modal button:contains(Save & Close)", run: "click" },
        {
            content: "The job is listed",
            trigger: "div[name='job_ids'] .o_data_row:contains('Mirror scratched')",
        },
        { content: "Save the visit", trigger: ".o_form_button_save", run: "click" },
        noErrorStep("Saved", ".o_form_saved"),
        { content: "Go to the parts", trigger: "a.nav-link[name='parts']", run: "click" },
        {
            content: "Put the mirror on its job",
            trigger: "div[name='move_ids'] .o_data_row:contains('Tour Mirror') td[name='job_id']",
            run: "click",
        },
        {
            content: "Choose the goodwill job",
            trigger: "div[name='move_ids'] .o_data_row [name='job_id'] input",
            run: "edit Mirror",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item > a:contains('Mirror scratched')",
            run: "click",
        },
        { content: "Save the visit", trigger: ".o_form_button_save", run: "click" },
        noErrorStep("Saved", ".o_form_saved"),
        { content: "Back to the jobs", trigger: "a.nav-link[name='warranty_jobs']", run: "click" },
        {
            content: "The Warranty Manager approves the split",
            trigger: "div[name='job_ids'] .o_data_row:contains('Mirror scratched') button[name='action_approve_goodwill']",
            run: "click",
        },
        noErrorStep(
            "Approved",
            "div[name='job_ids'] .o_data_row:contains('Mirror scratched'):not(:has(button[name='action_approve_goodwill']))",
        ),
        { content: "Start the repair", trigger: "button[name='action_repair_start']", run: "click" },
        noErrorStep("Under repair: it can be completed", "button[name='action_repair_end']"),
        { content: "Complete the repair", trigger: "button[name='action_repair_end']", run: "click" },
        noErrorStep("Repaired", ".o_statusbar_status button.o_arrow_button_current:contains('Repaired')"),
        { content: "Claim the manufacturer", trigger: "button[name='action_create_warranty_claim']", run: "click" },
        noErrorStep("The claim opens", ".o_form_view div[name='line_ids'] .o_data_row"),
        {
            content: "Back to the visit",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('RO-TOUR-J1')",
            run: "click",
        },
        { content: "Quote the customer", trigger: "button[name='action_create_sale_order']", run: "click" },
        noErrorStep("The quotation opens", ".o_form_view button[name='action_confirm']"),
        { content: "Confirm it", trigger: "button[name='action_confirm']", run: "click" },
        noErrorStep("Confirmed", ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')"),
        { content: "Invoice it", trigger: "button:contains('Create Invoice')", run: "click" },
        { content: "Create the invoice", trigger: ".modal button[name='create_invoices']", run: "click" },
        noErrorStep("The invoice opens", ".o_form_view .o_field_widget[name='invoice_line_ids']"),
    ],
});
