export * from './create-app.ts';
