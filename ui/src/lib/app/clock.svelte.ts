// A coarse "now" that ticks, so relative times ("3 minutes ago") stay true while the app is open.
class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;

  start(intervalMs = 30_000): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => (this.now = Date.now()), intervalMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

export const clock = new Clock();
