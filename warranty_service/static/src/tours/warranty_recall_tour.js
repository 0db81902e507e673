import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps } from "./tour_steps";

// The unit came in for something else: the workshop master sees its open recall campaign on the
// serial and on the repair, and adds the campaign's labour and parts kit to the repair in one click.
registry.category("web_tour.tours").add("warranty_service_recall_tour", {
    url: "/odoo/action-warranty_service.stock_lot_action_warranty",
    steps: () => [
        ...openSerialSteps("VIN-TOUR-RC1"),
        {
            content: "The serial shows its open campaign",
            trigger: ".o_form_view .alert-danger:contains('Open recall campaign'):contains('Tour brake hose')",
        },
        { content: "Open its repairs", trigger: "button[name='action_lot_open_repairs']", run: "click" },
        { content: "Open the repair", trigger: ".o_data_row .o_data_cell[name='name']", run: "click" },
        {
            content: "The repair shows the campaign",
            trigger: ".o_form_view .alert-danger:contains('Open recall campaign'):contains('Tour brake hose')",
        },
        {
            content: "Add the campaign work",
            trigger: ".alert-danger button[name='action_add_campaign_work']",
            run: "click",
        },
        noErrorStep(
            "The campaign work is on the repair",
            ".o_form_view:not(:has(.alert-danger button[name='action_add_campaign_work']))",
        ),
        { content: "Go to the labour", trigger: "a.nav-link[name='warranty_labor']", run: "click" },
        {
            content: "The campaign's operation is there",
            trigger: "div[name='labor_line_ids'] .o_data_row:contains('00-RCTOUR')",
        },
    ],
});
