// Performance marks on the way to a drawn screen (User Timing, visible in the webview's profiler
// and read by the app benchmark). Names start with "rapport:".

/** Marks `name` now. */
export function mark(name: string): void {
  if (typeof performance?.mark === 'function') performance.mark(`rapport:${name}`);
}

/** Marks `name` once the frame showing the current DOM has been painted. */
export function markPainted(name: string): void {
  if (typeof queueMicrotask === 'function') queueMicrotask(() => mark(`${name}:dom`));
  if (typeof requestAnimationFrame === 'function')
    requestAnimationFrame(() => {
      mark(`${name}:frame`);
      setTimeout(() => mark(name), 0);
    });
}
