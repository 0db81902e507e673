import { registry } from "@web/core/registry";
import { openMenuSteps } from "./office_steps";
import { noErrorStep } from "./tour_steps";

// The claims board shows the whole life cycle, in its order (cancelled claims only when there are some)
const BOARD_COLUMNS = ["Draft", "Submitted", "Accepted", "Partially Accepted", "Rejected", "Paid"];

function columnTitles() {
    return [...document.querySelectorAll(".o_kanban_group .o_column_title")].map((el) =>
        el.textContent.replace(/\(\d+\)/, "").trim()
    );
}

// The Warranty Manager's day (README): the claims board, a claim waiting for the manufacturer, the returned
// parts, the failure rates and the monthly report, the export to the manufacturer.
registry.category("web_tour.tours").add("warranty_service_manager_day_tour", {
    url: "/odoo",
    steps: () => [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "Open the Warranty app",
            trigger: ".o_app[data-menu-xmlid='warranty_service.warranty_menu_root']",
            run: "click",
        },
        noErrorStep("The app opens on the claims board", ".o_last_breadcrumb_item:contains('Claims Board')"),
        {
            content: "The columns follow the life cycle, none cut off",
            trigger: ".o_kanban_renderer .o_kanban_group .o_column_title:contains('Paid')",
            run() {
                const titles = columnTitles();
                if (JSON.stringify(titles) !== JSON.stringify(BOARD_COLUMNS)) {
                    throw new Error(`Board columns ${titles.join(", ")}, expected ${BOARD_COLUMNS.join(", ")}`);
                }
                for (const el of document.querySelectorAll(".o_kanban_group:not(.o_column_folded) .o_column_title")) {
                    if (el.scrollWidth > el.clientWidth + 1) {
                        throw new Error(`The column title ${el.textContent.trim()} is cut off`);
                    }
                }
            },
        },
        {
            content: "Open the claim waiting for the manufacturer",
            trigger: ".o_kanban_record:contains('OM-WC-00001')",
            run: "click",
        },
        noErrorStep(
            "The decision is offered as actions; no empty rejection reason to fill",
            ".o_form_view:not(:has(.o_field_widget[name='rejection_reason'])) button[name='action_accept']:contains('Accept')",
        ),
        { content: "Reject asks for the reason", trigger: ".o_form_view .o_statusbar_buttons button:contains('Reject')" },
        ...openMenuSteps("warranty_claim_menu_root", "warranty_claim_line_menu_returns"),
        noErrorStep("The part of the submitted claim waits there", ".o_list_view .o_data_row:contains('OM-WC-00001')"),
        ...openMenuSteps("warranty_menu_reporting", "warranty_failure_rate_menu"),
        noErrorStep("The period is asked in a titled dialog", ".modal .modal-title:contains('Failure Rates')"),
        { content: "Show the rates", trigger: ".modal button[name='action_compute']", run: "click" },
        noErrorStep(
            "The rates open as a named list, not as a record",
            ".o_breadcrumb:not(:contains('warranty.failure.rate')) .o_last_breadcrumb_item:contains('Failure Rates') ",
        ),
        { content: "A list of rates", trigger: ".o_list_view:not(:has(.o_form_view))" },
        ...openMenuSteps("warranty_menu_reporting", "warranty_claim_monthly_report_menu"),
        {
            content: "The year is a year, not a number with thousands separator",
            trigger: ".modal div[name='year'] input",
            run() {
                const value = document.querySelector(".modal div[name='year'] input").value;
                if (!/^\d{4}$/.test(value)) {
                    throw new Error(`The year reads ${value}`);
                }
            },
        },
        { content: "Export the month", trigger: ".modal button[name='action_export_xlsx']", run: "click" },
        noErrorStep(
            "The spreadsheet is offered in the same titled dialog",
            ".modal:has(.modal-title:contains('Monthly Claims Report')) div[name='xlsx_file'] a, .modal:has(.modal-title:contains('Monthly Claims Report')) div[name='xlsx_file'] button",
        ),
        { content: "Close it", trigger: ".modal .modal-footer button:contains('Close')", run: "click" },
        ...openMenuSteps("warranty_claim_menu_root", "warranty_claim_export_menu"),
        { content: "To the manufacturer", trigger: ".modal div[name='manufacturer_id'] input", run: "edit Office Motors" },
        { content: "Pick it", trigger: ".ui-autocomplete a:contains('Office Motors')", run: "click" },
        { content: "Export", trigger: ".modal button[name='action_export']", run: "click" },
        noErrorStep(
            "The file is offered in the titled dialog",
            ".modal:has(.modal-title:contains('Export Claims')) div[name='data']",
        ),
    ],
});
