import type { ComparedSetting } from '../models/compare.ts';
import type { CurveSeries } from './curve-option.ts';

export type CurveField = 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';

/** A setting's mean curve of one per-epoch metric, in a band of ± one standard deviation when it has several seeds. */
export function settingCurve(setting: ComparedSetting, field: CurveField, name: string, color: string): CurveSeries {
  const points = setting.curve.map((e) => [e.epoch, e[field].mean] as const);
  if (setting.ids.length === 1) return { name, color, points };
  return { name, color, points, band: setting.curve.map((e) => [e.epoch, e[field].mean - (e[field].std ?? 0), e[field].mean + (e[field].std ?? 0)] as const) };
}
