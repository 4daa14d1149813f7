/**
 * A list that fits a phone: on a small screen its optional columns start hidden (the user can
 * still show them from the column menu, and that choice is kept), so the table does not
 * scroll sideways at 390 px. Used by lists that have no phone-sized kanban (Remittances).
 */
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { ListRenderer } from "@web/views/list/list_renderer";
import { listView } from "@web/views/list/list_view";

export class PhoneListRenderer extends ListRenderer {
    computeOptionalActiveFields() {
        const active = super.computeOptionalActiveFields();
        if (this.env.isSmall && browser.localStorage.getItem(this.keyOptionalFields) === null) {
            for (const name of Object.keys(active)) {
                active[name] = false;
            }
        }
        return active;
    }
}

registry.category("views").add("acorn_phone_list", { ...listView, Renderer: PhoneListRenderer });
