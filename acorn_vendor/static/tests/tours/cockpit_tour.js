/** @odoo-module **/
/**
 * An operations lead's morning, at desktop and phone width: the Overview, a PO to
 * acknowledge (accepted and sent), a delivery whose ship window closes, an invoice's Amazon check. Three full page
 * loads in one tab; after each, "The page is out of date" must not appear (Odoo 18's false
 * positive, see static/src/outdated_page).
 */
import { registry } from "@web/core/registry";

const OVERVIEW = "/odoo/action-acorn_vendor.acorn_vc_account_action_overview";
const INVOICES = "/odoo/action-acorn_vendor.account_move_action_amazon";

function noOutdatedNotice(afterMs) {
    return {
        content: `No "page is out of date" notice ${afterMs / 1000} s after the page loaded`,
        trigger: ".o_action_manager .o_view_controller",
        async run() {
            await new Promise((resolve) => setTimeout(resolve, afterMs));
            const notices = [...document.querySelectorAll(".o_notification")].filter((el) =>
                el.textContent.includes("out of date")
            );
            if (notices.length) {
                throw new Error(`"The page is out of date" shown: ${notices[0].textContent}`);
            }
        },
    };
}

function fullPageLoad(url) {
    return {
        content: `Full page load of ${url}`,
        trigger: ".o_action_manager",
        run() {
            window.location.assign(url);
        },
    };
}

registry.category("web_tour.tours").add("acorn_vendor_cockpit", {
    url: OVERVIEW,
    steps: () => [
        {
            content: "The Overview sums every account at the top",
            trigger: ".o_acorn_overview_totals .o_acorn_overview_figure[data-figure='po_to_ack']",
        },
        {
            content: "Open the account's POs to acknowledge",
            trigger: ".o_kanban_record:contains('Tour Cockpit') button[name='action_view_pos_to_acknowledge']",
            run: "click",
        },
        {
            content: "Open the PO (a row on a desktop, a card on a phone)",
            trigger: ".o_data_row:contains('TOURCP1') td[name='name'], .o_kanban_record:contains('TOURCP1')",
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Accept every line",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_accept_all']",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "On a phone the PO's buttons sit in the action menu",
            trigger: ".o_control_panel .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Accept every line",
            trigger: ".o-dropdown--menu button[name='action_accept_all']",
            run: "click",
        },
        {
            content: "Each line now accepts what Amazon ordered",
            trigger:
                ".o_field_widget[name='line_ids'] .o_data_row td[name='accepted_qty']:contains('6'), .o_field_widget[name='line_ids'] .o_kanban_record:contains('Accepted 6')",
        },
        {
            isActive: ["desktop"],
            content: "Send the acknowledgement",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send_acknowledgement']",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "On a phone, Send is in the action menu too",
            trigger: ".o_control_panel .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Send the acknowledgement",
            trigger: ".o-dropdown--menu button[name='action_send_acknowledgement']",
            run: "click",
        },
        {
            content: "Confirm sending the answers to Amazon",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The PO shows the answer as sent",
            trigger: ".o_form_view .o_field_widget[name='ack_status']:contains('Sent')",
        },
        {
            content: "and no longer asks to acknowledge by a date",
            trigger: ".o_form_view:not(:has(.o_field_widget[name='ack_deadline']))",
        },
        noOutdatedNotice(1000),
        fullPageLoad(OVERVIEW),
        {
            content: "The Overview again, after a full page load",
            trigger: ".o_kanban_record:contains('Tour Cockpit') a[data-figure='delivery_due_soon']",
        },
        noOutdatedNotice(8000),
        {
            content: "Open the deliveries whose ship window closes soon",
            trigger: ".o_kanban_record:contains('Tour Cockpit') a[data-figure='delivery_due_soon']",
            run: "click",
        },
        {
            content: "Open the delivery from its list (a kanban on a phone)",
            trigger:
                ".o_view_controller:not(.o_acorn_overview_kanban_view) .o_data_row:first td.o_data_cell[name='name'], .o_view_controller:not(.o_acorn_overview_kanban_view) .o_kanban_record:first",
            run: "click",
        },
        {
            content: "Its Amazon ASN tab",
            trigger: ".o_notebook .nav-link[name='acorn_asn']",
            run: "click",
        },
        {
            content: "The ASN waits to be sent",
            trigger: ".o_field_widget[name='acorn_asn_state']:contains('To Send')",
        },
        fullPageLoad(INVOICES),
        {
            content: "Open the Amazon invoice",
            trigger: ".o_list_view .o_data_row:first td.o_data_cell, .o_kanban_view .o_kanban_record:first",
            run: "click",
        },
        {
            content: "Its Amazon tab",
            trigger: ".o_notebook .nav-link[name='amazon']",
            run: "click",
        },
        {
            content: "The invoice check lists what Amazon would refuse",
            trigger: ".o_field_widget[name='acorn_check_ids'] .o_data_row, .o_field_widget[name='acorn_check_ids'] .o_kanban_record",
        },
        noOutdatedNotice(8000),
    ],
});
