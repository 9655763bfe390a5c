// The page's elements, its status and error lines, which step shows, and the busy and countdown
// states of its forms.
import { state } from './page-state.ts';

/** The page's element with this id; the page template has them all. */
export function $<Element extends HTMLElement = HTMLElement>(id: string): Element {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as Element;
}
export const input = (id: string) => $<HTMLInputElement>(id);
export const button = (id: string) => $<HTMLButtonElement>(id);
export const form = (id: string) => $<HTMLFormElement>(id);

export type Step = 'phone-step' | 'code-step' | 'password-step' | 'done';

export function showError(text: string): void {
  $('status').hidden = true;
  $('error').textContent = text;
  $('error').hidden = false;
}

export function showStatus(text: string): void {
  $('error').hidden = true;
  $('status').textContent = text;
  $('status').hidden = false;
}

export function clearMessages(): void {
  $('error').hidden = true;
  $('status').hidden = true;
}

const steps: Step[] = ['phone-step', 'code-step', 'password-step', 'done'];

export function show(step: Step | null): void {
  for (const id of steps) $(id).hidden = id !== step;
  const first = step && $(step).querySelector<HTMLElement>('input:not([type=hidden]), a.button');
  if (first && first.offsetParent !== null) first.focus();
}

/** Disables `target` and counts down on it; it comes back with `label` at zero. */
const timers = new Map<HTMLButtonElement, ReturnType<typeof setInterval>>();
export function countdown(target: HTMLButtonElement, seconds: number, label: string): void {
  clearInterval(timers.get(target));
  let left = Math.ceil(seconds);
  const tick = () => {
    if (left <= 0) {
      clearInterval(timers.get(target));
      target.disabled = false;
      target.textContent = label;
      return;
    }
    target.disabled = true;
    target.textContent = `${label} in ${left} s`;
    left -= 1;
  };
  tick();
  timers.set(target, setInterval(tick, 1000));
}

/** One request at a time per page; the form says it is busy while it waits. */
export async function busy(step: HTMLElement, work: () => Promise<unknown>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  step.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    state.busy = false;
    step.removeAttribute('aria-busy');
  }
}

/** Shown when an answer could not be handled at all (a bug, not a refusal): the page says so. */
export function report(error: unknown): void {
  console.error(error);
  showError('Something went wrong. Please try again.');
}
