// Where the data comes from and how fresh it is (header badge and freshness line), and demo reset.
import type { AppStatus, ErrorCode, IpcError } from '../bindings';
import { ipc, normaliseError } from '../ipc';
import { banner } from './errors.svelte';

/** Codes meaning the local database is still locked and needs a passphrase. */
const LOCKED: readonly ErrorCode[] = ['keychain_unavailable', 'passphrase_required'];

class StatusState {
  status = $state<AppStatus | null>(null);
  resetting = $state(false);
  /** Why the store is locked, while it is. */
  locked = $state<IpcError | null>(null);
  unlocking = $state(false);

  set(status: AppStatus): void {
    this.status = status;
  }

  async refresh(): Promise<void> {
    try {
      this.status = await ipc.appStatus();
      this.locked = null;
    } catch (e) {
      const err = normaliseError(e);
      if (LOCKED.includes(err.code)) this.locked = err;
      else banner.show(err, { label: 'Retry', run: () => void this.refresh() });
    }
  }

  /** Unlocks (or, with `confirm`, creates) the store with a passphrase; resolves to the error to show inline, or null. */
  async unlock(passphrase: string, confirm: string | null = null): Promise<IpcError | null> {
    if (this.unlocking) return null;
    this.unlocking = true;
    try {
      this.status = await ipc.unlock(passphrase, confirm);
      this.locked = null;
      return null;
    } catch (e) {
      return normaliseError(e);
    } finally {
      this.unlocking = false;
    }
  }

  /** Regenerates the demo portfolio; resolves true on success. */
  async resetDemo(): Promise<boolean> {
    if (this.resetting) return false;
    this.resetting = true;
    try {
      this.status = await ipc.resetDemo(null, null);
      return true;
    } catch (e) {
      banner.show(e);
      return false;
    } finally {
      this.resetting = false;
    }
  }
}

export const appStatus = new StatusState();
