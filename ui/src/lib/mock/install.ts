// Browser-only mock of the Rust side (vite --mode mock). Never imported by the production build.
// URL options: ?accounts=10000 (portfolio size), ?fail=<command>[:<code>] (that command rejects).
import { mockIPC } from '@tauri-apps/api/mocks';
import type { AlertQuery, ErrorCode, IpcError } from '../bindings';
import { accountDetail } from './account';
import { makeWorld, portfolio, status, type MockWorld } from './portfolio';
import { mockAct, mockRules, mockWarnings } from './warnings';
import { mockActOnTask, mockOutcome, mockPlaybooks, mockStart, mockTasks } from './playbooks';

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

function reject(code: ErrorCode, message: string): Promise<never> {
  const e: IpcError = { code, message };
  return Promise.reject(e);
}

export function installMock(): void {
  const params = new URLSearchParams(location.search);
  const count = Math.min(20_000, Math.max(1, Number(params.get('accounts')) || 300));
  const [failCmd, failCode] = (params.get('fail') ?? '').split(':');
  let world: MockWorld = makeWorld(42, count);

  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    if (failCmd && cmd === failCmd) {
      return reject((failCode as ErrorCode) || 'storage', 'Local storage failed: the mock was asked to fail.');
    }
    switch (cmd) {
      case 'app_status':
        return delay(30, status(world));
      case 'portfolio':
        return delay(250, portfolio(world));
      case 'account': {
        const id = Number(args.id);
        const a = world.byId.get(id);
        if (!a) return reject('not_found', `Account ${id} was not found.`);
        return delay(150, accountDetail(world, a));
      }
      case 'reset_demo': {
        const seed = typeof args.seed === 'number' ? args.seed : Math.floor(Math.random() * 1e6);
        const n = typeof args.accounts === 'number' ? args.accounts : count;
        world = makeWorld(seed, n);
        return delay(900, status(world));
      }
      case 'connections':
        return delay(30, []);
      case 'capture_contacts':
      case 'drafts':
      case 'outbox':
      case 'followups':
        return delay(20, []);
      case 'feedback_insights':
      case 'taxonomy':
      case 'save_taxonomy':
      case 'set_feedback_override':
      case 'export_insights':
        // Themes and sentiment are read by the Rust side (VADER): nothing to imitate here.
        return reject('internal', 'The browser mock does not analyse feedback; run the desktop app to see it.');
      case 'save_draft':
      case 'discard_draft':
        return delay(10, null);
      case 'capture':
        // The mock keeps nothing: demo accounts save locally only, with no outbox entry.
        return delay(80, { errors: [], outbox: null });
      case 'score_writeback':
      case 'set_score_writeback':
        return reject('crm_unreachable', 'The browser mock has no CRM to write scores to; run the desktop app against the fake HubSpot server.');
      case 'connect_crm':
      case 'edit_connection':
      case 'test_connection':
      case 'sync_now':
        return reject('crm_unreachable', 'The browser mock has no CRM to reach; run the desktop app against the fake HubSpot server.');
      case 'sign_in_defaults':
        return delay(20, {
          crm: args.crm,
          client_id: '',
          base_url: args.crm === 'salesforce' ? 'https://login.salesforce.com' : 'https://api.hubapi.com',
          port: 53917,
          redirect_uri: 'http://localhost:53917/callback',
        });
      case 'sign_in_crm':
        return reject('crm_unreachable', 'The browser mock has no CRM to sign in to; run the desktop app against the fake HubSpot server.');
      case 'cancel_sign_in':
        return delay(0, null);
      case 'watch_scores':
        return delay(0, null);
      case 'warnings':
        return delay(60, mockWarnings(world, args.query as AlertQuery));
      case 'act_on_warnings':
        return delay(40, mockAct(args.ids as number[], args.action as never, new Date().toISOString()));
      case 'mark_warnings_seen':
        return delay(0, null);
      case 'model_report':
        return reject('internal', 'The browser mock has no renewal history to fit a model on; run the desktop app to see the report.');
      case 'notify_warnings':
        return delay(0, false);
      case 'watch_warnings':
      case 'set_notifications':
        return delay(0, null);
      case 'notifications':
        return delay(0, true);
      case 'rules':
        return delay(30, mockRules());
      case 'save_rules':
        return reject('internal', 'The browser mock does not keep rules; run the desktop app to edit them.');
      case 'success':
        return Promise.resolve({ account_id: Number(args.accountId), as_of: world.dataAsOf.slice(0, 10), plans: [], timeline_svg: null, timeline_svg_dark: null, thresholds: { behind_gap_pct: 15, stuck_gap_pct: 40, stuck_days: 30 }, in_crm: false, drafts: [], ledger: { currency: 'USD', arr: 0, entries: [], years: [], by_milestone: [], last_12m: 0, last_12m_confirmed: 0, roi_multiple: null, roi_confirmed: null, other_currencies: [], contacts: [] } });
      case 'milestones':
        return Promise.resolve({ as_of: world.dataAsOf.slice(0, 10), window_days: 30, due_soon: [], behind: [], counts: { open: 0, due_soon: 0, behind: 0, stuck: 0 } });
      case 'ttv':
        return Promise.resolve({ as_of: world.dataAsOf.slice(0, 10), cohorts: [], reduction: null, latest: null, baseline: null, target_cut: 0.25, late_after_days: 30, accounts: world.accounts.length, without_start: world.accounts.length, waiting: [], waiting_total: 0, late_total: 0, chart_svg: null, chart_svg_dark: null });
      case 'journey':
        return Promise.resolve({ from: world.dataAsOf.slice(0, 10), to: world.dataAsOf.slice(0, 10), expectations: { adoption_days: 120, expansion_days: 120, at_risk_days: 60 }, stages: [], flows: [], stalled: [], renewals: { stalled: { renewed: 0, churned: 0, renewed_arr: 0, churned_arr: 0 }, not_stalled: { renewed: 0, churned: 0, renewed_arr: 0, churned_arr: 0 } }, handoffs: [], as_of: null, mix: [], chart_svg: null, chart_svg_dark: null });
      case 'adoption':
        return Promise.resolve({ as_of: null, utilisation: [], breadth: [], known_features: 0, rows: [], without_usage: world.accounts.length, median_utilisation: null, chart_svg: null, chart_svg_dark: null });
      case 'set_handoff_item':
        return reject('internal', 'The browser mock does not keep checklists; run the desktop app to tick them off.');
      case 'expansion':
        return Promise.resolve({ as_of: world.dataAsOf.slice(0, 10), opportunities: [], price_book: { currency: 'USD', tiers: [], estimated: true }, open_value: 0, handed: 0, won_value: 0, unpriced_tiers: [] });
      case 'pick_usage_file':
      case 'preview_usage':
      case 'import_usage':
        return reject('internal', 'The browser mock cannot read files; run the desktop app to import usage.');
      case 'save_price_book':
      case 'hand_off':
      case 'save_value_entry':
      case 'delete_value_entry':
      case 'save_plan':
      case 'delete_plan':
      case 'save_milestone':
      case 'act_on_milestone':
      case 'save_plan_draft':
      case 'discard_plan_draft':
        return reject('internal', 'The browser mock does not keep success plans; run the desktop app to edit them.');
      case 'playbooks':
        return delay(20, mockPlaybooks());
      case 'save_playbook':
        return reject('internal', 'The browser mock does not keep playbooks; run the desktop app to edit them.');
      case 'start_playbook':
        return delay(60, mockStart(world, Number(args.accountId), String(args.key), (args.alertId as number | null) ?? null));
      case 'tasks':
        return delay(40, mockTasks(world, args.all === true));
      case 'act_on_task':
        return delay(30, mockActOnTask(Number(args.id), args.action as never, new Date().toISOString()));
      case 'record_outcome':
        return delay(30, mockOutcome(Number(args.runId), args.outcome as never, new Date().toISOString()));
      case 'send_task':
        return reject('crm_unreachable', 'The browser mock has no CRM to send tasks to; run the desktop app against the fake HubSpot server.');
      case 'disconnect':
      case 'cancel_sync':
        return delay(30, cmd === 'disconnect' ? [] : null);
      default:
        return reject('internal', `Unknown command ${cmd}.`);
    }
  });
}
