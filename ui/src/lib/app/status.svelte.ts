// Where the data comes from and how fresh it is (header badge and freshness line), and demo reset.
import type { AppStatus } from '../bindings';
import { ipc } from '../ipc';
import { banner } from './errors.svelte';

class StatusState {
  status = $state<AppStatus | null>(null);
  resetting = $state(false);

  set(status: AppStatus): void {
    this.status = status;
  }

  async refresh(): Promise<void> {
    try {
      this.status = await ipc.appStatus();
    } catch (e) {
      banner.show(e, { label: 'Retry', run: () => void this.refresh() });
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
