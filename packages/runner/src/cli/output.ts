import { escapeControlCharacters } from '@tlab/core';

/** Where a command prints: process.stdout / stderr, or a string collector in tests. */
export interface Output {
  write(text: string): unknown;
}

/**
 * `out` for a command's plain-text report: names, paths and values read from a DB or a folder
 * (an experiment named before names were checked, a file name) are shown, their control
 * characters escaped, never obeyed by the terminal.
 */
export function plainText(out: Output): Output {
  return { write: (text) => out.write(escapeControlCharacters(text)) };
}

/** A warning as one line on `out`, names and paths from the input with their control characters escaped. */
export function warnLine(out: Output): (message: string) => void {
  return (message) => void out.write(`${escapeControlCharacters(message)}\n`);
}
