import { describe, expect, it } from 'vitest';
import { presetAsObject, resolveConfig } from './resolve-config.ts';
import { augmentPresets, variantConfigSchema } from './schema.ts';

const config = (input: Record<string, unknown>) => variantConfigSchema.parse({ data: { builtin: { name: 'mnist' } }, ...input });

describe('resolveConfig', () => {
  it('spells out an augment preset and squares a single image size', () => {
    const resolved = resolveConfig(config({ augment: 'light', data: { builtin: { name: 'mnist' }, image_size: 75 } }));
    expect(resolved.augment).toEqual(augmentPresets.light);
    expect(resolved.data.image_size).toEqual([75, 75]);
  });

  it('keeps [height, width] and an explicit augment object, with its defaults filled', () => {
    const resolved = resolveConfig(config({ augment: { rotation_range: 10 }, data: { builtin: { name: 'mnist' }, image_size: [64, 96] } }));
    expect(resolved.augment).toEqual({ ...augmentPresets.none, rotation_range: 10 });
    expect(resolved.data.image_size).toEqual([64, 96]);
  });

  it('hands out copies, so editing one config cannot change a preset', () => {
    const resolved = resolveConfig(config({ augment: 'course' }));
    resolved.augment.rotation_range = 1;
    expect(augmentPresets.course.rotation_range).toBe(40);
  });
});

describe('presetAsObject', () => {
  it('expands preset names, treating an absent value as the default preset', () => {
    expect(presetAsObject('none')).toEqual(augmentPresets.none);
    expect(presetAsObject(undefined)).toEqual(augmentPresets.course);
    expect(presetAsObject({ rotation_range: 3 })).toBeUndefined();
    expect(presetAsObject('heavy')).toBeUndefined();
  });
});
