import { HTTPException } from 'hono/http-exception';
import { formatValue, type LevelStats, type ResultsReader } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';
import { badRequest } from '../http-error.ts';
import { sameJson } from './json-values.ts';
import { pool, type Pooled } from './level-stats.ts';
import { spansDecades } from './log-scale.ts';

export interface LevelSummary extends Pooled {
  readonly label: string;
  /** The swept value, or [low, high) of a bin of a continuous parameter. */
  readonly value: unknown;
  /** This level holds the spec's base value. */
  readonly isBase: boolean;
  /** Mean minus the base level's mean; null without a base level or a mean. */
  readonly delta: number | null;
}

export interface FactorSummary {
  readonly key: string;
  /** The spec's value outside the sweep (defaults applied); null when the spec cannot be read. */
  readonly base: { readonly value: unknown; readonly label: string } | null;
  /** Whether any level holds the base value, i.e. whether deltas exist. */
  readonly baseSwept: boolean;
  /** Too many distinct numeric values (a random search): levels are ranges. */
  readonly binned: boolean;
  readonly levels: readonly LevelSummary[];
  /** Highest minus lowest level mean: how far this factor alone moves the metric. */
  readonly spread: number | null;
  /** Label of the level with the best mean for the metric's goal; null when no level stands out. */
  readonly bestLevel: string | null;
}

export interface GridCell extends Pooled {
  readonly x: string;
  readonly y: string;
}

export interface AblationGrid {
  readonly x: string;
  readonly y: string;
  readonly xLevels: readonly string[];
  readonly yLevels: readonly string[];
  readonly cells: readonly GridCell[];
}

export interface Ablation {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly factors: readonly FactorSummary[];
  /**
   * Seed noise over every setting (see Pooled.seedStd): what a spread of level means must stand
   * out from. Every factor's levels hold all the settings, so it is one number for the experiment.
   */
  readonly seedStd: number | null;
  /** Two factors against each other; null with fewer than two factors. */
  readonly grid: AblationGrid | null;
}

export interface AblationRequest {
  readonly x: string | null;
  readonly y: string | null;
}

/** Past this many distinct numeric levels a factor is shown as ranges. */
const maxLevels = 12;
const binCount = 8;

/** The page's request: an x/y choice the API would refuse falls back to the default axes, with the reason to show. */
export function pageAblationRequest(context: ExperimentContext, query: Readonly<Record<string, string>>): { request: AblationRequest; notice: string | null } {
  try {
    return { request: parseAblationRequest(context, query), notice: null };
  } catch (error) {
    if (!(error instanceof HTTPException) || error.status !== 400) throw error;
    return { request: parseAblationRequest(context, {}), notice: error.message };
  }
}

export function parseAblationRequest(context: ExperimentContext, query: Readonly<Record<string, string>>): AblationRequest {
  const [firstFactor = null, secondFactor = null] = context.factors;
  const pick = (name: 'x' | 'y', fallback: string | null): string | null => {
    const key = query[name];
    if (key === undefined) return fallback;
    if (!context.factors.includes(key)) throw badRequest(`${name}: "${key}" is not a swept factor; expected one of ${context.factors.join(', ') || '(none)'}`);
    return key;
  };
  const x = pick('x', firstFactor);
  const y = pick('y', x === secondFactor ? firstFactor : secondFactor);
  if (x !== null && x === y) throw badRequest(`x and y: expected two different factors, got "${x}" twice`);
  return { x, y };
}

/**
 * For each swept factor, the metric at each of its levels with every other factor pooled over, and
 * how each level compares with the spec's base value; plus one two-factor grid. Seeds are replicates,
 * not a factor: they are pooled everywhere.
 */
export function loadAblation(reader: ResultsReader, context: ExperimentContext, request: AblationRequest): Ablation {
  const { record, metric } = context;
  const scales = new Map<string, LevelScale>();
  const factors = context.factors.map((key) => {
    const stats = reader.levels(record.id, key, metric.key);
    const scale = levelScale(stats);
    scales.set(key, scale);
    return summariseFactor(key, stats, scale, context.baseValue(key), metric);
  });
  return {
    experiment: { id: record.id, name: record.name },
    metric,
    factors,
    seedStd: context.factors.length === 0 ? null : pool(reader.levels(record.id, context.factors[0]!, metric.key)).seedStd,
    grid: request.x === null || request.y === null ? null : loadGrid(reader, context, request.x, request.y, scales, factors),
  };
}

interface LevelScale {
  readonly binned: boolean;
  /** The label of the level (or bin) a value belongs to. */
  labelOf(value: unknown): string;
  /** What a label stands for: the value itself, or a bin's [low, high). */
  valueOf(label: string): unknown;
}

