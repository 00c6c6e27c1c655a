export { createApp } from './create-app.ts';
export { startServer, type RunningServer, type ServerOptions } from './start-server.ts';
export { writeReport, type ReportOptions, type WrittenReport } from './report/write-report.ts';
