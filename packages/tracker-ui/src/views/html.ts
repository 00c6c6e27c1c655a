import type { html } from 'hono/html';

/** What `html` templates produce; nested freely, escaped once. */
export type Html = ReturnType<typeof html>;
