// Mock portfolio: a few hundred realistic accounts with health components, KPI tiles and status.
import { mockWarningCounts } from './warnings';
import { mockTaskCounts } from './playbooks';
import type {
  AppStatus,
  Band,
  Component,
  HealthDistribution,
  KpiTile,
  LifecycleStage,
  Measure,
  Portfolio,
  PortfolioRow,
} from '../bindings';
import { formatMoneyCompact } from '../format';
import { clamp, DAY_MS, int, isoDay, pick, rng, weighted, type Rng } from './random';

const STEMS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Cyberdyne', 'Tyrell',
  'Wonka', 'Aperture', 'Nakatomi', 'Oscorp', 'Soylent', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin',
  'Litware', 'Adatum', 'Proseware', 'Lumen', 'Quantix', 'Brightpath', 'Terranova', 'Helix', 'Kestrel',
  'Bluefin', 'Ironclad', 'Meridian', 'Solace', 'Vertex', 'Halcyon', 'Orbital', 'Cobalt', 'Evergreen',
  'Summit', 'Pinnacle', 'Harbor', 'Falcon', 'Zephyr', 'Nimbus', 'Polaris', 'Sable', 'Juniper', 'Aurora',
];
const SUFFIXES = [
  'Inc.', 'Ltd', 'Group', 'GmbH', 'Systems', 'Health', 'Logistics', 'Capital', 'Labs', 'Foods', 'Media',
  'Energy', 'Analytics', 'Retail', 'Bank', 'Insurance', 'Robotics', '& Co.', 'Software', 'Partners',
];
const INDUSTRIES = ['Software', 'Financial services', 'Healthcare', 'Retail', 'Manufacturing', 'Logistics', 'Media', 'Education', 'Energy'];
const OWNERS = ['Ava Thompson', 'Noah Becker', 'Mia Rossi', 'Liam Dubois', 'Zoe Nakamura', 'Ethan Clarke', 'Sofia Marin', 'Lucas Berg'];
export const MEASURES: ReadonlyArray<readonly [Measure, string, number]> = [
  ['seat_utilisation', 'Seat utilisation', 25],
  ['usage_trend', 'Usage trend', 20],
  ['engagement', 'Engagement recency', 15],
  ['support', 'Support', 15],
  ['satisfaction', 'NPS / CSAT', 15],
  ['sentiment', 'AM sentiment', 10],
];

export interface MockAccount {
  row: PortfolioRow;
  seed: number;
  tier: string;
  seats: number;
  contractStart: string;
  churnedOn: string | null;
  components: Component[];
  monthly: number[];
}

export interface MockWorld {
  seed: number;
  now: Date;
  dataAsOf: string;
  accounts: MockAccount[];
  byId: Map<number, MockAccount>;
}

export const XSS_NAME = '<img src=x onerror=alert(1)>';

function bandOf(score: number): Band {
  return score <= 50 ? 'red' : score <= 75 ? 'yellow' : 'green';
}

function rawText(m: Measure, s: number, r: Rng, seats: number): string {
  switch (m) {
    case 'seat_utilisation': {
      const used = Math.round((seats * clamp(s + int(r, -10, 10), 5, 100)) / 100);
      return `${used} of ${seats} seats active (${Math.round((used / seats) * 100)} %)`;
    }
    case 'usage_trend':
      return `${s >= 60 ? '+' : '−'}${int(r, 1, 30)} % events, last 30 days vs previous 30`;
    case 'engagement':
      return `Last two-way touch ${Math.max(0, Math.round((100 - s) / 2))} days ago`;
    case 'support':
      return `${Math.round((100 - s) / 20)} open high-priority tickets`;
    case 'satisfaction':
      return `NPS ${Math.round(s / 10)} (last response)`;
    case 'sentiment':
      return `AM sentiment ${clamp(Math.round(s / 20), 1, 5)} of 5`;
  }
}

