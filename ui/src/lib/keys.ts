// Which key presses a list view's shortcuts may take.

/** A control that takes typed keys (a ticked checkbox or radio does not: shortcuts still work). */
export function takesTyping(t: EventTarget | null): boolean {
  if (t instanceof HTMLInputElement) return t.type !== 'checkbox' && t.type !== 'radio';
  return t instanceof HTMLElement && (t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}
