// Early warnings for the browser mock: a few rules fired on the mock book, with states the user
// can change (kept in memory for the page's life).
import type { AlertAction, AlertQuery, AlertView, RulesView, WarningCounts, WarningsView } from '../bindings';
import type { MockWorld } from './portfolio';
import { mockHint } from './playbooks';

const states = new Map<number, Pick<AlertView, 'state' | 'snoozed_until' | 'snooze_until_change' | 'state_by' | 'state_at'>>();

export function mockAlerts(w: MockWorld): AlertView[] {
  const out: Omit<AlertView, 'playbook'>[] = [];
  for (const a of w.accounts) {
    const r = a.row;
    if (r.stage === 'churned') continue;
    const base = {
      account_id: r.id,
      account_name: r.name,
      segment: r.segment,
      owner: r.owner,
      arr: r.arr,
      currency: r.currency,
      fired_at: w.dataAsOf,
      updated_at: w.dataAsOf,
      cleared_at: null,
      rules_version: 0,
      seen: false,
      state: 'open' as const,
      snoozed_until: null,
      snooze_until_change: false,
      state_by: null,
      state_at: null,
    };
    if (r.band === 'red') {
      out.push({
        ...base,
        id: r.id * 10 + 1,
        rule: 'usage_drop',
        rule_label: 'Usage dropping',
        severity: (r.score ?? 50) < 35 ? 'critical' : 'warning',
        summary: 'Active users fell 31 % month over month (84 → 58 a day on average).',
        evidence: [{ label: 'Active users a day, last 30 days', value: '58.0', on: w.dataAsOf.slice(0, 10) }],
      });
    }
    if (r.band !== 'green' && r.days_to_renewal !== null && r.days_to_renewal >= 0 && r.days_to_renewal <= 180) {
      out.push({
        ...base,
        id: r.id * 10 + 2,
        rule: 'renewal_at_risk',
        rule_label: 'Renewal at risk',
        severity: r.days_to_renewal <= 90 ? 'critical' : 'warning',
        summary: `Renews in ${r.days_to_renewal} days with health ${r.score ?? '—'} (${r.band ?? 'unscored'}).`,
        evidence: [{ label: 'Renewal', value: `in ${r.days_to_renewal} days`, on: r.renewal_date }],
      });
    }
  }
  return out.map((a) => ({ ...a, ...(states.get(a.id) ?? {}), playbook: mockHint(a) }));
}

function counts(alerts: AlertView[]): WarningCounts {
  const c: WarningCounts = { critical: 0, warning: 0, info: 0, snoozed: 0, unseen: 0 };
  for (const a of alerts) {
    if (a.state === 'open') c[a.severity]++;
    if (a.state === 'snoozed') c.snoozed++;
  }
  return c;
}

export function mockWarningCounts(w: MockWorld): WarningCounts {
  return counts(mockAlerts(w));
}

export function mockWarnings(w: MockWorld, q: AlertQuery): WarningsView {
  const alerts = mockAlerts(w);
  const rank = { critical: 0, warning: 1, info: 2 };
  const listed = alerts.filter((a) => q.all || a.state === 'open');
  const matching = listed
    .filter((a) => (!q.severity || a.severity === q.severity) && (!q.rule || a.rule === q.rule) && (!q.segment || a.segment === q.segment) && (!q.owner || a.owner === q.owner))
    .sort((x, y) => rank[x.severity] - rank[y.severity] || y.arr - x.arr);
  const stake = new Map(matching.filter((a) => a.state === 'open').map((a) => [a.account_id, a.arr]));
  return {
    alerts: matching.slice(0, q.limit ?? matching.length),
    totals: { matching: matching.length, open_arr: [...stake.values()].reduce((s, v) => s + v, 0) },
    counts: counts(alerts),
    evaluated_on: w.dataAsOf.slice(0, 10),
    rules_version: 0,
    facets: {
      rules: [...new Map(listed.map((a) => [a.rule, a.rule_label]))].map(([id, label]) => ({ id, label })),
      segments: [...new Set(listed.map((a) => a.segment))].sort(),
      owners: [...new Set(listed.map((a) => a.owner))].sort(),
    },
  };
}

export function mockAct(ids: number[], action: AlertAction, at: string): number {
  for (const id of ids) {
    states.set(id, {
      state: action.action === 'resolve' ? 'resolved' : action.action === 'reopen' ? 'open' : 'snoozed',
      snoozed_until: action.action === 'snooze_until' ? action.until : null,
      snooze_until_change: action.action === 'snooze_until_change',
      state_by: 'you',
      state_at: at,
    });
  }
  return ids.length;
}

export function mockRules(): RulesView {
  return {
    version: 0,
    rules: [
      {
        spec: {
          id: 'no_touch',
          label: 'Gone quiet',
          description: 'No two-way touch (a meeting, a call, an answered email) with the client.',
          default_severity: 'warning',
          params: [
            { key: 'days', label: 'Silent for', unit: 'days', default: 30, min: 7, max: 180 },
            { key: 'critical_days', label: 'Critical after', unit: 'days', default: 60, min: 7, max: 365 },
          ],
        },
        rule: { id: 'no_touch', enabled: true, severity: 'warning', params: { days: 30, critical_days: 60 } },
      },
    ],
  };
}
