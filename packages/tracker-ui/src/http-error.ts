import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A failure that maps to one HTTP status; its message is shown to the user, so it names what was wrong. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, `${what} does not exist`);
export const badRequest = (message: string): HttpError => new HttpError(400, message);
