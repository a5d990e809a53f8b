// The account screen's state: one account's detail, loaded on demand.
import type { AccountDetail, IpcError } from '../bindings';
import { ipc } from '../ipc';
import { appStatus } from '../app/status.svelte';
import { banner } from '../app/errors.svelte';
import { nav } from '../app/nav.svelte';

class AccountState {
  detail = $state.raw<AccountDetail | null>(null);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  #request = 0;

  async load(id: number): Promise<void> {
    const request = ++this.#request;
    if (this.detail?.header.id !== id) this.detail = null;
    this.loading = true;
    this.error = null;
    try {
      const d = await ipc.account(id);
      if (request !== this.#request) return;
      this.detail = d;
      appStatus.set(d.status);
    } catch (e) {
      if (request !== this.#request) return;
      const err = e as IpcError;
      this.error = err;
      banner.show(
        err,
        err.code === 'not_found'
          ? { label: 'Back to portfolio', run: () => nav.back() }
          : { label: 'Retry', run: () => void this.load(id) },
      );
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}

export const account = new AccountState();
