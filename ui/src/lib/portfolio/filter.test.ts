import { describe, expect, it } from 'vitest';
import { emptyFilters, filterOptions, filterRows, isFiltered, toggleBand, type Filters } from './filter';
import { row } from '../../test/rows';

const rows = [
  row({ id: 1, name: 'Acme Corp', band: 'green', score: 90, segment: 'Enterprise', owner: 'Ava', stage: 'value' }),
  row({ id: 2, name: 'acme labs', band: 'yellow', score: 60, segment: 'SMB', owner: 'Noah', stage: 'adoption' }),
  row({ id: 3, name: 'Globex', band: 'red', score: 30, segment: 'Enterprise', owner: 'Ava', stage: 'at_risk' }),
  row({ id: 4, name: 'Initech', band: null, score: null, segment: 'Mid-Market', owner: 'Noah', stage: 'onboarding' }),
  row({ id: 5, name: 'ACME Health', band: 'red', score: 45, segment: 'SMB', owner: 'Ava', stage: 'at_risk' }),
];

const ids = (f: Partial<Filters>) => filterRows(rows, { ...emptyFilters(), ...f }).map((r) => r.id);

describe('filterRows', () => {
  it('keeps everything, in order, without filters', () => expect(ids({})).toEqual([1, 2, 3, 4, 5]));
  it('searches names case-insensitively', () => expect(ids({ search: 'acme' })).toEqual([1, 2, 5]));
  it('trims the search and ignores its case', () => expect(ids({ search: '  ACME ' })).toEqual([1, 2, 5]));
  it('matches a substring anywhere in the name', () => expect(ids({ search: 'tech' })).toEqual([4]));
  it('filters one band', () => expect(ids({ bands: ['red'] })).toEqual([3, 5]));
  it('ORs several bands, including unscored', () => expect(ids({ bands: ['green', 'unscored'] })).toEqual([1, 4]));
  it('ANDs segment and search', () => expect(ids({ segment: 'SMB', search: 'acme' })).toEqual([2, 5]));
  it('ANDs owner and band', () => expect(ids({ owner: 'Ava', bands: ['red'] })).toEqual([3, 5]));
  it('ANDs stage and segment', () => expect(ids({ stage: 'at_risk', segment: 'Enterprise' })).toEqual([3]));
  it('combines all filters', () =>
    expect(ids({ bands: ['red', 'yellow'], segment: 'SMB', owner: 'Ava', stage: 'at_risk', search: 'HEALTH' })).toEqual([5]));
  it('can match nothing', () => expect(ids({ owner: 'Noah', bands: ['red'] })).toEqual([]));
});

describe('filter helpers', () => {
  it('knows when a filter is active', () => {
    expect(isFiltered(emptyFilters())).toBe(false);
    expect(isFiltered({ ...emptyFilters(), search: '   ' })).toBe(false);
    expect(isFiltered({ ...emptyFilters(), owner: 'Ava' })).toBe(true);
  });
  it('toggles bands in a fixed order', () => {
    expect(toggleBand([], 'red')).toEqual(['red']);
    expect(toggleBand(['red'], 'green')).toEqual(['green', 'red']);
    expect(toggleBand(['green', 'red'], 'red')).toEqual(['green']);
    expect(toggleBand(['unscored'], 'yellow')).toEqual(['yellow', 'unscored']);
  });
  it('builds the select options from the data', () => {
    expect(filterOptions(rows)).toEqual({
      segments: ['Enterprise', 'Mid-Market', 'SMB'],
      owners: ['Ava', 'Noah'],
      stages: ['onboarding', 'adoption', 'value', 'at_risk'],
    });
  });
});
