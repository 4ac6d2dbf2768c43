/** JSX-like templates without a compile step: htm bound to Preact's h. */
export { html } from 'htm/preact';
