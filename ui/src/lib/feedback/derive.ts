// Pure readings of the feedback analysis for display: figures as text, tones, theme names and
// the editable taxonomy's form (keywords as one comma-separated line).
import type { KindSeries, Polarity, SurveyKind, Taxonomy, Theme } from '../bindings';
import type { Tone } from '../account/derive';

export const KIND_NAMES: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };

/** A kind's figure as shown: NPS signed, CSAT a percentage, CES one decimal; '–' without data. */
export function figureText(kind: SurveyKind, value: number | null): string {
  if (value === null) return '–';
  if (kind === 'nps') return value > 0 ? `+${Math.round(value)}` : `${Math.round(value)}`;
  if (kind === 'csat') return `${Math.round(value)} %`;
  return value.toFixed(1);
}

/** The seed targets' reading (NPS > 50, CSAT > 90 %); CES, lower is better, by thirds of 1–7. */
export function figureTone(kind: SurveyKind, value: number | null): Tone {
  if (value === null) return 'neutral';
  switch (kind) {
    case 'nps':
      return value > 50 ? 'good' : value >= 0 ? 'warn' : 'bad';
    case 'csat':
      return value > 90 ? 'good' : value >= 75 ? 'warn' : 'bad';
    case 'ces':
      return value <= 3 ? 'good' : value <= 5 ? 'warn' : 'bad';
  }
}

export function polarityOf(score: number | null): Polarity | null {
  if (score === null) return null;
  return score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
}

export const POLARITY_TONE: Record<Polarity, Tone> = { positive: 'good', neutral: 'neutral', negative: 'bad' };

export function themeLabel(t: Taxonomy, key: string): string {
  return t.themes.find((th) => th.key === key)?.label ?? key;
}

/** The month with the most recent responses, for the headline trend ("+12 in Nov"). */
export function lastMonthWithData(s: KindSeries): { month: string; value: number; count: number } | null {
  for (let i = s.months.length - 1; i >= 0; i--) {
    const m = s.months[i]!;
    if (m.value !== null) return { month: m.month, value: m.value, count: m.count };
  }
  return null;
}

export interface ThemeDraft {
  key: string;
  label: string;
  keywords: string;
}

export function toDrafts(t: Taxonomy): ThemeDraft[] {
  return t.themes.map((th) => ({ key: th.key, label: th.label, keywords: th.keywords.join(', ') }));
}

/** The drafts as themes to save: keywords split on commas, blanks dropped (the Rust side checks the rest). */
export function fromDrafts(drafts: readonly ThemeDraft[]): Theme[] {
  return drafts.map((d) => ({
    key: d.key.trim(),
    label: d.label.trim(),
    keywords: d.keywords
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== ''),
  }));
}
