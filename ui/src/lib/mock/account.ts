// Mock account detail, generated deterministically from the account's seed.
import { mockAlerts } from './warnings';
import { mockRuns } from './playbooks';
import type {
  AccountDetail,
  ActivityView,
  ContactView,
  DealView,
  FeedbackView,
  HealthExplanation,
  MeasureChange,
  TicketView,
} from '../bindings';
import { formatDate } from '../format';
import { clamp, DAY_MS, int, isoAt, isoDay, pick, rng } from './random';
import { status, type MockAccount, type MockWorld } from './portfolio';

const FIRST = ['Olivia', 'James', 'Amara', 'Kenji', 'Lena', 'Mateo', 'Priya', 'Jonas', 'Chloe', 'Omar', 'Ingrid', 'Diego'];
const LAST = ['Hughes', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Fischer', 'Patel', 'Novak', 'García', 'Walsh'];
const TITLES = ['VP Operations', 'Head of IT', 'Director of Sales Ops', 'CFO', 'Product Lead', 'Analytics Manager', 'COO', 'Team Lead'];
const SUBJECTS = ['SSO login fails for new users', 'Export to CSV times out', 'Billing address update', 'Dashboard loads slowly', 'API rate limit questions', 'Missing data after sync'];
const VERBATIMS = [
  'The new reporting saved my team hours every week.',
  'Support took too long to answer our outage ticket.',
  'Great product, onboarding could be smoother.',
  'We would love <b>bulk edit</b> & better exports.',
  'Adoption is slow in the EMEA team.',
];
const SUMMARIES: Record<string, string[]> = {
  email: ['Sent QBR deck and agenda', 'Asked about renewal pricing', 'Shared release notes'],
  call: ['Check-in call with champion', 'Escalation call about outage', 'Discussed expansion to EMEA'],
  meeting: ['Quarterly business review', 'Onboarding workshop', 'Executive sponsor sync'],
  note: ['Champion seems less engaged', 'Budget freeze rumoured for Q3'],
  task: ['Follow up on training request', 'Prepare renewal proposal'],
};

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A tiny stand-in for the plotters chart: a line over 12 months, with the account name as a title. */
export function trendSvg(a: MockAccount, dark = false): string {
  const w = 640;
  const h = 220;
  const pts = a.monthly.map((v, i) => `${40 + (i * (w - 60)) / 11},${20 + ((100 - v) * (h - 50)) / 100}`).join(' ');
  const y = (v: number) => 20 + ((100 - v) * (h - 50)) / 100;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<rect width="100%" height="100%" fill="${dark ? '#161920' : '#ffffff'}"/>
<rect x="40" y="${y(100)}" width="${w - 60}" height="${y(75) - y(100)}" fill="#e8f6ee"/>
<rect x="40" y="${y(75)}" width="${w - 60}" height="${y(50) - y(75)}" fill="#fdf5e3"/>
<rect x="40" y="${y(50)}" width="${w - 60}" height="${y(0) - y(50)}" fill="#fdecec"/>
<polyline points="${pts}" fill="none" stroke="#3b5bdb" stroke-width="2.5"/>
<text x="40" y="${h - 8}" font-family="sans-serif" font-size="12" fill="${dark ? '#e2e6ee' : '#555'}">Health, last 12 months — ${escapeXml(a.row.name)}</text>
</svg>`;
}

function person(r: () => number): string {
  return `${pick(r, FIRST)} ${pick(r, LAST)}`;
}

export function accountDetail(w: MockWorld, a: MockAccount): AccountDetail {
  const r = rng(a.seed);
  const today = new Date(Date.UTC(w.now.getUTCFullYear(), w.now.getUTCMonth(), w.now.getUTCDate()));
  const row = a.row;
  const domain = `${row.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`;

  const contacts: ContactView[] = Array.from({ length: int(r, 2, 6) }, (_, i) => {
    const name = row.id === 7 && i === 0 ? "<script>alert('x')</script>" : person(r);
    const left = r() < 0.15;
    return {
      id: row.id * 100 + i,
      name,
      email: `${name.split(' ')[0]!.toLowerCase().replace(/[^a-z]/g, '')}@${domain}`,
      title: pick(r, TITLES),
      champion: i === 0,
      sponsor: i === 1,
      decision_maker: i <= 1 && r() < 0.6,
      advisory: r() < 0.15,
      last_engaged: isoDay(today, -int(r, 1, 90)),
      left_on: left ? isoDay(today, -int(r, 5, 120)) : null,
      left_reason: left ? 'mail to them bounces' : null,
    };
  });

  const open_deals: DealView[] = Array.from({ length: int(r, 0, 3) }, (_, i) => ({
    id: row.id * 100 + i,
    name: `${row.name} — ${pick(r, ['Renewal FY27', 'Seat expansion', 'Analytics add-on', 'EMEA rollout'])}`,
    kind: pick(r, ['renewal', 'expansion', 'new', 'contraction'] as const),
    amount: int(r, 5, 300) * 1000,
    stage: pick(r, ['Discovery', 'Proposal', 'Negotiation', 'Commit']),
    close_date: isoDay(today, int(r, 5, 160)),
    status: 'open',
  }));

  const tickets: TicketView[] = Array.from({ length: int(r, 0, 5) }, (_, i) => {
    const closed = r() < 0.5;
    const opened = int(r, 1, 80);
    return {
      id: row.id * 100 + i,
      subject: pick(r, SUBJECTS),
      priority: pick(r, ['low', 'medium', 'high', 'urgent']),
      status: closed ? 'closed' : pick(r, ['open', 'pending', 'in progress']),
      opened_on: isoDay(today, -opened),
      closed_on: closed ? isoDay(today, -int(r, 0, opened)) : null,
      csat: closed && r() < 0.7 ? int(r, 1, 5) : null,
    };
  });

  const feedback: FeedbackView[] = Array.from({ length: int(r, 0, 4) }, () => {
    const kind = pick(r, ['nps', 'nps', 'csat', 'ces'] as const);
    return {
      kind,
      score: kind === 'nps' ? int(r, 2, 10) : kind === 'csat' ? int(r, 1, 5) : int(r, 1, 7),
      verbatim: r() < 0.8 ? pick(r, VERBATIMS) : '',
      channel: pick(r, ['in-app', 'email survey', 'QBR', 'phone']),
      captured_at: isoAt(w.now, -int(r, 1, 120) * DAY_MS),
      contact: r() < 0.7 ? contacts[0]!.name : null,
      captured_here: false,
    };
  });

  const timeline: ActivityView[] = Array.from({ length: int(r, 4, 12) }, (_, i) => {
    const kind = pick(r, ['email', 'call', 'meeting', 'note', 'task']);
    return {
      id: row.id * 100 + i,
      kind,
      direction: kind === 'note' || kind === 'task' ? 'internal' : pick(r, ['inbound', 'outbound']),
      team: pick(r, ['cs', 'sales', 'support', 'delivery']),
      at: isoAt(w.now, -(i * 3 + int(r, 0, 2)) * DAY_MS - int(r, 1, 20) * 3_600_000),
      summary: pick(r, SUMMARIES[kind]!),
      contact: r() < 0.6 ? pick(r, contacts).name : null,
      captured_here: false,
    };
  });

  const lastTwoWay = timeline.find((t) => t.direction !== 'internal')?.at ?? null;
  const silentDays = lastTwoWay === null ? null : Math.max(0, Math.floor((w.now.getTime() - Date.parse(lastTwoWay)) / DAY_MS));

  let health: HealthExplanation | null = null;
  if (row.score !== null) {
    const prevScore = row.trend.length >= 8 ? row.trend[row.trend.length - 8]! : null;
    const changes: MeasureChange[] = a.components
      .filter((c) => !c.missing)
      .map((c) => {
        const before = clamp((c.score ?? 0) + int(r, -15, 15), 0, 100);
        return { measure: c.measure, label: c.label, before, after: c.score, contribution_delta: Math.round((c.score! - before) * c.share * 10) / 10 };
      })
      .filter((c) => Math.abs(c.contribution_delta) >= 0.5)
      .sort((x, y) => Math.abs(y.contribution_delta) - Math.abs(x.contribution_delta));
    const prevDay = isoDay(today, -7);
    const d = row.delta ?? 0;
    const top = changes[0];
    health = {
      day: isoDay(today),
      score: row.score,
      band: row.band,
      profile: row.stage === 'onboarding' ? 'onboarding' : row.segment === 'Enterprise' ? 'enterprise' : 'default',
      profile_name: row.stage === 'onboarding' ? 'Onboarding (first 90 days)' : row.segment === 'Enterprise' ? 'Enterprise' : 'Default',
      model_version: 'health-v1',
      components: a.components,
      coverage: a.components.reduce((n, c) => n + c.effective_weight, 0) / Math.max(1, a.components.reduce((n, c) => n + c.weight, 0)),
      confidence: 'high',
      previous: prevScore === null ? null : { day: prevDay, score: prevScore },
      changes,
      summary:
        d === 0
          ? `Unchanged since ${formatDate(prevDay)}.`
          : `${d > 0 ? 'Up' : 'Down'} ${Math.abs(d)} points since ${formatDate(prevDay)}${top ? `, mostly ${top.label.toLowerCase()} (${top.contribution_delta > 0 ? '+' : '−'}${Math.abs(top.contribution_delta).toFixed(1)})` : ''}.`,
    };
  }

  return {
    alerts: mockAlerts(w).filter((x) => x.account_id === row.id),
    runs: mockRuns(row.id),
    journey: { stays: [], handoffs: [] },
    adoption: { as_of: null, seats_purchased: 0, weeks: [], utilisation_now: null, utilisation_year_ago: null, features: [], breadth_now: 0, breadth_90_days_ago: 0, known_features: 0, chart_svg: null, chart_svg_dark: null },
    risk:
      row.risk === null
        ? null
        : {
            probability: row.risk,
            as_of: w.dataAsOf.slice(0, 10),
            drivers: [
              { feature: 'seat_utilisation', text: '41 % of seats in use: +9 points of risk', points: 9 },
              { feature: 'days_since_touch', text: 'Last two-way touch 47 days ago: +4 points of risk', points: 4 },
            ],
            roc_auc: 0.72,
            threshold: 0.2,
          },
    header: {
      id: row.id,
      name: row.name,
      domain,
      industry: row.industry,
      segment: row.segment,
      tier: a.tier,
      owner: row.owner,
      stage: row.stage,
      arr: row.arr,
      mrr: Math.round(row.arr / 12),
      currency: row.currency,
      contract_start: a.contractStart,
      renewal_date: row.renewal_date,
      days_to_renewal: row.days_to_renewal,
      last_two_way_on: lastTwoWay === null ? null : lastTwoWay.slice(0, 10),
      days_since_two_way: silentDays,
      seats_purchased: a.seats,
      crm: 'demo',
      crm_id: `DEMO-${String(row.id).padStart(5, '0')}`,
      churned_on: a.churnedOn,
      arr_note: null,
      dates_note: null,
      stage_since: null,
      days_in_stage: null,
    },
    health,
    trend_svg: trendSvg(a),
    trend_svg_dark: trendSvg(a, true),
    contacts,
    open_deals,
    tickets,
    feedback,
    timeline,
    status: status(w),
  };
}