function makeComponents(r: Rng, target: number, seats: number, asOf: Date): Component[] {
  const scores = MEASURES.map(([m]) => (r() < (m === 'sentiment' ? 0.25 : 0.06) ? null : clamp(target + int(r, -25, 25), 0, 100)));
  const ages = MEASURES.map(([m]) => (m === 'sentiment' ? int(r, 2, 80) : m === 'satisfaction' ? int(r, 3, 60) : int(r, 0, 3)));
  const eff = MEASURES.map(([m, , w], i) => {
    if (scores[i] === null) return 0;
    if (m === 'sentiment' && ages[i]! > 30) return w * Math.max(0, 1 - (ages[i]! - 30) / 60);
    return w;
  });
  const total = eff.reduce((a, b) => a + b, 0);
  return MEASURES.map(([measure, label, weight], i) => {
    const score = scores[i] ?? null;
    const share = total > 0 ? eff[i]! / total : 0;
    return {
      measure,
      label,
      raw: score === null ? null : score / 100,
      raw_text: score === null ? 'No data' : rawText(measure, score, r, seats),
      score,
      weight,
      effective_weight: Math.round(eff[i]! * 100) / 100,
      share,
      contribution: score === null ? 0 : score * share,
      input_on: score === null ? null : isoDay(asOf, -ages[i]!),
      age_days: score === null ? null : ages[i]!,
      missing: score === null,
      stale: score !== null && eff[i]! < weight,
    };
  });
}

