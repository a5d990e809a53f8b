// The capture dialog's state (feedback, note, sentiment), its drafts kept in the encrypted store
// as you type, and the account's outbox entries with their delivery states.
import type { CaptureForm, ContactFacts, Draft, FeedbackForm, NoteForm, OutboxEntryView, SentimentForm, WriteKind } from '../bindings';
import { ipc, normaliseError } from '../ipc';
import { banner } from '../app/errors.svelte';
import { appStatus } from '../app/status.svelte';
import { account } from '../account/state.svelte';
import { portfolio } from '../portfolio/state.svelte';
import { byField, emptyFeedback, emptyNote, emptySentiment, isBlank, tagged } from './forms';

/** Typing pauses this long before the draft is written (a crash loses at most this much). */
const DRAFT_DELAY_MS = 300;

class CaptureState {
  open = $state(false);
  accountId = $state<number | null>(null);
  accountName = $state('');
  /** The account's CRM, for the delivery sentences; null for demo data. */
  crm = $state<string | null>(null);
  tab = $state<WriteKind>('feedback');
  feedback = $state<FeedbackForm>(emptyFeedback(0));
  note = $state<NoteForm>(emptyNote(0));
  sentiment = $state<SentimentForm>(emptySentiment(0));
  contacts = $state.raw<ContactFacts[]>([]);
  /** Field → the sentence shown beside it, from the last save attempt. */
  errors = $state<Record<string, string>>({});
  saving = $state(false);
  /** When the current form's draft was last kept. */
  draftSavedAt = $state<Date | null>(null);
  /** Drafts waiting on the account shown (offered back). */
  drafts = $state.raw<Draft[]>([]);
  /** The account's captured entries, newest first. */
  entries = $state.raw<OutboxEntryView[]>([]);
  /** A form to open once the account's screen is shown (`f` on a portfolio row). */
  intent = $state<{ accountId: number; kind: WriteKind } | null>(null);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #entriesFor: number | null = null;

  current(): CaptureForm {
    const f = this.tab === 'feedback' ? this.feedback : this.tab === 'note' ? this.note : this.sentiment;
    return tagged(this.tab, $state.snapshot(f) as FeedbackForm | NoteForm | SentimentForm);
  }

  /** Opens the dialog on `tab` for an account, resuming its draft of that form if there is one. */
  async openFor(accountId: number, accountName: string, tab: WriteKind, crm: string | null): Promise<void> {
    this.accountId = accountId;
    this.accountName = accountName;
    this.crm = crm;
    this.tab = tab;
    this.errors = {};
    this.draftSavedAt = null;
    this.feedback = emptyFeedback(accountId);
    this.note = emptyNote(accountId);
    this.sentiment = emptySentiment(accountId);
    this.open = true;
    try {
      const [contacts, drafts] = await Promise.all([ipc.captureContacts(accountId), ipc.drafts(accountId)]);
      if (this.accountId !== accountId) return;
      this.contacts = contacts;
      this.drafts = drafts;
      for (const d of drafts) this.#restore(d);
    } catch (e) {
      banner.show(e);
    }
  }

  #restore(d: Draft): void {
    const { form, ...fields } = d.form;
    if (form === 'feedback') this.feedback = fields as FeedbackForm;
    else if (form === 'note') this.note = fields as NoteForm;
    else this.sentiment = fields as SentimentForm;
    if (form === this.tab) this.draftSavedAt = new Date(d.saved_at);
  }

  /** Something was typed (in `field`, whose old error goes): the draft is kept shortly after. */
  changed(field?: string): void {
    if (field && field in this.errors) {
      const { [field]: _gone, ...rest } = this.errors;
      this.errors = rest;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.keepDraft(), DRAFT_DELAY_MS);
  }

  async keepDraft(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.accountId === null) return;
    const form = this.current();
    if (isBlank(form)) return;
    try {
      await ipc.saveDraft(form);
      this.draftSavedAt = new Date();
    } catch (e) {
      banner.show(e);
    }
  }

  /** Closes the dialog; what was typed stays as a draft. */
  async close(): Promise<void> {
    this.open = false;
    await this.keepDraft();
    if (this.accountId !== null) await this.loadAccount(this.accountId);
  }

  async discardDraft(): Promise<void> {
    if (this.accountId === null) return;
    const id = this.accountId;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      await ipc.discardDraft(id, this.tab);
    } catch (e) {
      banner.show(e);
    }
    if (this.tab === 'feedback') this.feedback = emptyFeedback(id);
    else if (this.tab === 'note') this.note = emptyNote(id);
    else this.sentiment = emptySentiment(id);
    this.errors = {};
    this.draftSavedAt = null;
    this.drafts = this.drafts.filter((d) => d.form.form !== this.tab);
  }

  /** Saves the form; resolves true when saved (the dialog closes), false with errors shown. */
  async submit(): Promise<boolean> {
    if (this.saving || this.accountId === null) return false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.saving = true;
    const form = this.current();
    try {
      const saved = await ipc.capture(form);
      if (saved.errors.length > 0) {
        this.errors = byField(saved.errors);
        // What was typed is kept, valid or not.
        if (!isBlank(form)) await ipc.saveDraft(form).catch(() => {});
        return false;
      }
      this.errors = {};
      this.open = false;
      this.draftSavedAt = null;
      this.drafts = this.drafts.filter((d) => d.form.form !== form.form);
      // The capture counts at once: the account's score, feedback and timeline, and the table.
      await Promise.all([this.loadAccount(form.account_id), appStatus.refresh(), account.load(form.account_id), portfolio.load()]);
      return true;
    } catch (e) {
      // Nothing was saved; the draft keeps what was typed.
      if (!isBlank(form)) await ipc.saveDraft(form).catch(() => {});
      banner.show(normaliseError(e));
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** The account's drafts and outbox entries, for the account screen. */
  async loadAccount(accountId: number): Promise<void> {
    this.#entriesFor = accountId;
    try {
      const [entries, drafts] = await Promise.all([ipc.outbox(accountId), ipc.drafts(accountId)]);
      if (this.#entriesFor !== accountId) return;
      this.entries = entries;
      if (!this.open) this.drafts = drafts;
    } catch (e) {
      banner.show(e);
    }
  }

  async retry(id: number): Promise<void> {
    try {
      await ipc.retryOutbox(id);
      if (this.#entriesFor !== null) await this.loadAccount(this.#entriesFor);
    } catch (e) {
      banner.show(e);
    }
  }

  async openInCrm(id: number): Promise<void> {
    try {
      await ipc.openInCrm(id);
    } catch (e) {
      banner.show(e);
    }
  }

  /** The sender delivered or refused something: the account shown is refreshed. */
  async refreshShown(): Promise<void> {
    if (this.#entriesFor !== null) await this.loadAccount(this.#entriesFor);
  }
}

export const capture = new CaptureState();
