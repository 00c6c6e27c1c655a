import { TlabError } from '@tlab/core';

/** Another program (often a tracker started earlier) already listens on the port. */
export class PortInUseError extends TlabError {
  constructor(host: string, port: number, options?: { cause?: unknown }) {
    super(
      'TLAB_PORT_IN_USE',
      `--port ${port}: another program already listens on ${host}:${port}; stop it (an earlier tracker?) or pick another port (--port 0 takes a free one)`,
      options,
    );
  }
}

/** Any other refusal to listen: an address not of this machine, a port below 1024 without root. */
export class ListenFailedError extends TlabError {
  constructor(host: string, port: number, error: NodeJS.ErrnoException) {
    super(
      'TLAB_LISTEN_FAILED',
      `cannot listen on ${host}:${port} (${error.code ?? error.message}); expected --host to be an address of this machine (127.0.0.1 by default) and --port one this user may open (ports below 1024 need root)`,
      { cause: error },
    );
  }
}

/** What a failed listen tells the person who started the server. */
export function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): TlabError {
  return error.code === 'EADDRINUSE' ? new PortInUseError(host, port, { cause: error }) : new ListenFailedError(host, port, error);
}
