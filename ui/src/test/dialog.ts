// jsdom has no modal dialogs: `showModal` and `close` only toggle `open`, enough for the
// components' own logic. Call from a jsdom test's `beforeAll`.
export function stubDialogs(): void {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.open = false;
  };
}
