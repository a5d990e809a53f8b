import { describe, expect, it } from 'vitest';
import { renewalCallout, silenceCallout } from './callouts';

describe('renewal callout', () => {
  it('is urgent inside 30 days, a notice inside 90, absent beyond or when churned', () => {
    expect(renewalCallout(3, false)).toEqual({ text: 'Renews in 3 days', tone: 'bad' });
    expect(renewalCallout(30, false)?.tone).toBe('bad');
    expect(renewalCallout(31, false)).toEqual({ text: 'Renews in 31 days', tone: 'warn' });
    expect(renewalCallout(90, false)?.tone).toBe('warn');
    expect(renewalCallout(91, false)).toBeNull();
    expect(renewalCallout(3, true)).toBeNull();
    expect(renewalCallout(null, false)).toBeNull();
  });

  it('says today and a date already passed', () => {
    expect(renewalCallout(0, false)).toEqual({ text: 'Renews today', tone: 'bad' });
    expect(renewalCallout(-12, false)).toEqual({ text: 'Renewal date passed 12 days ago', tone: 'bad' });
  });
});

describe('silence callout', () => {
  it('counts the days since the last two-way conversation from 30 on, urgent from 60', () => {
    expect(silenceCallout(29)).toBeNull();
    expect(silenceCallout(30)).toEqual({ text: '30 days since the last two-way conversation', tone: 'warn' });
    expect(silenceCallout(157)).toEqual({ text: '157 days since the last two-way conversation', tone: 'bad' });
    expect(silenceCallout(1200)?.text).toBe('1,200 days since the last two-way conversation');
  });

  it('calls out a client nobody ever spoke with', () => {
    expect(silenceCallout(null)).toEqual({ text: 'No two-way conversation on record', tone: 'bad' });
  });
});
