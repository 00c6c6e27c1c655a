/** Where a command prints: process.stdout / stderr, or a string collector in tests. */
export interface Output {
  write(text: string): unknown;
}
