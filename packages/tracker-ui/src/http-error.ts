import { HTTPException } from 'hono/http-exception';

/** Hono's HTTPException for a request the UI cannot answer; its message is shown to the user, so it names what was wrong. */
export const notFound = (what: string): HTTPException => new HTTPException(404, { message: `${what} does not exist` });
export const badRequest = (message: string): HTTPException => new HTTPException(400, { message });
