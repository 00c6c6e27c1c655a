import {
  filterOperators,
  metricColumn,
  metricKeyOf,
  runStatuses,
  type FilterOperator,
  type LeaderboardColumn,
  type LeaderboardFilter,
  type LeaderboardRow,
  type ResultsReader,
} from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';
import { badRequest } from '../http-error.ts';

export interface ColumnInfo {
  readonly id: LeaderboardColumn;
  readonly label: string;
  /** number: compared as numbers; text: = and != only; param: a swept value of any JSON type. */
  readonly kind: 'number' | 'text' | 'param';
}

export interface LeaderboardRequest {
  readonly grouped: boolean;
  readonly sort: LeaderboardColumn;
  readonly descending: boolean;
  readonly page: number;
  readonly perPage: number;
  /** The `metric:` columns shown: those `cols` chose, then any the sort or a filter names. */
  readonly cols: readonly LeaderboardColumn[];
  /** With the text they were parsed from, to refill the filter inputs. */
  readonly filters: ReadonlyArray<LeaderboardFilter & { readonly text: string }>;
}

export interface Leaderboard {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly grouped: boolean;
  readonly columns: readonly ColumnInfo[];
  /** A column for every metric stored for the experiment's runs: what `cols` can add. */
  readonly metricColumns: readonly ColumnInfo[];
  readonly sort: { readonly column: LeaderboardColumn; readonly direction: 'asc' | 'desc' };
  readonly filters: ReadonlyArray<{ readonly column: LeaderboardColumn; readonly operator: FilterOperator; readonly value: LeaderboardFilter['value'] }>;
  readonly page: number;
  readonly perPage: number;
  readonly total: number;
  readonly pageCount: number;
  readonly rows: readonly LeaderboardRow[];
}

/** What the page's selector offers for `per`; any count up to the last can be asked for. */
export const perPageChoices = [25, 50, 100, 200, 500] as const;
const defaultPerPage = 50;
const maxPerPage = Math.max(...perPageChoices);
const maxPage = 1_000_000;
const filterPrefix = 'f.';
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const filterPattern = new RegExp(`^(${[...filterOperators].sort((a, b) => b.length - a.length).join('|')})?\\s*(.*)$`, 's');

const number = (id: LeaderboardColumn, label: string): ColumnInfo => ({ id, label, kind: 'number' });
const metricColumnInfo = (key: string): ColumnInfo => number(metricColumn(key), key);

function leaderboardColumns(context: ExperimentContext, grouped: boolean, cols: readonly LeaderboardColumn[]): ColumnInfo[] {
  const { metric } = context;
  return [
    number('index', '#'),
    ...(grouped ? [] : [{ id: 'id', label: 'run', kind: 'text' } as const]),
    ...context.factors.map((key): ColumnInfo => ({ id: `param:${key}`, label: key, kind: 'param' })),
    grouped ? number('n', 'seeds') : number('seed', 'seed'),
    { id: 'status', label: 'status', kind: 'text' },
    number('final', `final ${metric.name}`),
    ...(metric.bestKey === null ? [] : [number('best', `best ${metric.name}`)]),
    number('epochs', 'epochs'),
    number('time', 'train time'),
    ...cols.map((column) => metricColumnInfo(metricKeyOf(column)!)),
  ];
}

/**
 * Reads the query string of a leaderboard request; anything malformed is a 400 naming the parameter.
 * `metricKeys` are the experiment's stored metrics (`reader.metricKeys`): the `metric:` columns a
 * request may name.
 */
