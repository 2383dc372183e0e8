// The keyboard of a support engineer's day: "/" to the search box (when the page has one),
// j and k to the next and previous thread, Esc back out (of a field, then a pane).

import { back } from './layout.js';

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function moveThread(step) {
  const threads = [...document.querySelectorAll('#threads .thread-open')];
  if (threads.length === 0) return;
  const index = threads.findIndex((button) => button.getAttribute('aria-current') === 'true' || button === document.activeElement);
  const next = threads[Math.max(0, Math.min(threads.length - 1, index < 0 ? 0 : index + step))];
  next.click();
  next.focus({ preventScroll: true });
  next.scrollIntoView({ block: 'nearest' });
}

export function installKeys() {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape') {
      if (typing(event.target)) event.target.blur();
      else if (!document.querySelector('dialog[open]') && !document.getElementById('inbox')?.hidden) back();
      return;
    }
    if (typing(event.target) || document.getElementById('inbox')?.hidden) return;
    if (event.key === '/') {
      const search = document.getElementById('search');
      if (search) {
        event.preventDefault();
        search.focus();
        search.select?.();
      }
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      moveThread(event.key === 'j' ? 1 : -1);
    }
  });
}
