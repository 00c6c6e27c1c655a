import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { failureReport, isTlabError, type ResultsReader } from '@tlab/core';
import type { AppDeps } from './app-deps.ts';
import { createExperimentContexts } from './experiment-context.ts';
import { notFound } from './http-error.ts';
import { ablationApi } from './routes/ablation-api.ts';
import { ablationPage } from './routes/ablation-page.ts';
import { effectsApi } from './routes/effects-api.ts';
import { compareApi } from './routes/compare-api.ts';
import { comparePage } from './routes/compare-page.ts';
import { experimentsApi } from './routes/experiments-api.ts';
import { experimentsPage } from './routes/experiments-page.ts';
import { leaderboardApi } from './routes/leaderboard-api.ts';
import { leaderboardPage } from './routes/leaderboard-page.ts';
import { liveApi } from './routes/live-api.ts';
import { livePage } from './routes/live-page.ts';
import { parallelApi } from './routes/parallel-api.ts';
import { parallelPage } from './routes/parallel-page.ts';
import { runApi } from './routes/run-api.ts';
import { runImage } from './routes/run-image.ts';
import { runPage } from './routes/run-page.ts';
import { staticFiles } from './static-files.ts';
import { page } from './views/layout.ts';

/**
 * The tracker UI: server-rendered pages, each with a JSON twin under /api. It only ever reads the
 * results store, so it can run beside a sweep that is writing it.
 */
export function createApp(reader: ResultsReader): Hono {
  const deps: AppDeps = { reader, experiments: createExperimentContexts(reader) };
  const app = new Hono();
  app.use(
    secureHeaders({
      // Defence in depth behind escaping: no inline script can run, only the package's own files.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  for (const routes of [
    experimentsPage,
    experimentsApi,
    leaderboardPage,
    leaderboardApi,
    ablationPage,
    ablationApi,
    effectsApi,
    parallelPage,
    parallelApi,
    livePage,
    liveApi,
    runPage,
    runApi,
    runImage,
    comparePage,
    compareApi,
  ]) {
    app.route('/', routes(deps));
  }
  app.route('/', staticFiles());

  app.notFound((c) => errorResponse(c, notFound(c.req.path)));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return errorResponse(c, error);
    // The store failed under the request (a damaged page, a vanished file): its coded message says what to do.
    if (isTlabError(error)) {
      console.error(failureReport(error, { verbose: false }));
      return errorResponse(c, new HTTPException(500, { message: error.codedMessage(), cause: error }));
    }
    console.error(error);
    return errorResponse(c, new HTTPException(500, { message: 'internal error; the server log has the details [TLAB_INTERNAL]', cause: error }));
  });
  return app;
}

/** JSON for /api, a page for everything else; the message is escaped like any other text. */
function errorResponse(c: Context, error: HTTPException): Response | Promise<Response> {
  if (c.req.path.startsWith('/api/')) return c.json({ error: { status: error.status, message: error.message } }, error.status);
  const title = error.status === 404 ? 'Not found' : error.status === 400 ? 'Bad request' : 'Error';
  return c.html(page({ title, body: html`<h1>${title}</h1><p class="error-message">${error.message}</p><p><a href="/">All experiments</a></p>` }), error.status);
}
