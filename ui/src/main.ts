import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { theme } from './lib/app/theme.svelte';
import { mark } from './lib/perf';

mark('script');

async function start(): Promise<void> {
  // Browser-only development: a fake Rust side. The condition is static, so production builds drop it.
  if (import.meta.env.MODE === 'mock') {
    const { installMock } = await import('./lib/mock/install');
    installMock();
  }
  theme.init();
  const target = document.getElementById('app');
  if (target) mount(App, { target });
  mark('mounted');
}

void start();