function companyName(r: Rng, used: Set<string>): string {
  for (;;) {
    const name = `${pick(r, STEMS)} ${pick(r, SUFFIXES)}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    if (used.size > STEMS.length * SUFFIXES.length * 0.8) {
      const n = `${name} ${used.size}`;
      used.add(n);
      return n;
    }
  }
}

export function makeWorld(seed: number, count: number, now = new Date()): MockWorld {
  const r = rng(seed);
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const used = new Set<string>();
  const accounts: MockAccount[] = [];
  for (let id = 1; id <= count; id++) {
    const segment = weighted(r, [['Enterprise', 2], ['Mid-Market', 4], ['SMB', 5]] as const);
    const stage = weighted<LifecycleStage>(r, [
      ['onboarding', 2], ['adoption', 3], ['value', 4], ['renewal', 2], ['expansion', 2], ['at_risk', 2], ['churned', 1],
    ]);
    const base = stage === 'at_risk' ? int(r, 20, 60) : stage === 'churned' ? int(r, 10, 45) : int(r, 35, 98);
    const seats = segment === 'Enterprise' ? int(r, 200, 2000) : segment === 'Mid-Market' ? int(r, 40, 250) : int(r, 5, 40);
    const components = makeComponents(r, base, seats, today);
    const composite = components.reduce((s, c) => s + c.contribution, 0);
    const unscored = components.every((c) => c.missing) || r() < 0.03;
    const score = unscored ? null : Math.round(composite);
    const trend: number[] = [];
    if (score !== null) {
      // A random walk, then bent linearly so that it ends exactly on today's score.
      let v = clamp(score + int(r, -20, 20), 0, 100);
      const walk: number[] = [];
      for (let d = 0; d < 90; d++) {
        v = clamp(v + (r() - 0.5) * 3, 0, 100);
        walk.push(v);
      }
      const gap = score - walk[89]!;
      walk.forEach((x, d) => trend.push(clamp(Math.round(x + (gap * d) / 89), 0, 100)));
    }
    const arr =
      segment === 'Enterprise' ? int(r, 180, 2600) * 1000 : segment === 'Mid-Market' ? int(r, 40, 240) * 1000 : int(r, 4, 40) * 1000;
    const churned = stage === 'churned';
    const daysToRenewal = churned ? null : int(r, -10, 380);
    const name = id === 7 ? XSS_NAME : companyName(r, used);
    const row: PortfolioRow = {
      id,
      name,
      segment,
      industry: pick(r, INDUSTRIES),
      owner: pick(r, OWNERS),
      stage,
      arr,
      currency: r() < 0.88 ? 'USD' : pick(r, ['EUR', 'GBP']),
      score,
      band: score === null ? null : bandOf(score),
      delta: score === null ? null : score - trend[trend.length - 8]!,
      trend,
      renewal_date: daysToRenewal === null ? null : isoDay(today, daysToRenewal),
      days_to_renewal: daysToRenewal,
      // Not drawn from `r`: the rest of the world stays as it was before risk existed.
      risk: score === null ? null : Math.round(((100 - score) / 100) ** 2 * 1000) / 1000,
    };
    const monthly = Array.from({ length: 12 }, (_, i) => clamp((score ?? 50) + Math.round((r() - 0.5) * 30 * ((11 - i) / 11)), 0, 100));
    accounts.push({
      row,
      seed: Math.floor(r() * 1e9),
      tier: segment === 'Enterprise' ? 'Enterprise' : pick(r, ['Growth', 'Pro', 'Starter']),
      seats,
      contractStart: isoDay(today, -int(r, 30, 900)),
      churnedOn: churned ? isoDay(today, -int(r, 5, 200)) : null,
      components,
      monthly,
    });
  }
  const byId = new Map(accounts.map((a) => [a.row.id, a]));
  return { seed, now, dataAsOf: new Date(now.getTime() - 3 * 60_000).toISOString(), accounts, byId };
}

export function status(w: MockWorld): AppStatus {
  return {
    demo: true,
    demo_seed: String(w.seed),
    data_as_of: w.dataAsOf,
    key_source: 'keychain',
    data_dir: '/home/demo/.local/share/rapport',
    accounts: w.accounts.length,
    outbox_waiting: 0,
  };
}

function series(r: Rng, start: number, end: number, n = 12): number[] {
  return Array.from({ length: n }, (_, i) => Math.round((start + ((end - start) * i) / (n - 1) + (r() - 0.5) * 4) * 10) / 10);
}

function kpis(w: MockWorld): KpiTile[] {
  const r = rng(w.seed + 1);
  const totalArr = w.accounts.filter((a) => a.row.stage !== 'churned').reduce((s, a) => s + a.row.arr, 0);
  return [
    { id: 'arr', label: 'Total ARR', value: totalArr, display: formatMoneyCompact(totalArr), target: null, status: 'info', period: 'today', detail: 'Annual recurring revenue of all active accounts.', series: series(r, totalArr / 1.2e6, totalArr / 1e6) },
    { id: 'nps', label: 'NPS', value: 42, display: '+42', target: '> 50', status: 'missed', period: 'last 90 days', detail: '% promoters (9–10) minus % detractors (0–6) over 318 responses.', series: series(r, 35, 42) },
    { id: 'csat', label: 'CSAT', value: 0.93, display: '93 %', target: '> 90 %', status: 'met', period: 'last 90 days', detail: 'Share of 4–5 ratings on a 1–5 scale over 1,204 responses.', series: series(r, 88, 93) },
    { id: 'grr', label: 'Gross retention', value: 0.962, display: '96.2 %', target: '> 95 %', status: 'met', period: 'last 12 months', detail: '(starting ARR − contraction − churned ARR) ÷ starting ARR.', series: series(r, 93, 96) },
    { id: 'nrr', label: 'Net retention', value: 1.08, display: '108 %', target: null, status: 'info', period: 'last 12 months', detail: '(starting ARR + expansion − contraction − churn) ÷ starting ARR.', series: series(r, 101, 108) },
    { id: 'expansion', label: 'Expansion', value: 0.118, display: '11.8 %', target: '> 20 % / yr', status: 'missed', period: 'last 12 months', detail: 'Expansion ARR ÷ starting ARR.', series: series(r, 8, 12) },
    { id: 'ttv', label: 'Time to value cut', value: null, display: '—', target: '> 25 %', status: 'no_data', period: 'by cohort quarter', detail: 'Not enough accounts reached first value in the last two cohorts.', series: [] },
  ];
}

export function portfolio(w: MockWorld): Portfolio {
  const distribution: HealthDistribution = { green: 0, yellow: 0, red: 0, unscored: 0 };
  for (const a of w.accounts) distribution[a.row.band ?? 'unscored']++;
  return {
    scored_on: isoDay(new Date(w.now.getTime() - 0 * DAY_MS)),
    status: status(w),
    kpis: kpis(w),
    distribution,
    rows: w.accounts.map((a) => a.row),
    warnings: mockWarningCounts(w),
    tasks: mockTaskCounts(w),
  };
}
