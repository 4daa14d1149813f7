/** @odoo-module **/
/**
 * Live counts beside Vendor Central menus ("To Acknowledge (3)").
 *
 * Odoo 18 menus carry no counters and their definitions are cached by the browser, so the
 * counts are fetched separately, written into the loaded menu names and the navbar is asked
 * to render again. The server decides which menus get a count (get_menu_counters).
 */
import { registry } from "@web/core/registry";

const REFRESH_MS = 60000;
const MIN_GAP_MS = 5000;

export const acornMenuCountersService = {
    dependencies: ["menu", "orm"],
    start(env, { menu, orm }) {
        const baseNames = new Map();
        let last = 0;
        let running = false;

        async function refresh(force = false) {
            const now = Date.now();
            if (running || (!force && now - last < MIN_GAP_MS)) {
                return;
            }
            const menus = menu.getAll();
            if (!menus.some((m) => m.xmlid && m.xmlid.startsWith("acorn_vendor."))) {
                return;
            }
            running = true;
            last = now;
            let counters;
            try {
                counters = await orm.silent.call("acorn.vc.purchase.order", "get_menu_counters", []);
            } catch {
                return; // no access or offline: menus keep their plain names
            } finally {
                running = false;
            }
            let changed = false;
            for (const item of menus) {
                if (!(item.xmlid in counters) && !baseNames.has(item.id)) {
                    continue;
                }
                if (!baseNames.has(item.id)) {
                    baseNames.set(item.id, item.name);
                }
                const count = counters[item.xmlid] || 0;
                const name = count ? `${baseNames.get(item.id)} (${count})` : baseNames.get(item.id);
                if (item.name !== name) {
                    item.name = name;
                    changed = true;
                }
            }
            if (changed) {
                env.bus.trigger("MENUS:APP-CHANGED");
            }
        }

        refresh(true);
        setInterval(() => refresh(true), REFRESH_MS);
        // After any screen change (e.g. acknowledgements sent) the counts may have moved.
        env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", () => refresh());
        return { refresh };
    },
};

registry.category("services").add("acorn_menu_counters", acornMenuCountersService);