export function parseLeaderboardRequest(
  context: ExperimentContext,
  search: URLSearchParams | Readonly<Record<string, string>>,
  metricKeys: readonly string[] = [],
): LeaderboardRequest {
  const query = new URLSearchParams(search);
  const grouped = parseGroup(query.get('group') ?? undefined, context.seedsSwept);
  const metricColumns = metricKeys.map(metricColumnInfo);
  const byId = new Map([...leaderboardColumns(context, grouped, []), ...metricColumns].map((column) => [column.id as string, column]));
  const known = (): string => [...byId.keys()].join(', ');
  const column = (name: string, id: string): ColumnInfo => {
    const found = byId.get(id);
    if (found === undefined) throw badRequest(`${name}: unknown column "${id}"; expected one of ${known()}`);
    return found;
  };

  const sortText = query.get('sort') ?? defaultSort(context);
  const sortColumn = column('sort', sortText);
  const dirText = query.get('dir') ?? (sortText === defaultSort(context) && context.metric.goal === 'maximize' ? 'desc' : 'asc');
  if (dirText !== 'asc' && dirText !== 'desc') throw badRequest(`dir: expected asc or desc, got "${dirText}"`);

  // The first value of a repeated filter, as for every parameter but `cols`.
  const filters = [...new Set(query.keys())]
    .filter((name) => name.startsWith(filterPrefix) && query.get(name)!.trim() !== '')
    .map((name) => {
      const text = query.get(name)!;
      return { ...parseFilter(column(name, name.slice(filterPrefix.length)), text, name), text };
    });

  // `cols=a,b` and `cols=a&cols=b` alike: links write the one, the chooser's checkboxes send the other.
  const chosen = query.getAll('cols').flatMap((text) => text.split(',')).map((text) => text.trim()).filter((text) => text !== '');
  for (const id of chosen) {
    if (metricKeyOf(id) === undefined || !byId.has(id)) {
      throw badRequest(`cols: unknown column "${id}"; expected one of ${metricColumns.map((c) => c.id).join(', ') || 'none: no run has stored a metric yet'}`);
    }
  }
  const cols = [...new Set([...chosen, sortColumn.id, ...filters.map((f) => f.column)])].filter((id) => metricKeyOf(id) !== undefined) as LeaderboardColumn[];

  return {
    grouped,
    sort: sortColumn.id,
    descending: dirText === 'desc',
    page: parsePositiveInt('page', query.get('page') ?? undefined, 1, maxPage),
    perPage: parsePositiveInt('per', query.get('per') ?? undefined, defaultPerPage, maxPerPage),
    cols,
    filters,
  };
}

/** The request of a leaderboard URL: the page's, its JSON's or its CSV's. */
export function leaderboardRequestOf(reader: ResultsReader, context: ExperimentContext, url: string): LeaderboardRequest {
  return parseLeaderboardRequest(context, new URL(url).searchParams, reader.metricKeys(context.record.id));
}

/** One page of the leaderboard, or every row when `all` (the CSV export). */
export function loadLeaderboard(reader: ResultsReader, context: ExperimentContext, request: LeaderboardRequest, all = false): Leaderboard {
  const { metric, record } = context;
  const result = reader.leaderboard({
    experimentId: record.id,
    finalKey: metric.finalKey,
    bestKey: metric.bestKey,
    metricKeys: request.cols.map((column) => metricKeyOf(column)!),
    groupSeeds: request.grouped,
    sort: request.sort,
    descending: request.descending,
    filters: request.filters,
    limit: all ? null : request.perPage,
    offset: all ? 0 : (request.page - 1) * request.perPage,
  });
  return {
    experiment: { id: record.id, name: record.name },
    metric,
    grouped: request.grouped,
    columns: leaderboardColumns(context, request.grouped, request.cols),
    metricColumns: reader.metricKeys(record.id).map(metricColumnInfo),
    sort: { column: request.sort, direction: request.descending ? 'desc' : 'asc' },
    filters: request.filters.map(({ column, operator, value }) => ({ column, operator, value })),
    page: all ? 1 : request.page,
    perPage: all ? result.total : request.perPage,
    total: result.total,
    pageCount: all ? 1 : Math.max(1, Math.ceil(result.total / request.perPage)),
    rows: result.rows,
  };
}

