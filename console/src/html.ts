/** JSX-like templates without a compile step: htm bound to Preact's h (shared with the portal). */
export { html } from '../shared/html.ts';
