/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("acorn_vendor_menu_counters", {
    url: "/odoo/action-acorn_vendor.acorn_vc_purchase_order_action",
    steps: () => [
        {
            content: "Open the Orders menu of Vendor Central",
            trigger: ".o_menu_sections button[data-menu-xmlid='acorn_vendor.acorn_vendor_menu_orders']",
            run: "click",
        },
        {
            content: "The menu shows how many POs wait for an acknowledgement",
            trigger:
                ".dropdown-item[data-menu-xmlid='acorn_vendor.acorn_vc_purchase_order_menu_to_acknowledge']:contains('To Acknowledge (3)')",
        },
        {
            content: "... and how many are past Amazon's deadline",
            trigger:
                ".dropdown-item[data-menu-xmlid='acorn_vendor.acorn_vc_purchase_order_menu_overdue']:contains('Overdue (1)')",
            run: "click",
        },
        {
            content: "The overdue list opens with the single late PO",
            trigger: ".o_list_view .o_data_row:contains('TOURLATE1')",
        },
    ],
});
