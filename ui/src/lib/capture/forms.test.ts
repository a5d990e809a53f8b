import { describe, expect, it } from 'vitest';
import type { OutboxEntryView, PortfolioRow } from '../bindings';
import { byField, channelLabel, delivery, pickAccounts, emptyFeedback, fromLocalInput, isBlank, parseTags, scale, scoreTone, tagged, toLocalInput } from './forms';

function entry(over: Partial<OutboxEntryView>): OutboxEntryView {
  return {
    id: 1,
    key: 'k',
    connection: 'hs',
    account_id: 2,
    account: 'Acme',
    kind: 'note',
    summary: 'Call',
    state: 'pending',
    attempts: 0,
    next_attempt_at: '2026-12-01T10:00:00Z',
    last_error: null,
    crm_id: null,
    crm_url: null,
    created_at: '2026-12-01T09:00:00Z',
    delivered_at: null,
    ...over,
  };
}

describe('capture forms', () => {
  it('scales run over each kind’s whole range', () => {
    expect(scale('nps').values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scale('csat').values).toEqual([1, 2, 3, 4, 5]);
    expect(scale('ces').values).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('NPS tones follow detractor, passive and promoter', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => scoreTone('nps', s))).toEqual(['bad', 'bad', 'mid', 'mid', 'good', 'good']);
    expect([1, 2, 3, 4].map((s) => scoreTone('csat', s))).toEqual(['bad', 'bad', 'mid', 'good']);
  });

  it('a form nobody typed into is no draft', () => {
    expect(isBlank(tagged('feedback', emptyFeedback(3)))).toBe(true);
    expect(isBlank(tagged('feedback', { ...emptyFeedback(3), verbatim: 'x' }))).toBe(false);
    expect(isBlank({ form: 'note', account_id: 3, body: ' ', attendees: [], at: null })).toBe(true);
  });

  it('the first error of each field is shown beside it', () => {
    expect(byField([{ field: 'score', message: 'a' }, { field: 'score', message: 'b' }, { field: 'email', message: 'c' }])).toEqual({ score: 'a', email: 'c' });
  });

  it('channels Rapport captured read as words; a CRM’s own text stays as it is', () => {
    expect(channelLabel('site_visit')).toBe('Site visit');
    expect(channelLabel('qbr')).toBe('QBR');
    expect(channelLabel('email survey')).toBe('email survey');
  });

  it('tags split on commas and semicolons', () => {
    expect(parseTags(' support, pricing ;; onboarding ')).toEqual(['support', 'pricing', 'onboarding']);
  });

  it('a local date-time round-trips', () => {
    const iso = fromLocalInput('2026-11-30T14:05');
    expect(iso).not.toBeNull();
    expect(toLocalInput(iso)).toBe('2026-11-30T14:05');
    expect(fromLocalInput('')).toBeNull();
  });

  it('delivery states read as sentences', () => {
    expect(delivery(entry({}), 'HubSpot')).toMatchObject({ label: 'Queued', tone: 'queued' });
    const retry = delivery(entry({ attempts: 2, last_error: { code: 'crm_unreachable', message: 'HubSpot could not be reached.' } }), 'HubSpot');
    expect(retry.label).toBe('Waiting to retry');
    expect(retry.detail).toContain('HubSpot could not be reached. Next attempt 1 Dec 2026');
    expect(delivery(entry({ state: 'delivered', crm_id: '77', delivered_at: null }), 'HubSpot').detail).toBe('In HubSpot as 77.');
    expect(delivery(entry({ state: 'unconfirmed' }), 'HubSpot').tone).toBe('checking');
    const failed = delivery(entry({ state: 'failed', last_error: { code: 'crm_rejected', message: 'HubSpot refused the note: bad.' } }), 'HubSpot');
    expect([failed.label, failed.detail]).toEqual(['Needs attention', 'HubSpot refused the note: bad.']);
  });
});

describe('account picker', () => {
  const row = (id: number, name: string) => ({ id, name }) as PortfolioRow;
  const rows = [row(1, 'Northwind Labs'), row(2, 'Acme North'), row(3, 'Nordic Rail'), row(4, 'Beacon'), row(5, 'northstar')];
  it('puts names that start with the query first, then those containing it', () => {
    expect(pickAccounts(rows, 'nor', 8).map((r) => r.id)).toEqual([3, 5, 1, 2]);
    expect(pickAccounts(rows, ' NORTH ', 8).map((r) => r.id)).toEqual([5, 1, 2]);
  });
  it('lists accounts by name with no query, and at most the limit', () => {
    expect(pickAccounts(rows, '', 3).map((r) => r.id)).toEqual([2, 4, 3]);
    expect(pickAccounts(rows, 'zzz', 8)).toEqual([]);
  });
});
