import { describe, expect, it } from 'vitest';
import { accountDetail } from './account';
import { makeWorld, portfolio, XSS_NAME } from './portfolio';

describe('mock data', () => {
  const w = makeWorld(42, 300, new Date(Date.UTC(2026, 10, 24, 12)));

  it('is deterministic and includes the hostile name', () => {
    const again = makeWorld(42, 300, new Date(Date.UTC(2026, 10, 24, 12)));
    expect(again.accounts.map((a) => a.row.name)).toEqual(w.accounts.map((a) => a.row.name));
    expect(w.accounts.some((a) => a.row.name === XSS_NAME)).toBe(true);
  });

  it('has a consistent portfolio', () => {
    const p = portfolio(w);
    const d = p.distribution;
    expect(d.green + d.yellow + d.red + d.unscored).toBe(300);
    expect(new Set(p.rows.map((r) => r.id)).size).toBe(300);
    for (const r of p.rows) if (r.score !== null) expect(r.trend[r.trend.length - 1]).toBe(r.score);
  });

  it('explains scores whose contributions add up', () => {
    for (const a of w.accounts.slice(0, 20)) {
      const detail = accountDetail(w, a);
      if (!detail.health) continue;
      const sum = detail.health.components.reduce((s, c) => s + c.contribution, 0);
      expect(Math.round(sum)).toBe(detail.health.score);
    }
  });
});
