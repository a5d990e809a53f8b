import { describe, expect, it } from 'vitest';
import type { Handoff, OpportunityState } from '../bindings';
import { shows, stateText } from './derive';

const handoff: Handoff = { id: 1, kind: 'seats', seats: 8, estimated_value: 4800, handed_on: '2026-11-15', handed_by: 'sam', task_id: 3 };

describe('expansion states', () => {
  it('says where an opportunity stands', () => {
    expect(stateText({ state: { state: 'open' }, currency: 'USD' })).toBe('Open');
    expect(stateText({ state: { state: 'handed', handoff }, currency: 'USD' })).toBe('With sales since 15 Nov 2026');
    expect(stateText({ state: { state: 'won', handoff, amount: 3000, on: '2026-11-28' }, currency: 'USD' })).toBe('Won $3,000 on 28 Nov 2026');
    expect(stateText({ state: { state: 'in_pipeline', amount: 1500 }, currency: 'USD' })).toBe('Deal of $1,500 open in the CRM');
  });

  it('files each state under one filter', () => {
    const states: OpportunityState[] = [{ state: 'open' }, { state: 'handed', handoff }, { state: 'in_pipeline', amount: 1 }, { state: 'won', handoff, amount: 1, on: '2026-11-28' }];
    expect(states.map((s) => shows('open', s))).toEqual([true, false, false, false]);
    expect(states.map((s) => shows('sales', s))).toEqual([false, true, true, false]);
    expect(states.map((s) => shows('won', s))).toEqual([false, false, false, true]);
    expect(states.every((s) => shows('all', s))).toBe(true);
  });
});
