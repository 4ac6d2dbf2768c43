import { describe, expect, test } from '@jest/globals';
import { purgeCss, selectorUsed, wordsOf } from '../../../console/shared/purgeCss.ts';

const words = wordsOf('html`<div class="kern-btn kern-btn--primary" type="button"><p class=${x ? "kern-error" : "kern-body"}>`');

describe('which selectors the app can use', () => {
  test.each([
    ['.kern-btn', true],
    ['.kern-btn.kern-btn--primary:hover', true],
    ['div > .kern-body::before', true],
    ['[type=button]', true],
    ['*:not(i)', true],
    ['body', true],
    ['.kern-card', false],
    ['.kern-btn .kern-card__title', false],
    ['[data-kern-theme=dark]', false],
    ['#nowhere', false],
    // what a functional pseudo-class names never removes a selector (it may still match)
    [':is(body,.kern-dark)', true],
    ['.kern-btn:has(.kern-icon)', true],
    ['.kern-btn:not(.kern-card)', true],
  ])('%s: %s', (selector, used) => {
    expect(selectorUsed(selector, words)).toBe(used);
  });
});

describe('purging a stylesheet', () => {
  test('keeps the used selectors of a rule, drops unused rules and grouping rules left empty', () => {
    const css = '.kern-btn,.kern-card{color:red}.kern-card{color:blue}@media (min-width: 768px){.kern-card{margin:0}}@media print{.kern-body{margin:0}}';
    expect(purgeCss(css, words)).toBe('.kern-btn{color:red}@media print{.kern-body{margin:0}}');
  });

  test('keeps the custom properties a kept rule reads, through the properties that read others', () => {
    const css = ':root{--a: var(--b);--b: 1px;--c: 2px;--d: var(--c)}.kern-btn{margin:var(--a, 0)}.kern-card{margin:var(--d)}';
    expect(purgeCss(css, words)).toBe(':root{--a: var(--b);--b: 1px}.kern-btn{margin:var(--a, 0)}');
  });

  test('reads strings whole: semicolons and braces in a data URI or content are not syntax', () => {
    const css = `.kern-btn{-webkit-mask:url("data:image/svg+xml;charset=utf-8,%3Csvg%3E{}%3C/svg%3E");content:";}"}.kern-card{color:red}`;
    expect(purgeCss(css, words)).toBe(`.kern-btn{-webkit-mask:url("data:image/svg+xml;charset=utf-8,%3Csvg%3E{}%3C/svg%3E");content:";}"}`);
  });

  test('keeps other at-rules as they are (fonts, keyframes, the charset)', () => {
    const css = `@charset "UTF-8";@font-face{font-family:"Fira Sans";src:url(a.woff2)}@keyframes spin{to{transform:rotate(1turn)}}.kern-card{color:red}`;
    expect(purgeCss(css, words)).toBe(`@charset "UTF-8";@font-face{font-family:"Fira Sans";src:url(a.woff2)}@keyframes spin{to{transform:rotate(1turn)}}`);
  });
});
