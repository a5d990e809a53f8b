// The account header's callouts: a renewal close at hand and a long silence, in words and a tone.

export interface Callout {
  text: string;
  tone: 'bad' | 'warn';
}

/** Days before a renewal from which it is called out (amber), and from which it is urgent (red). */
export const RENEWAL_NOTICE_DAYS = 90;
export const RENEWAL_URGENT_DAYS = 30;
/** Days without a two-way conversation from which the silence is called out, and urgent. */
export const SILENCE_NOTICE_DAYS = 30;
export const SILENCE_URGENT_DAYS = 60;

function days(n: number): string {
  return n === 1 ? '1 day' : `${n.toLocaleString('en-US')} days`;
}

export function renewalCallout(daysToRenewal: number | null, churned: boolean): Callout | null {
  if (churned || daysToRenewal === null || daysToRenewal > RENEWAL_NOTICE_DAYS) return null;
  if (daysToRenewal < 0) return { text: `Renewal date passed ${days(-daysToRenewal)} ago`, tone: 'bad' };
  const text = daysToRenewal === 0 ? 'Renews today' : `Renews in ${days(daysToRenewal)}`;
  return { text, tone: daysToRenewal <= RENEWAL_URGENT_DAYS ? 'bad' : 'warn' };
}

export function silenceCallout(daysSince: number | null): Callout | null {
  if (daysSince === null) return { text: 'No two-way conversation on record', tone: 'bad' };
  if (daysSince < SILENCE_NOTICE_DAYS) return null;
  return {
    text: `${days(daysSince)} since the last two-way conversation`,
    tone: daysSince >= SILENCE_URGENT_DAYS ? 'bad' : 'warn',
  };
}
