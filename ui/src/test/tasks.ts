// A hand-made task for the UI tests: an open customer-success step on Acme, changed by `over`.
import type { TaskView } from '../lib/bindings';

export function task(over: Partial<TaskView>): TaskView {
  return {
    id: 1,
    account_id: 10,
    account_name: 'Acme',
    arr: 120_000,
    currency: 'USD',
    run_id: 7,
    playbook: 'Renewal at risk',
    step: 1,
    steps: 5,
    title: 'Write the risk assessment',
    description: '',
    team: 'cs',
    owner: 'Dana Reyes',
    due_on: '2026-11-27',
    bucket: 'this_week',
    snoozed_until: null,
    status: 'open',
    created_at: '2026-11-24T10:00:00.000Z',
    completed_at: null,
    completed_by: null,
    notes: [],
    crm: null,
    can_send: false,
    ...over,
  };
}
