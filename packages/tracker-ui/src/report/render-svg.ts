import * as echarts from 'echarts';

export interface SvgChart {
  /** An echarts option, as the pages' option builders return it. */
  readonly option: object;
  readonly width: number;
  readonly height: number;
}

/** A chart as a standalone SVG document, drawn by echarts server-side as the pages draw it in the browser. */
export function renderSvg({ option, width, height }: SvgChart): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // White, not transparent: a README in a dark theme would otherwise show dark text on black.
    chart.setOption({ ...option, animation: false, backgroundColor: '#ffffff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
