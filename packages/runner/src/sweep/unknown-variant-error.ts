import { TlabError } from '@tlab/core';

export class UnknownVariantError extends TlabError {
  constructor(unknown: readonly string[], known: readonly string[]) {
    super('TLAB_UNKNOWN_VARIANT', `--only ${unknown.join(', ')}: no such variant in this spec. Variants: ${known.join(', ')}`);
  }
}
