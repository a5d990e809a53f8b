// Light/dark theme: follows prefers-color-scheme until the user picks one, which is persisted.
export type Theme = 'light' | 'dark';
const KEY = 'rapport.theme';

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

class ThemeState {
  choice = $state<Theme | null>(null);
  system = $state<Theme>('light');
  current = $derived<Theme>(this.choice ?? this.system);

  /** Reads the saved choice and the system preference, applies the theme, and tracks system changes. */
  init(): void {
    this.choice = stored();
    this.system = systemTheme();
    this.apply();
    if (typeof matchMedia === 'function') {
      matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => {
        this.system = e.matches ? 'dark' : 'light';
        this.apply();
      });
    }
  }

  toggle(): void {
    this.choice = this.current === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, this.choice);
    } catch {
      // Storage may be unavailable; the choice still holds for this session.
    }
    this.apply();
  }

  apply(): void {
    const root = document.documentElement;
    root.dataset.theme = this.current;
    root.style.colorScheme = this.current;
  }
}

export const theme = new ThemeState();
