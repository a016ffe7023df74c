/// <reference lib="dom" />
import { el } from './api';

/**
 * Hides the children of a bounded list that would not fit whole, and says how many are hidden —
 * a plaza screen cannot scroll, and a card cut in half (or running under the QR code) reads as
 * broken. The box must have a bounded height (flex: 1; min-height: 0) and position: relative.
 */
export function fitChildren(box: HTMLElement, noun: string) {
  const kids = Array.from(box.children) as HTMLElement[];
  for (const k of kids) k.hidden = false;
  const limit = box.clientHeight;
  if (!limit) return; // not laid out (a hidden view): nothing to measure
  const fits = (k: HTMLElement) => k.offsetTop + k.offsetHeight <= limit;
  const visible = kids.filter((k) => !k.classList.contains('empty'));
  if (visible.every(fits)) return;
  let hidden = 0;
  // The first card always shows (clipped if it must): an empty panel would say "nothing" wrongly.
  for (const [i, k] of visible.entries())
    if (i > 0 && (hidden || !fits(k))) {
      k.hidden = true;
      hidden++;
    }
  // Inside a list the note is a list item too (an <ol> may hold only <li>).
  const note = box.tagName === 'OL' || box.tagName === 'UL' ? el('li', { class: 'more' }) : el('div', { class: 'more' });
  box.append(note);
  const say = () => (note.textContent = `另有 ${hidden} ${noun}`);
  say();
  // The note needs room too: give it the last visible card's place if it does not fit.
  for (let i = visible.length - hidden - 1; i > 0 && !fits(note); i--) {
    visible[i]!.hidden = true;
    hidden++;
    say();
  }
}
