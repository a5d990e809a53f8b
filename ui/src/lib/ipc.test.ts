import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { call, ipc, isIpcError, normaliseError } = await import('./ipc');

describe('normaliseError', () => {
  it('passes an IpcError through', () => {
    expect(normaliseError({ code: 'not_found', message: 'Account 9 was not found.' })).toEqual({
      code: 'not_found',
      message: 'Account 9 was not found.',
    });
  });
  it('drops extra fields of an IpcError', () => {
    expect(normaliseError({ code: 'storage', message: 'Disk full.', extra: 1 })).toEqual({ code: 'storage', message: 'Disk full.' });
  });
  it('turns an unknown code into internal, keeping the words', () => {
    expect(normaliseError({ code: 'bogus', message: 'x' })).toEqual({ code: 'internal', message: 'Something went wrong: X.' });
  });
  it('wraps a string rejection (e.g. an unknown command)', () => {
    expect(normaliseError('Command portfolio not found')).toEqual({
      code: 'internal',
      message: 'Something went wrong: Command portfolio not found.',
    });
  });
  it('wraps an Error', () => {
    expect(normaliseError(new Error('boom!'))).toEqual({ code: 'internal', message: 'Something went wrong: Boom!' });
  });
  it('has a sentence for nothing useful', () => {
    for (const e of [undefined, null, 42, {}, '  ']) {
      expect(normaliseError(e)).toEqual({ code: 'internal', message: 'Something went wrong. Please try again.' });
    }
  });
  it('recognises IpcErrors', () => {
    expect(isIpcError({ code: 'wrong_key', message: 'm' })).toBe(true);
    expect(isIpcError({ code: 'wrong_key' })).toBe(false);
    expect(isIpcError('wrong_key')).toBe(false);
  });
});

describe('call', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('resolves with the command result', async () => {
    invoke.mockResolvedValue({ demo: true });
    await expect(call('app_status')).resolves.toEqual({ demo: true });
    expect(invoke).toHaveBeenCalledWith('app_status', undefined);
  });
  it('rejects with the IpcError as sent', async () => {
    invoke.mockImplementation(() => Promise.reject({ code: 'wrong_key', message: 'Cannot open.' }));
    await expect(call('portfolio')).rejects.toEqual({ code: 'wrong_key', message: 'Cannot open.' });
  });
  it('normalises any other rejection', async () => {
    invoke.mockImplementation(() => Promise.reject('Command nope not found'));
    await expect(call('nope')).rejects.toEqual({ code: 'internal', message: 'Something went wrong: Command nope not found.' });
  });
  it('passes the contract arguments', async () => {
    invoke.mockResolvedValue(null);
    await ipc.account(5);
    expect(invoke).toHaveBeenLastCalledWith('account', { id: 5 });
    await ipc.resetDemo();
    expect(invoke).toHaveBeenLastCalledWith('reset_demo', { seed: null, accounts: null });
    await ipc.resetDemo(7, 150);
    expect(invoke).toHaveBeenLastCalledWith('reset_demo', { seed: 7, accounts: 150 });
    await ipc.portfolio();
    expect(invoke).toHaveBeenLastCalledWith('portfolio', undefined);
  });
});
