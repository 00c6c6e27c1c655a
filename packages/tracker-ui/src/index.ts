export { createApp } from './create-app.ts';
export { startServer, type RunningServer, type ServerOptions } from './start-server.ts';
