// Hand-made rows for the table tests.
import type { PortfolioRow } from '../lib/bindings';

export function row(p: Partial<PortfolioRow> & Pick<PortfolioRow, 'id' | 'name'>): PortfolioRow {
  return {
    segment: 'SMB',
    industry: 'Software',
    owner: 'Ava',
    stage: 'value',
    arr: 10_000,
    currency: 'USD',
    score: 50,
    band: 'red',
    delta: 0,
    trend: [],
    renewal_date: null,
    days_to_renewal: null,
    risk: null,
    ...p,
  };
}
