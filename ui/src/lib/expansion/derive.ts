// Expansion on screen: signal labels, where an opportunity stands in words, and list filters.
import type { Opportunity, OpportunityState, SignalKind } from '../bindings';
import { formatDate, formatMoney } from '../format';

export const SIGNAL_LABEL: Record<SignalKind, string> = {
  over_seats: 'Over seats',
  seats_near_full: 'Seats nearly full',
  promoter: 'Promoter',
  health_rising: 'Health rising',
};

export type Shown = 'open' | 'sales' | 'won' | 'all';

export const SHOWN: ReadonlyArray<{ value: Shown; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'sales', label: 'With sales' },
  { value: 'won', label: 'Won' },
  { value: 'all', label: 'All' },
];

export function shows(filter: Shown, s: OpportunityState): boolean {
  switch (filter) {
    case 'open':
      return s.state === 'open';
    case 'sales':
      return s.state === 'handed' || s.state === 'in_pipeline';
    case 'won':
      return s.state === 'won';
    case 'all':
      return true;
  }
}

/** Where it stands: "With sales since 3 Dec 2026", "Won $4,800 on 28 Nov 2026"… */
export function stateText(o: Pick<Opportunity, 'state' | 'currency'>): string {
  const s = o.state;
  switch (s.state) {
    case 'open':
      return 'Open';
    case 'in_pipeline':
      return `Deal of ${formatMoney(s.amount, o.currency)} open in the CRM`;
    case 'handed':
      return `With sales since ${formatDate(s.handoff.handed_on)}`;
    case 'won':
      return `Won ${formatMoney(s.amount, o.currency)} on ${formatDate(s.on)}`;
  }
}