/** The query string for the same view with some settings changed; defaults are left out so links stay short. */
export function leaderboardSearch(request: LeaderboardRequest, context: ExperimentContext, changes: Partial<LeaderboardRequest>): string {
  const next = { ...request, ...changes };
  const params = new URLSearchParams();
  if (next.grouped !== context.seedsSwept) params.set('group', next.grouped ? 'seed' : 'none');
  params.set('sort', next.sort);
  params.set('dir', next.descending ? 'desc' : 'asc');
  if (next.cols.length > 0) params.set('cols', next.cols.join(','));
  for (const filter of next.filters) params.set(`${filterPrefix}${filter.column}`, filter.text);
  if (next.perPage !== defaultPerPage) params.set('per', String(next.perPage));
  if (next.page > 1) params.set('page', String(next.page));
  return `?${params.toString()}`;
}

/** The same view with seeds grouped or not, keeping the sort and filters that still name a column. */
export function regroup(request: LeaderboardRequest, context: ExperimentContext, grouped: boolean): Partial<LeaderboardRequest> {
  const valid = new Set<string>(leaderboardColumns(context, grouped, request.cols).map((c) => c.id));
  const keepSort = valid.has(request.sort);
  return {
    grouped,
    sort: keepSort ? request.sort : defaultSort(context),
    descending: keepSort ? request.descending : context.metric.goal === 'maximize',
    filters: request.filters.filter((f) => valid.has(f.column)),
    page: 1,
  };
}

export function filterInputName(column: LeaderboardColumn): string {
  return `${filterPrefix}${column}`;
}

/** Best first: the metric the experiment is scored by, in the direction of its goal. */
function defaultSort(context: ExperimentContext): LeaderboardColumn {
  return context.metric.bestKey === null ? 'final' : 'best';
}

function parseGroup(text: string | undefined, seedsSwept: boolean): boolean {
  if (text === undefined) return seedsSwept;
  if (text === 'seed') return true;
  if (text === 'none') return false;
  throw badRequest(`group: expected seed or none, got "${text}"`);
}

function parsePositiveInt(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^[1-9][0-9]*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value <= max)) throw badRequest(`${name}: expected a whole number from 1 to ${max}, got "${text}"`);
  return value;
}

/**
 * `[operator] value`, e.g. `>0.9`, `!=none`, `mixed5`. A parameter's value is read as JSON where it
 * can be (0.5, true, null) and as a string otherwise, so `none` needs no quotes. Text matches
 * ignoring case, and a run id by its start (the store's filter does both).
 */
function parseFilter(column: ColumnInfo, text: string, name: string): LeaderboardFilter {
  const [, operatorText, valueText = ''] = filterPattern.exec(text.trim()) ?? [];
  const operator = (operatorText ?? '=') as FilterOperator;
  const raw = valueText.trim();
  const fail = (expected: string): never => {
    throw badRequest(`${name}: expected ${expected}, got "${text}"`);
  };
  if (raw === '') fail('a value after the operator');
  const ordering = operator !== '=' && operator !== '!=';
  const value = readValue(column, raw);
  if (column.kind === 'number' && typeof value !== 'number' && !(value === null && !ordering)) fail('a number, optionally after =, !=, <, <=, > or >=');
  if (column.kind === 'text') {
    if (ordering) fail(column.id === 'id' ? 'a run id or its first characters, optionally after = or != (case is ignored)' : 'a value after = or != (case is ignored)');
    const statuses = [...runStatuses, 'mixed'];
    if (column.id === 'status' && !statuses.includes(raw.toLowerCase())) fail(`a status (case is ignored): ${statuses.join(', ')}`);
  }
  if (column.kind === 'param' && ordering && typeof value !== 'number') fail('a number after <, <=, > or >= (text takes = or != and ignores case)');
  return { column: column.id, operator, value };
}

function readValue(column: ColumnInfo, raw: string): LeaderboardFilter['value'] {
  if (column.kind === 'text') return raw;
  if (numberPattern.test(raw)) return Number(raw);
  if (raw === 'null') return null;
  if (column.kind === 'param' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}
