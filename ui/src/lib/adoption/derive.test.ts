import { describe, expect, it } from 'vitest';
import { featureTrend, pointsText, utilText } from './derive';

describe('adoption derive', () => {
  it('writes utilisation and its change in points', () => {
    expect(utilText(0.642)).toBe('64\u00a0%');
    expect(utilText(null)).toBe('—');
    expect(pointsText(0.5, 0.62)).toEqual({ text: '−12 pts', tone: 'bad' });
    expect(pointsText(0.9, 0.85)).toEqual({ text: '+5 pts', tone: 'good' });
    expect(pointsText(0.5, 0.47)).toEqual({ text: '+3 pts', tone: 'neutral' });
    expect(pointsText(0.5, null).text).toBe('—');
  });

  it('names a feature’s trend against the 30 days before', () => {
    expect(featureTrend({ events_30: 12, events_prev_30: 10 })).toBe('up');
    expect(featureTrend({ events_30: 11, events_prev_30: 10 })).toBe('steady');
    expect(featureTrend({ events_30: 8, events_prev_30: 10 })).toBe('down');
    expect(featureTrend({ events_30: 3, events_prev_30: 0 })).toBe('new');
    expect(featureTrend({ events_30: 0, events_prev_30: 4 })).toBe('dropped');
    expect(featureTrend({ events_30: 0, events_prev_30: 0 })).toBe('unused');
  });
});
