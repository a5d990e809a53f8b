// A hand-made early warning for the UI tests: an open "gone quiet" warning on Acme, changed by `over`.
import type { AlertView } from '../lib/bindings';

export function alert(over: Partial<AlertView>): AlertView {
  return {
    id: 1,
    account_id: 1,
    account_name: 'Acme',
    segment: 'SMB',
    owner: 'Ana',
    arr: 1000,
    currency: 'USD',
    rule: 'no_touch',
    rule_label: 'Gone quiet',
    severity: 'warning',
    summary: '',
    evidence: [],
    state: 'open',
    fired_at: '2026-11-24T10:00:00.000Z',
    updated_at: '2026-11-24T10:00:00.000Z',
    cleared_at: null,
    snoozed_until: null,
    snooze_until_change: false,
    state_by: null,
    state_at: null,
    rules_version: 0,
    seen: false,
    playbook: null,
    ...over,
  };
}
