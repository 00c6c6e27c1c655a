import { faultPoint } from '@tlab/core';
import {
  createFrozenExtractor,
  CutoffsNotNestedError,
  loadFrozenPart,
  openConvertedFrozenPart,
  type FrozenExtractor,
  type FrozenExtractorOptions,
  type FrozenPart,
} from '@tlab/trainer';
import type { FrozenGroup } from './plan-groups.ts';

/** A group of variants of one backbone: they share its weightsHash, which names its converted file. */
export type WeightedGroup = FrozenGroup<{ readonly weightsHash: string }>;

/**
 * Opens a group's frozen part on first use and keeps it for every variant of the group: from the
 * `.onnx` file converted before, by this process or another sharing the cache (a local worker's
 * jobs, a resumed sweep), else built and converted here. Cutoffs on separate branches of a network
 * cannot share one pass; they get one part each.
 */
export class FrozenGroupSession {
  private shared: Promise<FrozenExtractor> | undefined;
  private readonly perCutoff = new Map<string, Promise<FrozenExtractor>>();
  private readonly opened: Array<{ part: FrozenPart | undefined; extractor: FrozenExtractor }> = [];

  constructor(
    private readonly group: WeightedGroup,
    private readonly options: FrozenExtractorOptions,
  ) {}

  async extractorFor(cutoff: string): Promise<FrozenExtractor> {
    try {
      this.shared ??= this.open(this.group.cutoffs);
      return await this.shared;
    } catch (error) {
      if (!(error instanceof CutoffsNotNestedError)) throw error;
    }
    let own = this.perCutoff.get(cutoff);
    if (!own) {
      own = this.open([cutoff]);
      this.perCutoff.set(cutoff, own);
    }
    return own;
  }

  async close(): Promise<void> {
    for (const { part, extractor } of this.opened.splice(0)) {
      await extractor.dispose();
      part?.dispose();
    }
  }

  private async open(cutoffs: readonly string[]): Promise<FrozenExtractor> {
    const { imageSize, variants } = this.group;
    const backbone = { ...this.group.backbone, cutoff: cutoffs[0]! };
    const weightsHash = variants[0]?.weightsHash;
    const converted = weightsHash === undefined ? undefined : await openConvertedFrozenPart(backbone, cutoffs, imageSize, weightsHash, this.options);
    if (converted !== undefined) {
      this.opened.push({ part: undefined, extractor: converted });
      faultPoint('model-load');
      return converted;
    }
    const part = await loadFrozenPart(backbone, cutoffs, imageSize);
    faultPoint('model-load');
    try {
      const extractor = await createFrozenExtractor(part, this.options);
      this.opened.push({ part, extractor });
      return extractor;
    } catch (error) {
      part.dispose();
      throw error;
    }
  }
}
