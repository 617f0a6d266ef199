// Component tests of the patient item and review screens (jsdom).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount, type Component } from 'svelte';
import { mockContentPack } from '../../mock/packs';
import { buildSteps, reviewRows } from '../../lib/questionnaire';
import { locale } from '../../i18n/index.svelte';
import ItemStep from './ItemStep.svelte';
import ReviewStep from './ReviewStep.svelte';

let component: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render<P extends Record<string, any>>(C: Component<P>, props: P) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  component = mount(C, { target, props });
  flushSync();
  return target;
}

describe('item screen', () => {
  it('shows the pack wording and sends the option value of the tapped label', () => {
    locale.current = 'en';
    const fdi = mockContentPack('fdi');
    const onchoose = vi.fn();
    const el = render(ItemStep, {
      pack: fdi,
      itemId: 'q6',
      value: null,
      returnToReview: false,
      onchoose,
      onback: () => {},
      onnext: () => {},
      onreview: () => {},
    });
    expect(el.querySelector('h1')?.textContent).toBe('How much of the time have you felt calm and peaceful?');
    expect(el.textContent).toContain('Question 6 of 10');
    const radios = [...el.querySelectorAll<HTMLInputElement>('input[type=radio]')];
    expect(radios).toHaveLength(6);
    const allOfTheTime = radios.find((r) => r.closest('label')?.textContent?.trim() === 'All of the time')!;
    allOfTheTime.click();
    expect(onchoose).toHaveBeenCalledWith(6);
    expect(el.textContent).not.toContain('Back to the overview');
  });

  it('offers a way back to the review when the patient came from it', () => {
    locale.current = 'sv';
    const onreview = vi.fn();
    const el = render(ItemStep, {
      pack: mockContentPack('saq'),
      itemId: 'q1',
      value: 2,
      returnToReview: true,
      onchoose: () => {},
      onback: () => {},
      onnext: () => {},
      onreview,
    });
    const checked = el.querySelector<HTMLInputElement>('input:checked');
    expect(checked?.closest('label')?.textContent?.trim()).toBe('Occasionally or very mildly');
    const back = [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Tillbaka till översikten')!;
    back.click();
    expect(onreview).toHaveBeenCalledOnce();
  });
});

describe('review screen', () => {
  it('lists missing answers and jumps to the item that was tapped', () => {
    locale.current = 'en';
    const packs = { saq: mockContentPack('saq') };
    const steps = buildSteps(['saq', 'side_effects'], packs);
    const rows = reviewRows(steps, packs, { saq: { q1: 1, q2: 5 } });
    const onjump = vi.fn();
    const el = render(ReviewStep, {
      rows,
      packs,
      hasSideEffects: true,
      sideEffectText: '',
      sideEffectStep: steps.findIndex((s) => s.kind === 'side_effects'),
      submitted: [],
      busy: false,
      blocked: false,
      error: null,
      onjump,
      onback: () => {},
      onsubmit: () => {},
    });
    expect(el.querySelector('[data-testid=review-summary]')?.textContent).toContain('7 questions are not answered yet');
    expect(el.querySelector('[data-item="saq.q2"]')?.textContent).toContain('All the time or severely');
    expect(el.querySelectorAll('.row.missing')).toHaveLength(7);
    el.querySelector<HTMLButtonElement>('[data-item="saq.q4"]')!.click();
    expect(onjump).toHaveBeenCalledWith(steps.findIndex((s) => s.kind === 'item' && s.itemId === 'q4'));
    expect(el.querySelector('[data-item=side_effects]')?.textContent).toContain('No side effects written');
  });

  it('disables sending while the side-effect text is too long', () => {
    locale.current = 'en';
    const packs = { saq: mockContentPack('saq') };
    const steps = buildSteps(['saq'], packs);
    const el = render(ReviewStep, {
      rows: reviewRows(steps, packs, {}),
      packs,
      hasSideEffects: false,
      sideEffectText: '',
      sideEffectStep: -1,
      submitted: [],
      busy: false,
      blocked: true,
      error: null,
      onjump: () => {},
      onback: () => {},
      onsubmit: () => {},
    });
    const send = [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send my answers')!;
    expect(send.disabled).toBe(true);
  });
});
