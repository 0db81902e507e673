import { registry } from "@web/core/registry";
import { noErrorStep } from "./tour_steps";

// The manufacturer's remittance: two claims paid in one file, 100.00 and 50.00, today (whatever the day the tour runs)
const TODAY = new Date().toISOString().slice(0, 10);
const REMITTANCE = [
    "claim_number,revision,amount_paid,payment_reference,date",
    `RM-WC-00001,0,100.00,REM-TOUR-11,${TODAY}`,
    `RM-WC-00002,0,50.00,REM-TOUR-11,${TODAY}`,
].join("\n");

// The accountant imports the manufacturer's remittance at month-end and sees the claims become paid.
registry.category("web_tour.tours").add("warranty_service_remittance_tour", {
    url: "/odoo/action-warranty_service.warranty_claim_action",
    steps: () => [
        { content: "Open the reporting menu", trigger: ".o_menu_sections button:contains('Reporting')", run: "click" },
        { content: "Import a remittance", trigger: ".dropdown-item:contains('Import Remittance')", run: "click" },
        { content: "Who paid", trigger: ".modal div[name='manufacturer_id'] input", run: "edit Remit Motors" },
        { content: "Pick the manufacturer", trigger: ".ui-autocomplete a:contains('Remit Motors')", run: "click" },
        { content: "Where the money came in", trigger: ".modal div[name='journal_id'] input", run: "edit Tour Bank" },
        { content: "Pick the bank", trigger: ".ui-autocomplete a:contains('Tour Bank')", run: "click" },
        { content: "The received total", trigger: ".modal div[name='amount_received'] input", run: "edit 150.00" },
        {
            content: "Load the remittance file",
            trigger: ".modal div[name='data']",
            run: async () => {
                const input = document.querySelector(".modal div[name='data'] input[type='file']");
                const file = new File([REMITTANCE], "remittance.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        { content: "The file is loaded", trigger: ".modal div[name='data'] .o_clear_file_button" },
        { content: "Preview it", trigger: ".modal button[name='action_preview']", run: "click" },
        noErrorStep("Both rows are fine", ".modal .o_data_row:contains('RM-WC-00002'):contains('OK')"),
        { content: "Register the payments", trigger: ".modal button[name='action_apply']", run: "click" },
        {
            content: "The claims are paid",
            trigger: ".o_list_view:not(:has(.modal)) .o_data_row:contains('RM-WC-00001') .o_data_cell[name='state']:contains('Paid')",
        },
        {
            content: "Both of them",
            trigger: ".o_data_row:contains('RM-WC-00002') .o_data_cell[name='state']:contains('Paid')",
        },
    ],
});
