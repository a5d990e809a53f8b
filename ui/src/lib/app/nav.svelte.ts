// Which screen is shown. The portfolio's sort, filters, selection and scroll live in its own state,
// so going to an account and back keeps them.
export type Route = { name: 'portfolio' } | { name: 'account'; id: number } | { name: 'connections' } | { name: 'feedback' } | { name: 'warnings' } | { name: 'model' } | { name: 'tasks' } | { name: 'milestones' } | { name: 'ttv' } | { name: 'expansion' } | { name: 'import' } | { name: 'journey' } | { name: 'adoption' };

class Nav {
  route = $state<Route>({ name: 'portfolio' });
  /** Where an account was opened from: going back from it returns there. */
  #from = $state<Route>({ name: 'portfolio' });

  openAccount(id: number): void {
    if (this.route.name !== 'account') this.#from = this.route;
    this.route = { name: 'account', id };
  }

  openConnections(): void {
    this.route = { name: 'connections' };
  }

  openFeedback(): void {
    this.route = { name: 'feedback' };
  }

  openModel(): void {
    this.route = { name: 'model' };
  }

  openWarnings(): void {
    this.route = { name: 'warnings' };
  }

  openTasks(): void {
    this.route = { name: 'tasks' };
  }

  openMilestones(): void {
    this.route = { name: 'milestones' };
  }

  openAdoption(): void {
    this.route = { name: 'adoption' };
  }
  openJourney(): void {
    this.route = { name: 'journey' };
  }
  openTtv(): void {
    this.route = { name: 'ttv' };
  }

  openImport(): void {
    this.route = { name: 'import' };
  }

  openExpansion(): void {
    this.route = { name: 'expansion' };
  }

  /** What going back from an account returns to, for its back button. */
  get backLabel(): string {
    const labels: Partial<Record<Route['name'], string>> = { warnings: 'Warnings', feedback: 'Feedback', tasks: 'My tasks', milestones: 'Milestones', ttv: 'Time-to-value', expansion: 'Expansion', journey: 'Journey', adoption: 'Adoption' };
    return labels[this.#from.name] ?? 'Portfolio';
  }

  back(): void {
    const from = this.route.name === 'account' ? this.#from : { name: 'portfolio' as const };
    this.#from = { name: 'portfolio' };
    this.route = from;
  }
}

export const nav = new Nav();
