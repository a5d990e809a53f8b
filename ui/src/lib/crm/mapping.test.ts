import { describe, expect, it } from 'vitest';
import { dealTypesToText, listToText, parseDealTypes, parseList } from './mapping';

describe('deal type mapping text', () => {
  it('round-trips, keeping names with spaces and dashes', () => {
    const map = { 'New Business': 'new', 'Existing Business - Upgrade': 'expansion' } as const;
    const text = dealTypesToText(map);
    expect(text).toBe('New Business = new\nExisting Business - Upgrade = expansion');
    expect(parseDealTypes(text)).toEqual({ ok: true, value: map });
  });

  it('accepts blank lines and any case for the kind', () => {
    expect(parseDealTypes('\nrenewal = RENEWAL\n\n')).toEqual({ ok: true, value: { renewal: 'renewal' } });
  });

  it('names the wrong line', () => {
    const r = parseDealTypes('newbusiness = new\nupsell = upgrade');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('line 2');
    expect(parseDealTypes('no equals sign').ok).toBe(false);
    expect(parseDealTypes(' = new').ok).toBe(false);
  });
});

describe('stage lists', () => {
  it('split on commas, trimmed, empty entries dropped', () => {
    expect(parseList(' Closed Won, ,closedwon ')).toEqual(['Closed Won', 'closedwon']);
    expect(listToText(['4', 'Closed'])).toBe('4, Closed');
  });
});
