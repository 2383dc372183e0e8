// Which pane a narrow screen shows. Wide, the three panes sit side by side and this changes
// nothing visible; narrow (a phone, 390 px), one pane fills the screen: numbers, then a number's
// threads, then a conversation, each with a way back. Going forward adds a browser history entry,
// so the phone's own back gesture goes back a pane too.

const ORDER = ['numbers', 'threads', 'conversation'];

function current() {
  return document.body.dataset.pane ?? 'numbers';
}

function set(pane) {
  document.body.dataset.pane = pane;
}

/** Shows `pane` (numbers | threads | conversation), remembering the way back. */
export function showPane(pane) {
  if (pane === current()) return;
  const forward = ORDER.indexOf(pane) > ORDER.indexOf(current());
  set(pane);
  if (forward) history.pushState({ pane }, '');
  else history.replaceState({ pane }, '');
  // the pane that came into view gets the focus, not the button that left it
  if (narrow()) document.querySelector(`[data-pane-focus="${pane}"]`)?.focus({ preventScroll: true });
}

/** One pane back; false when already on the first. */
export function back() {
  const index = ORDER.indexOf(current());
  if (index <= 0) return false;
  if (history.state?.pane === current()) history.back();
  else set(ORDER[index - 1]);
  return true;
}

export function narrow() {
  return window.matchMedia('(max-width: 760px)').matches;
}

export function installLayout() {
  // a reload starts from the numbers, whatever pane the entry it reloads was on
  set('numbers');
  history.replaceState({ pane: 'numbers' }, '');
  window.addEventListener('popstate', (event) => {
    const pane = event.state?.pane;
    const index = ORDER.indexOf(current());
    set(pane && ORDER.includes(pane) ? pane : ORDER[Math.max(0, index - 1)]);
  });
  for (const button of document.querySelectorAll('[data-back]')) {
    button.addEventListener('click', () => back());
  }
}
