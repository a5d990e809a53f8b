// The dismissible error banner. Errors never clear what the user is looking at.
import type { IpcError } from '../bindings';
import { normaliseError } from '../ipc';

export interface BannerAction {
  label: string;
  run: () => void;
}

class ErrorBanner {
  error = $state<IpcError | null>(null);
  action = $state<BannerAction | null>(null);

  show(error: unknown, action: BannerAction | null = null): void {
    this.error = normaliseError(error);
    this.action = action;
  }

  dismiss(): void {
    this.error = null;
    this.action = null;
  }
}

export const banner = new ErrorBanner();
