import { registry } from "@web/core/registry";
import { noErrorStep } from "./tour_steps";

// The parts staff approve a requisition from their queue and validate its transfer.
registry.category("web_tour.tours").add("warranty_service_requisition_tour", {
    url: "/odoo/action-warranty_service.warranty_part_requisition_action",
    steps: () => [
        {
            content: "Open the submitted requisition from the queue",
            trigger: ".o_kanban_group:contains('Submitted') .o_kanban_record:contains('Tour filter request')",
            run: "click",
        },
        { content: "Approve it", trigger: "button[name='action_approve']", run: "click" },
        noErrorStep("It is approved", ".o_statusbar_status button.o_arrow_button_current:contains('Approved')"),
        { content: "Open its transfer", trigger: "button[name='action_view_pickings']", run: "click" },
        { content: "Validate the transfer", trigger: "button[name='button_validate']", run: "click" },
        noErrorStep("The transfer is done", ".o_statusbar_status button.o_arrow_button_current:contains('Done')"),
    ],
});
