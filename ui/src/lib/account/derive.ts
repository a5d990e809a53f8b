// Small pure helpers for the account screen.
import type { Component, ContactView, SurveyKind } from '../bindings';

/** An input that lost weight with age, as the score itself decided (the UI and the weighting agree). */
export function isStale(c: Component): boolean {
  return c.stale;
}

/** The confidence of a score in words. */
export function confidenceText(confidence: string, coverage: number): string {
  const pct = `${Math.round(coverage * 100)} % of the weight has data`;
  switch (confidence) {
    case 'high':
      return `High confidence: ${pct}.`;
    case 'medium':
      return `Medium confidence: ${pct}.`;
    case 'low':
      return `Low confidence: only ${pct}.`;
    default:
      return `Not enough evidence to score: ${pct}.`;
  }
}

/** Role badges of a contact, in a fixed order. */
export function contactRoles(c: ContactView): string[] {
  const roles: string[] = [];
  if (c.champion) roles.push('Champion');
  if (c.sponsor) roles.push('Sponsor');
  if (c.decision_maker) roles.push('Decision maker');
  if (c.advisory) roles.push('Advisory');
  return roles;
}

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';

/** NPS 9–10 promoter, 7–8 passive, 0–6 detractor; CSAT 4–5 good, 3 neutral, 1–2 bad; CES 1–7, higher is easier. */
export function feedbackTone(kind: SurveyKind, score: number): Tone {
  switch (kind) {
    case 'nps':
      return score >= 9 ? 'good' : score >= 7 ? 'warn' : 'bad';
    case 'csat':
      return score >= 4 ? 'good' : score === 3 ? 'warn' : 'bad';
    case 'ces':
      return score >= 5 ? 'good' : score >= 3 ? 'warn' : 'bad';
  }
}

export function feedbackScale(kind: SurveyKind): string {
  return kind === 'nps' ? '/10' : kind === 'csat' ? '/5' : '/7';
}

export function priorityTone(priority: string): Tone {
  switch (priority.toLowerCase()) {
    case 'urgent':
      return 'bad';
    case 'high':
      return 'warn';
    default:
      return 'neutral';
  }
}

/** Width (0–100 %) of each contribution bar, relative to the largest potential (share × 100). */
export function contributionBars(components: readonly Component[]): Array<{ filled: number; track: number }> {
  const maxPotential = Math.max(0, ...components.map((c) => c.share * 100));
  return components.map((c) => {
    if (maxPotential <= 0) return { filled: 0, track: 0 };
    return {
      filled: Math.round((c.contribution / maxPotential) * 1000) / 10,
      track: Math.round(((c.share * 100) / maxPotential) * 1000) / 10,
    };
  });
}

/** The trend SVG as a data: URL for an <img>; the SVG is never injected into the page. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
