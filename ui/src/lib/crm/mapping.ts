// The editable mapping as form text: deal types as "CRM type = kind" lines, stage lists as
// comma-separated names. Parsing says which line is wrong instead of guessing.
import type { DealKind, Settings } from '../bindings';

const KINDS: readonly DealKind[] = ['new', 'renewal', 'expansion', 'contraction', 'other'];

export function dealTypesToText(map: Settings['deal_types']): string {
  return Object.entries(map)
    .filter((e): e is [string, DealKind] => e[1] !== undefined)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseDealTypes(text: string): Parsed<Settings['deal_types']> {
  const out: Record<string, DealKind> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const eq = line.lastIndexOf('=');
    const type = eq < 0 ? '' : line.slice(0, eq).trim();
    const kind = eq < 0 ? '' : line.slice(eq + 1).trim().toLowerCase();
    if (type === '' || !(KINDS as readonly string[]).includes(kind)) {
      return { ok: false, error: `Deal types, line ${i + 1}: write "CRM type = kind", the kind being new, renewal, expansion, contraction or other.` };
    }
    out[type] = kind as DealKind;
  }
  return { ok: true, value: out };
}

export function listToText(list: readonly string[]): string {
  return list.join(', ');
}

export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
