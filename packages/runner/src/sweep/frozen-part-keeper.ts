import { canonicalJson } from '@tlab/core';
import type { FrozenExtractorOptions } from '@tlab/trainer';
import { FrozenGroupSession, type WeightedGroup } from './frozen-group-session.ts';

/**
 * The last group's frozen part, kept open from one `trainPending` call to the next: a local
 * worker trains a job per variant, and consecutive jobs of one group would otherwise each load the
 * same frozen part again (creating an InceptionV3 ONNX session took 0.5–1 s a job here).
 * Opening another group's part closes the kept one first, so one part at a time is held.
 */
export class FrozenPartKeeper {
  private kept: { readonly key: string; readonly session: FrozenGroupSession } | undefined;

  async session(group: WeightedGroup, options: FrozenExtractorOptions): Promise<FrozenGroupSession> {
    const key = canonicalJson({ backbone: group.backbone, size: group.imageSize, cutoffs: group.cutoffs });
    if (this.kept?.key === key) return this.kept.session;
    await this.close();
    this.kept = { key, session: new FrozenGroupSession(group, options) };
    return this.kept.session;
  }

  async close(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    await kept?.session.close();
  }
}
