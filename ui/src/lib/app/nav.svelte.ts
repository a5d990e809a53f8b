// Which screen is shown. The portfolio's sort, filters, selection and scroll live in its own state,
// so going to an account and back keeps them.
export type Route = { name: 'portfolio' } | { name: 'account'; id: number } | { name: 'connections' } | { name: 'feedback' };

class Nav {
  route = $state<Route>({ name: 'portfolio' });

  openAccount(id: number): void {
    this.route = { name: 'account', id };
  }

  openConnections(): void {
    this.route = { name: 'connections' };
  }

  openFeedback(): void {
    this.route = { name: 'feedback' };
  }

  back(): void {
    this.route = { name: 'portfolio' };
  }
}

export const nav = new Nav();
