/**
 * The Overview: account cards (acorn.vc.account's kanban) under a header with every figure
 * summed across the accounts shown, in the company's currency. Each total opens its list.
 */
import { onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatInteger, formatMonetary } from "@web/views/fields/formatters";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

export class OverviewKanbanRenderer extends KanbanRenderer {
    static template = "acorn_vendor.OverviewKanbanRenderer";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.totals = useState({ values: null });
        onWillStart(() => this.loadTotals(this.props));
        onWillUpdateProps((nextProps) => this.loadTotals(nextProps));
    }

    async loadTotals(props) {
        this.totals.values = await this.orm.call("acorn.vc.account", "overview_totals", [
            props.list.domain,
        ]);
    }

    money(fname) {
        const values = this.totals.values;
        return formatMonetary(values[fname], { currencyId: values.currency_id, digits: [16, 0] });
    }

    /** [figure, label, value, text class] for the header, in reading order. */
    get figures() {
        const values = this.totals.values;
        return [
            ["open_po", _t("Open POs"), formatInteger(values.open_po_count), ""],
            ["open_po", _t("Open value"), this.money("open_po_value"), ""],
            ["open_po", _t("Open units"), formatInteger(values.open_po_units), ""],
            ["po_to_ack", _t("To acknowledge"), values.po_to_ack_count, "text-primary"],
            ["po_overdue", _t("Acknowledgement overdue"), values.po_overdue_count, "text-danger"],
            ["delivery_due_soon", _t("Ship window closing"), values.delivery_due_soon_count, "text-warning"],
            ["delivery_late", _t("Ship window missed"), values.delivery_late_count, "text-danger"],
            ["asn_to_send", _t("ASNs to send"), values.asn_to_send_count, "text-primary"],
            ["asn_rejected", _t("ASNs rejected"), values.asn_rejected_count, "text-danger"],
            ["invoice_problem", _t("Invoices with problems"), values.invoice_problem_count, "text-danger"],
            ["payment_due", _t("Payments due"), this.money("payment_due_amount"), ""],
            ["payment_overdue", _t("Payments overdue"), this.money("payment_overdue_amount"), "text-danger"],
            ["deduction_at_risk", _t("Deductions at risk"), this.money("deduction_at_risk_amount"), "text-warning"],
        ].filter(([figure]) => values.readable.includes(figure));
    }

    async openTotal(figure) {
        const action = await this.orm.call(
            "acorn.vc.account",
            "action_open_overview_figure",
            [this.totals.values.account_ids],
            { context: { figure } }
        );
        await this.actionService.doAction(action);
    }
}

export const overviewKanbanView = {
    ...kanbanView,
    Renderer: OverviewKanbanRenderer,
};

registry.category("views").add("acorn_overview_kanban", overviewKanbanView);
