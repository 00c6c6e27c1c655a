import type { Effects } from '../models/effects.ts';
import { labelCharWidth } from '../views/curve-option.ts';
import { forestOption } from '../views/forest-option.ts';
import type { SvgChart } from './render-svg.ts';

/** Every compared level's paired Δ against its factor's base, factor by factor; null when nothing was compared. */
export function forestChart({ factors, metric }: Effects): SvgChart | null {
  const rows = factors.flatMap((factor) =>
    factor.levels.flatMap((level, i) => (level.comparison === null ? [] : [{ label: `${factor.factor} = ${factor.labels[i]}`, comparison: level.comparison }])),
  );
  if (rows.length === 0) return null;
  const option = forestOption(`Δ ${metric.key} against the base, with 95% CI`, `Δ ${metric.key} (level − base)`, rows);
  // The plot keeps its width beside however long the row labels are.
  return { option, width: 520 + labelCharWidth * Math.max(...rows.map((row) => row.label.length)), height: 100 + 28 * rows.length };
}
