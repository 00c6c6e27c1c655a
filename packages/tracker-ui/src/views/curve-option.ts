/** Eight colours that stay apart for up to eight compared runs. */
export const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'] as const;

/** The most a 12px sans-serif character takes (DejaVu Sans; Arial is narrower): room for labels echarts measures without fonts. */
export const labelCharWidth = 8;

export interface CurveSeries {
  readonly name: string;
  /** [epoch, value]; NaN (a diverged epoch) leaves a gap. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly color: string;
  /** Training curves are dashed, validation curves solid. */
  readonly dashed?: boolean;
  /** [epoch, lower, upper]: a shaded band around the curve (mean ± std over a setting's seeds). */
  readonly band?: ReadonlyArray<readonly [number, number, number]>;
}

/**
 * An echarts option for metric-per-epoch lines; plain JSON, so it travels inside the page. Without
 * a legend the page must say which colour is which (the compare table does).
 */
export function curveOption(
  title: string,
  yName: string,
  series: readonly CurveSeries[],
  { legend = true, marker }: { legend?: boolean; marker?: { readonly epoch: number; readonly label: string } } = {},
): object {
  const epochs = series.flatMap((s) => s.points.map(([epoch]) => epoch));
  // Whole epochs from the first to the last; one epoch gets an axis of one epoch's width, not 0.5–1.
  const first = epochs.length === 0 ? 1 : Math.min(...epochs);
  const last = epochs.length === 0 ? 1 : Math.max(...epochs);
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { fontSize: 13, fontWeight: 600 } },
    tooltip: { trigger: 'axis' },
    legend: { show: legend, bottom: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: legend ? 56 : 36 },
    xAxis: {
      type: 'value',
      name: 'epoch',
      nameLocation: 'middle',
      nameGap: 26,
      minInterval: 1,
      min: first,
      max: Math.max(last, first + 1),
      // The tooltip names the epoch as a whole number ("epoch 3", not "3.00").
      axisPointer: { label: { precision: 0 } },
    },
    yAxis: { type: 'value', name: yName, scale: true },
    series: series.flatMap((s, i) => [
      ...(s.band === undefined ? [] : bandSeries(s.band, s.color, `band-${i}`)),
      {
        type: 'line',
        name: s.name,
        // echarts reads '-' as "no value here"; JSON would turn NaN into null.
        data: s.points.map(([epoch, value]) => [epoch, gap(value)]),
        showSymbol: s.points.length <= 30,
        symbolSize: 5,
        color: s.color,
        lineStyle: { width: 2, type: s.dashed === true ? 'dashed' : 'solid' },
        // A vertical line at the epoch that matters (the best one), drawn once, on the first curve.
        ...(marker !== undefined && i === 0
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: '#64748b', type: 'dotted' }, label: { formatter: marker.label }, data: [{ xAxis: marker.epoch }] } }
          : {}),
      },
    ]),
  };
}

const gap = (value: number): number | '-' => (Number.isNaN(value) ? '-' : value);

/** echarts draws a band as an invisible lower line with the upper − lower height stacked on it, shaded. */
function bandSeries(band: NonNullable<CurveSeries['band']>, color: string, stack: string): object[] {
  const edge = { type: 'line', stack, symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true };
  return [
    { ...edge, name: `${stack} lower`, data: band.map(([epoch, lower]) => [epoch, gap(lower)]) },
    { ...edge, name: `${stack} width`, data: band.map(([epoch, lower, upper]) => [epoch, gap(upper - lower)]), areaStyle: { color, opacity: 0.15 } },
  ];
}
