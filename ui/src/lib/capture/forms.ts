// The capture forms' pure parts: empty forms, score scales, how an outbox entry's state reads.
import type {
  CaptureForm,
  PortfolioRow,
  Channel,
  FeedbackForm,
  FieldError,
  NoteForm,
  OutboxEntryView,
  SentimentForm,
  SurveyKind,
  WriteKind,
} from '../bindings';
import { formatDateTime } from '../format';

export const CHANNELS: Array<{ value: Channel; label: string }> = [
  { value: 'meeting', label: 'Meeting' },
  { value: 'call', label: 'Call' },
  { value: 'email', label: 'Email' },
  { value: 'qbr', label: 'QBR' },
  { value: 'site_visit', label: 'Site visit' },
  { value: 'chat', label: 'Chat' },
  { value: 'other', label: 'Other' },
];

/** A channel as written: one Rapport captured (`site_visit` → "Site visit"), or a CRM's own text as is. */
export function channelLabel(channel: string): string {
  return CHANNELS.find((c) => c.value === channel)?.label ?? channel;
}

export const QUESTIONS: Record<SurveyKind, string> = {
  nps: 'How likely is it that you would recommend us to a friend or colleague?',
  csat: 'How satisfied are you with our product and service?',
  ces: 'How easy was it to get what you needed from us?',
};

/** The scale of each survey kind, lowest first, with the words at both ends. */
export function scale(kind: SurveyKind): { values: number[]; low: string; high: string } {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  switch (kind) {
    case 'nps':
      return { values: range(0, 10), low: 'Not at all likely', high: 'Extremely likely' };
    case 'csat':
      return { values: range(1, 5), low: 'Very dissatisfied', high: 'Very satisfied' };
    case 'ces':
      return { values: range(1, 7), low: 'Very difficult', high: 'Very easy' };
  }
}

/** How a score reads on its scale: bad, middling or good (NPS detractor/passive/promoter). */
export function scoreTone(kind: SurveyKind, score: number): 'bad' | 'mid' | 'good' {
  if (kind === 'nps') return score <= 6 ? 'bad' : score <= 8 ? 'mid' : 'good';
  if (kind === 'csat') return score <= 2 ? 'bad' : score === 3 ? 'mid' : 'good';
  return score <= 3 ? 'bad' : score <= 4 ? 'mid' : 'good';
}

export const SENTIMENTS: Array<{ value: number; label: string }> = [
  { value: 1, label: 'Very negative' },
  { value: 2, label: 'Negative' },
  { value: 3, label: 'Neutral' },
  { value: 4, label: 'Positive' },
  { value: 5, label: 'Very positive' },
];

export function emptyFeedback(accountId: number): FeedbackForm {
  return { account_id: accountId, kind: 'nps', score: null, verbatim: '', speaker: { kind: 'unknown' }, channel: 'meeting', at: null, tags: [] };
}

export function emptyNote(accountId: number): NoteForm {
  return { account_id: accountId, body: '', attendees: [], at: null };
}

export function emptySentiment(accountId: number): SentimentForm {
  return { account_id: accountId, value: null, reason: '' };
}

/** The tagged form the backend takes. */
export function tagged(kind: WriteKind, f: FeedbackForm | NoteForm | SentimentForm): CaptureForm {
  return { form: kind, ...f } as CaptureForm;
}

/** Whether a form holds anything worth keeping as a draft. */
export function isBlank(form: CaptureForm): boolean {
  switch (form.form) {
    case 'feedback':
      return form.score === null && form.verbatim.trim() === '' && form.speaker.kind === 'unknown' && form.tags.length === 0;
    case 'note':
      return form.body.trim() === '' && form.attendees.length === 0;
    case 'sentiment':
      return form.value === null && form.reason.trim() === '';
  }
}

/** Field errors by field name (the first message per field). */
export function byField(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field] ??= e.message;
  return out;
}

/** Tags typed as "a, b; c" → ["a", "b", "c"]. */
export function parseTags(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** A `datetime-local` value (local time, minutes) for an instant, and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export type DeliveryTone = 'queued' | 'sending' | 'delivered' | 'checking' | 'attention';

/** How an entry's delivery reads: a short label, its tone, and a sentence of detail. */
export function delivery(e: OutboxEntryView, crmName: string): { label: string; tone: DeliveryTone; detail: string } {
  switch (e.state) {
    case 'pending':
      if (e.attempts === 0) return { label: 'Queued', tone: 'queued', detail: `Waiting to send to ${crmName}.` };
      return {
        label: 'Waiting to retry',
        tone: 'queued',
        detail: `${e.last_error?.message ?? 'The last attempt failed.'} Next attempt ${formatDateTime(e.next_attempt_at)}.`,
      };
    case 'sending':
      return { label: 'Sending…', tone: 'sending', detail: `Being sent to ${crmName}.` };
    case 'delivered':
      return { label: 'Delivered', tone: 'delivered', detail: `In ${crmName} as ${e.crm_id ?? 'a new record'}${e.delivered_at ? `, since ${formatDateTime(e.delivered_at)}` : ''}.` };
    case 'unconfirmed':
      return {
        label: 'Checking',
        tone: 'checking',
        detail: `The answer from ${crmName} was lost; Rapport checks whether it arrived before sending it again, so it is never there twice.`,
      };
    case 'failed':
      return { label: 'Needs attention', tone: 'attention', detail: e.last_error?.message ?? `${crmName} refused it.` };
  }
}

/**
 * Accounts for the picker: names starting with the query first, then names containing it, each
 * in name order; at most `limit`. An empty query lists the first accounts by name.
 */
export function pickAccounts(rows: readonly PortfolioRow[], query: string, limit: number): PortfolioRow[] {
  const q = query.trim().toLowerCase();
  const byName = (a: PortfolioRow, b: PortfolioRow) => a.name.localeCompare(b.name, 'en');
  if (q === '') return [...rows].sort(byName).slice(0, limit);
  const starts: PortfolioRow[] = [];
  const contains: PortfolioRow[] = [];
  for (const r of rows) {
    const n = r.name.toLowerCase();
    if (n.startsWith(q)) starts.push(r);
    else if (n.includes(q)) contains.push(r);
  }
  return [...starts.sort(byName), ...contains.sort(byName)].slice(0, limit);
}
