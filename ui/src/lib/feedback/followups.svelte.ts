// Follow-ups on unhappy feedback, for one account or the whole book: the list, and the AM's
// acceptance (edited) or dismissal. Field errors come back as sentences and keep what was typed.
import type { AcceptFollowUp, FollowUpView, IpcError } from '../bindings';
import { ipc, normaliseError } from '../ipc';

export class FollowUps {
  items = $state.raw<FollowUpView[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  /** Field → sentence, from the last acceptance attempt. */
  errors = $state<Record<string, string>>({});
  busy = $state<number | null>(null);
  #accountId: number | null;

  constructor(accountId: number | null) {
    this.#accountId = accountId;
  }

  get proposed(): number {
    return this.items.filter((f) => f.state === 'proposed').length;
  }

  async load(): Promise<void> {
    try {
      this.items = await ipc.followups(this.#accountId);
      this.error = null;
    } catch (e) {
      this.error = normaliseError(e);
    } finally {
      this.loaded = true;
    }
  }

  /** True when it was accepted; false keeps the form open with the reasons. */
  async accept(a: AcceptFollowUp): Promise<boolean> {
    this.busy = a.response_id;
    this.errors = {};
    try {
      const got = await ipc.acceptFollowup(a);
      if (got.errors.length > 0) {
        this.errors = Object.fromEntries(got.errors.map((e) => [e.field, e.message]));
        return false;
      }
      await this.load();
      return true;
    } catch (e) {
      this.errors = { form: normaliseError(e).message };
      return false;
    } finally {
      this.busy = null;
    }
  }

  async dismiss(responseId: number, reason: string): Promise<boolean> {
    this.busy = responseId;
    this.errors = {};
    try {
      await ipc.dismissFollowup(responseId, reason);
      await this.load();
      return true;
    } catch (e) {
      this.errors = { reason: normaliseError(e).message };
      return false;
    } finally {
      this.busy = null;
    }
  }
}
