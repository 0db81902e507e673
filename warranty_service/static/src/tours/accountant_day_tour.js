import { registry } from "@web/core/registry";
import { openMenuSteps } from "./office_steps";
import { noErrorStep } from "./tour_steps";

// Buttons of the workshop and of the Warranty Manager, never shown to the accountant
const FOREIGN_BUTTONS = ["action_ship_returned_parts", "action_resubmit", "action_cancel", "action_submit"]
    .map((name) => `:not(:has(button[name='${name}']))`)
    .join("");

function remittance() {
    const today = new Date().toISOString().slice(0, 10);
    return ["claim_number,revision,amount_paid,payment_reference,date", `OM-WC-00003,0,300.00,REM-OFFICE-1,${today}`].join(
        "\n"
    );
}

// The accountant's month-end (README): invoice what was accepted, record a decision, import the remittance,
// follow what was paid short.
registry.category("web_tour.tours").add("warranty_service_accountant_day_tour", {
    url: "/odoo",
    steps: () => [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "Open the Warranty app",
            trigger: ".o_app[data-menu-xmlid='warranty_service.warranty_menu_root']",
            run: "click",
        },
        noErrorStep("The app opens on the claims to invoice", ".o_last_breadcrumb_item:contains('Claims to Invoice')"),
        { content: "Filtered as the README's month-end says", trigger: ".o_searchview_facet:contains('To Invoice')" },
        {
            content: "The accepted claim is listed, not the submitted one",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('OM-WC-00001'))) .o_data_row:contains('OM-WC-00002')",
        },
        { content: "Select it", trigger: ".o_data_row:contains('OM-WC-00002') .o_list_record_selector input", run: "click" },
        { content: "Open the actions", trigger: ".o_cp_action_menus button:contains('Actions')", run: "click" },
        { content: "Create the invoice", trigger: ".o-dropdown--menu .dropdown-item:contains('Create Invoice')", run: "click" },
        noErrorStep("The single invoice opens in its form", ".o_last_breadcrumb_item:contains('Draft Invoice')"),
        {
            content: "To the manufacturer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run() {
                const customer = document.querySelector(".o_form_view .o_field_widget[name='partner_id'] input").value;
                if (customer !== "Office Motors") {
                    throw new Error(`The invoice goes to ${customer}`);
                }
            },
        },
        ...openMenuSteps("warranty_claim_menu_root", "warranty_claim_menu"),
        { content: "As a list", trigger: ".o_switch_view.o_list", run: "click" },
        { content: "Open the claim waiting for a decision", trigger: ".o_data_row:contains('OM-WC-00001') .o_data_cell[name='name']", run: "click" },
        noErrorStep(
            "Accept and Reject are offered, nothing of the workshop's",
            `.o_form_view${FOREIGN_BUTTONS} button[name='action_accept']:contains('Accept')`,
        ),
        { content: "Reject it", trigger: ".o_statusbar_buttons button:contains('Reject')", run: "click" },
        { content: "The reason is asked first", trigger: ".modal .modal-title:contains('Reject Claim')" },
        { content: "The manufacturer's reason", trigger: ".modal div[name='reason'] textarea", run: "edit Not a factory defect" },
        { content: "Confirm", trigger: ".modal button[name='action_confirm']", run: "click" },
        noErrorStep(
            "The claim is rejected with its reason",
            ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Rejected')",
        ),
        {
            content: "The reason is shown, no button of other roles",
            trigger: `.o_form_view${FOREIGN_BUTTONS} .o_field_widget[name='rejection_reason']:contains('Not a factory defect')`,
        },
        ...openMenuSteps("warranty_menu_reporting", "warranty_remittance_import_menu"),
        { content: "Who paid", trigger: ".modal div[name='manufacturer_id'] input", run: "edit Office Motors" },
        { content: "Pick the manufacturer", trigger: ".ui-autocomplete a:contains('Office Motors')", run: "click" },
        { content: "Where the money came in", trigger: ".modal div[name='journal_id'] input", run: "edit Office Bank" },
        { content: "Pick the bank", trigger: ".ui-autocomplete a:contains('Office Bank')", run: "click" },
        { content: "The received total", trigger: ".modal div[name='amount_received'] input", run: "edit 300.00" },
        {
            content: "Load the remittance file",
            trigger: ".modal div[name='data']",
            run: async () => {
                const input = document.querySelector(".modal div[name='data'] input[type='file']");
                const transfer = new DataTransfer();
                transfer.items.add(new File([remittance()], "remittance.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        { content: "The file is loaded", trigger: ".modal div[name='data'] .o_clear_file_button" },
        { content: "Preview it", trigger: ".modal button[name='action_preview']", run: "click" },
        noErrorStep(
            "The preview keeps its title",
            ".modal:has(.modal-title:contains('Remittance')) .o_data_row:contains('OM-WC-00003'):contains('OK')",
        ),
        {
            content: "Claim numbers and invoices are not cut off",
            trigger: ".modal .o_data_row .o_data_cell[name='claim_number']",
            run() {
                for (const cell of document.querySelectorAll(
                    ".modal .o_data_cell[name='claim_number'], .modal .o_data_cell[name='invoice_id']"
                )) {
                    if (cell.scrollWidth > cell.clientWidth + 1) {
                        throw new Error(`The preview cuts ${cell.textContent.trim()}`);
                    }
                }
            },
        },
        { content: "Register the payment", trigger: ".modal button[name='action_apply']", run: "click" },
        noErrorStep(
            "The reconciled claims open on a page of their own",
            ".o_breadcrumb:not(:contains('Warranty Claims')):not(:contains('Registrations')) .o_last_breadcrumb_item:contains('Reconciled Claims')",
        ),
        ...openMenuSteps("warranty_menu_reporting", "warranty_claim_menu_paid_short"),
        noErrorStep(
            "The claim paid 300.00 of 307.60 is short by 7.60",
            ".o_data_row:contains('OM-WC-00003') .o_data_cell[name='amount_short']:contains('7.60')",
        ),
    ],
});
