// What the success-plan dialogs (milestone, value entry) share: the form kept as a draft a
// moment after the last keystroke, field errors from the Rust side that clear as their field
// is edited, and saving, closing and discarding without losing what was typed.
import type { PlanDraftForm, PlanSaved } from '../bindings';
import { ipc } from '../ipc';
import { banner } from '../app/errors.svelte';

export class DraftForm {
  errors = $state<Record<string, string>>({});
  saving = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The form as typed, for its draft. */
    private readonly draft: () => PlanDraftForm,
    /** The draft's key (`value:new`, `milestone:12`…) and its account. */
    private readonly target: () => { accountId: number; target: string },
  ) {}

  /** A field was edited: its error goes, and the draft is kept shortly. */
  changed(field?: string): void {
    if (field && this.errors[field]) {
      const { [field]: _gone, ...rest } = this.errors;
      this.errors = rest;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.keep(), 600);
  }

  async keep(): Promise<void> {
    clearTimeout(this.#timer);
    try {
      await ipc.savePlanDraft(this.draft());
    } catch {
      // The draft is a convenience; the form itself is still on screen.
    }
  }

  /** Saves with `send`; on field errors shows them (focusing the first) and keeps the draft. */
  async save(send: () => Promise<PlanSaved>, dialog: HTMLDialogElement | undefined, onsaved: (saved: PlanSaved) => void): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    clearTimeout(this.#timer);
    try {
      const got = await send();
      if (got.errors.length > 0) {
        this.errors = Object.fromEntries(got.errors.map((e) => [e.field, e.message]));
        await this.keep();
        dialog?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
        return;
      }
      dialog?.close();
      onsaved(got);
    } catch (e) {
      await this.keep();
      banner.show(e);
    } finally {
      this.saving = false;
    }
  }

  /** Closes, keeping what was typed. */
  async close(dialog: HTMLDialogElement | undefined, onclose: () => void): Promise<void> {
    await this.keep();
    dialog?.close();
    onclose();
  }

  /** Closes and forgets the draft. */
  async discard(dialog: HTMLDialogElement | undefined, onclose: () => void): Promise<void> {
    clearTimeout(this.#timer);
    const { accountId, target } = this.target();
    try {
      await ipc.discardPlanDraft(accountId, target);
    } catch (e) {
      banner.show(e);
    }
    dialog?.close();
    onclose();
  }
}
