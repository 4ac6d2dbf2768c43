/** JSX-like templates without a compile step: htm bound to Preact's h (console and portal). */
export { html } from 'htm/preact';
