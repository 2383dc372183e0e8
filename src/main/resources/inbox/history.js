// A number's history import in words and one bar per phase. The webhooks report one overall
// progress (0–100) and, per chunk, its phase and chunk_order; nothing says how many chunks a phase
// has, and whether chunk_order counts per phase or across phases is not documented (the samples
// number 1, 3, 7 across phases 0, 1, 2), so gaps in it prove nothing. Each bar is therefore
// computed from its own phase's chunks, never from the overall figure: a phase is finished once a
// later phase has begun or the sync is complete (Meta sends phases in order and nothing for an
// empty one); the phase being imported has no known total, so its bar is indeterminate and its
// words say how much arrived so far; a decline leaves the phases it cut short partial.

import { el } from './dom.js';
import { time, PHASES, plural } from './format.js';

/** Each phase with {value (0–100, or null = indeterminate), note, partial}. */
export function phaseBars(history) {
  const phases = PHASES.map((known) => ({
    ...known,
    chunks: 0,
    messages: 0,
    highest_chunk_order: null,
    ...(history.phases ?? []).find((phase) => phase.phase === known.phase),
  }));
  const begun = phases.filter((phase) => phase.chunks > 0).map((phase) => phase.phase);
  const newest = Math.max(-1, ...begun);
  const ended = history.state === 'completed' || history.state === 'declined';
  return phases.map((phase) => {
    const finished = ended || phase.phase < newest;
    let value = 0;
    let note;
    let partial = false;
    if (phase.chunks === 0) {
      if (history.state === 'declined') note = 'not imported: declined';
      else if (finished) {
        value = 100;
        note = 'nothing to import in this range';
      } else note = 'waiting';
    } else if (history.state === 'declined' && phase.phase === newest) {
      value = 100;
      partial = true;
      note = `partial: ${plural(phase.chunks, 'chunk')} arrived before the decline`;
    } else if (finished) {
      value = 100;
      note = 'done';
    } else {
      value = null;
      note =
        history.state === 'stalled'
          ? `stalled after ${plural(phase.chunks, 'chunk')} (latest chunk number ${phase.highest_chunk_order ?? '?'})`
          : `importing: ${plural(phase.chunks, 'chunk')} so far (latest chunk number ${phase.highest_chunk_order ?? '?'})`;
    }
    return { ...phase, value, note, partial };
  });
}

function declineReason(decline) {
  const reason = [decline?.title, decline?.details ?? decline?.message].filter(Boolean).join(' — ') || 'no reason given';
  const code = decline?.code !== null && decline?.code !== undefined ? ` (error ${decline.code})` : '';
  return `${reason}${code}`;
}

/** One sentence on where the import stands, what it means, and what will (not) come. */
export function historySummary(history) {
  const messages = plural(history.messages ?? 0, 'message');
  const chunks = plural(history.chunks ?? 0, 'chunk');
  switch (history.state) {
    case 'not_started':
      return 'No history has arrived. It starts once the business agrees to share its chat history in the WhatsApp Business app.';
    case 'in_progress':
      return `Importing: ${messages} in ${chunks} so far, ${history.progress ?? 0}% overall.`;
    case 'completed':
      return `Complete: ${messages} in ${chunks}. Nothing more will come.`;
    case 'declined':
      return (history.chunks ?? 0) > 0
        ? `Declined after ${messages} had arrived: ${declineReason(history.decline)}. What arrived is kept; nothing more will come.`
        : `Declined by the business: ${declineReason(history.decline)}. No history will be imported; new messages still arrive.`;
    case 'stalled':
      return `Stalled at ${history.progress ?? 0}% overall: ${messages} in ${chunks}, none since the time below. What arrived is kept; the rest may still come or may never.`;
    default:
      return `${history.state}: ${messages} in ${chunks}.`;
  }
}

/** The bars of a number's history import, one per phase. */
export function phaseRows(phoneNumberId, history) {
  return phaseBars(history).map((bar) => {
    const id = `phase-${phoneNumberId}-${bar.phase}`;
    const progress = el('progress', {
      id,
      max: 100,
      attrs: { 'aria-valuetext': `${bar.range}: ${bar.note}` },
      dataset: { value: bar.value === null ? 'indeterminate' : bar.value },
    });
    // a progress without a value attribute is indeterminate: the phase's total is unknown
    if (bar.value !== null) progress.value = bar.value;
    return el(
      'div',
      { className: `phase${bar.partial ? ' partial' : ''}`, dataset: { phase: bar.phase } },
      el('label', { attrs: { for: id } }, bar.label),
      progress,
      el(
        'span',
        { className: 'phase-detail' },
        `${bar.range}: ${bar.note} · ${plural(bar.chunks, 'chunk')}, ${plural(bar.messages, 'message')}`,
      ),
    );
  });
}

/** The words under the sync state: the summary, and for a stall since when. */
export function historyNotes(history) {
  const tone = { declined: 'bad', stalled: 'warn' }[history.state];
  return [
    el(
      'p',
      { className: `notice ${tone ?? 'plain'}`, dataset: { role: history.state === 'declined' ? 'decline' : 'history-summary' } },
      historySummary(history),
    ),
    history.state === 'stalled'
      ? el('p', { className: 'notice warn', dataset: { role: 'stalled' } }, 'No history chunk since ', time(history.last_chunk_at) ?? 'the start')
      : null,
  ];
}