function levelScale(stats: readonly LevelStats[]): LevelScale {
  const numbers = stats.map((s) => s.level).filter((v): v is number => typeof v === 'number');
  if (stats.length <= maxLevels || numbers.length !== stats.length) {
    const values = new Map(stats.map((s) => [formatValue(s.level), s.level]));
    return { binned: false, labelOf: formatValue, valueOf: (label) => values.get(label) };
  }
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  // Learning rates and the like are drawn log-uniformly; equal bins on a log scale match that.
  const log = spansDecades(numbers);
  const [from, to] = log ? [Math.log(min), Math.log(max)] : [min, max];
  const edge = (i: number): number => (log ? Math.exp(from + ((to - from) * i) / binCount) : from + ((to - from) * i) / binCount);
  const binOf = (value: number): number => Math.min(binCount - 1, Math.floor((((log ? Math.log(value) : value) - from) / (to - from)) * binCount));
  const label = (bin: number): string => `${edge(bin).toPrecision(3)} – ${edge(bin + 1).toPrecision(3)}`;
  const ranges = new Map(Array.from({ length: binCount }, (_, bin) => [label(bin), [edge(bin), edge(bin + 1)]]));
  return {
    binned: true,
    labelOf: (value) => (typeof value === 'number' && value >= min && value <= max ? label(binOf(value)) : formatValue(value)),
    valueOf: (label) => ranges.get(label),
  };
}

/** Level labels in first-seen order with the stats of each, pooled where a scale merges levels. */
function groupByLabel<T>(items: readonly T[], labelOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const label = labelOf(item);
    groups.set(label, [...(groups.get(label) ?? []), item]);
  }
  return groups;
}

function summariseFactor(
  key: string,
  stats: readonly LevelStats[],
  scale: LevelScale,
  base: { value: unknown } | undefined,
  metric: ExperimentMetric,
): FactorSummary {
  const groups = groupByLabel(stats, (s) => scale.labelOf(s.level));
  const baseLabel = base === undefined ? undefined : scale.labelOf(base.value);
  // Binned labels are strings made from the base value's bin; plain ones compare as JSON values.
  const isBase = (label: string, members: readonly LevelStats[]): boolean =>
    base !== undefined && (scale.binned ? label === baseLabel : members.some((s) => sameJson(s.level, base.value)));
  const pooled = [...groups].map(([label, members]) => ({ label, value: scale.valueOf(label), isBase: isBase(label, members), ...pool(members) }));
  if (scale.binned) pooled.sort((a, b) => (a.value as [number, number])[0] - (b.value as [number, number])[0]);
  const baseMean = pooled.find((level) => level.isBase)?.mean ?? null;
  const levels = pooled.map((level) => ({ ...level, delta: baseMean === null || level.mean === null ? null : level.mean - baseMean }));
  const withMean = levels.filter((level): level is LevelSummary & { mean: number } => level.mean !== null);
  const ranked = [...withMean].sort((a, b) => (metric.goal === 'maximize' ? b.mean - a.mean : a.mean - b.mean));
  return {
    key,
    base: base === undefined ? null : { value: base.value, label: formatValue(base.value) },
    baseSwept: levels.some((level) => level.isBase),
    binned: scale.binned,
    levels,
    spread: withMean.length === 0 ? null : Math.max(...withMean.map((l) => l.mean)) - Math.min(...withMean.map((l) => l.mean)),
    bestLevel: ranked.length > 1 && ranked[0]!.mean !== ranked.at(-1)!.mean ? ranked[0]!.label : null,
  };
}

function loadGrid(
  reader: ResultsReader,
  context: ExperimentContext,
  x: string,
  y: string,
  scales: ReadonlyMap<string, LevelScale>,
  factors: readonly FactorSummary[],
): AblationGrid {
  const xScale = scales.get(x)!;
  const yScale = scales.get(y)!;
  const pairs = reader.pairs(context.record.id, x, y, context.metric.key);
  const cells = [...groupByLabel(pairs, (p) => `${xScale.labelOf(p.level)}\u0000${yScale.labelOf(p.y)}`)].map(([key, members]): GridCell => {
    const [xLabel = '', yLabel = ''] = key.split('\u0000');
    return { x: xLabel, y: yLabel, ...pool(members) };
  });
  // In the factors' own level order, which is the spec's (or the bins').
  const ordered = (key: string): string[] => factors.find((f) => f.key === key)!.levels.map((l) => l.label);
  return { x, y, xLevels: ordered(x), yLevels: ordered(y), cells };
}
