import { describe, expect, it } from 'vitest';
import { amountText, confirmedShare, confirmedText, entryForm, roiText, usageText } from './ledger';
import type { ValueEntryView } from '../bindings';

const entry: ValueEntryView = {
  id: 5,
  category: 'cost_avoided',
  description: 'Fewer order errors',
  amount: 12500,
  currency: 'USD',
  measured_how: '',
  evidence: '',
  evidence_url: '',
  usage: { metric: 'active_users', value: 140, on: '2026-11-29' },
  recorded_on: '2026-11-30',
  milestone_id: 3,
  milestone: 'First team live',
  confirmed_by: 8,
  confirmed_by_name: 'Dana Whitfield',
  confirmation: 'confirmed',
  counted: true,
};

describe('value ledger figures', () => {
  it('writes amounts in the account currency with its symbol and others with their code', () => {
    expect(amountText(12500, 'USD', 'USD')).toBe('$12,500');
    expect(amountText(3000, 'EUR', 'USD')).toBe('3,000 EUR');
  });

  it('writes the ROI multiple against ARR, and nothing without ARR', () => {
    expect(roiText(0.25)).toBe('0.3× ARR');
    expect(roiText(2)).toBe('2.0× ARR');
    expect(roiText(12.4)).toBe('12× ARR');
    expect(roiText(null)).toBeNull();
  });

  it('says which usage figure backs an entry and who confirmed it', () => {
    expect(usageText(entry)).toBe('Active users: 140 on 29 Nov 2026');
    expect(usageText({ usage: null })).toBeNull();
    expect(confirmedText(entry)).toBe('Confirmed by Dana Whitfield');
    expect(confirmedText({ confirmation: 'requested', confirmed_by_name: null })).toBe('Confirmation asked');
  });

  it('works out the confirmed share of the last 12 months', () => {
    expect(confirmedShare({ last_12m: 20000, last_12m_confirmed: 5000 })).toBe(0.25);
    expect(confirmedShare({ last_12m: 0, last_12m_confirmed: 0 })).toBeNull();
  });

  it('edits a stored entry with its cited usage metric', () => {
    const f = entryForm(9, entry);
    expect(f.account_id).toBe(9);
    expect(f.usage_metric).toBe('active_users');
    expect(f.tell_crm).toBe(false);
  });
});
