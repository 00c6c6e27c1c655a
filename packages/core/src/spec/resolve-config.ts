import { augmentPresetNames, augmentPresets, variantConfigSchema, type AugmentConfig, type AugmentPresetName, type ResolvedConfig, type VariantConfig } from './schema.ts';

// A copy, so a caller that edits its config cannot change the preset for everyone after it.
const presetObject = (name: AugmentPresetName): AugmentConfig => structuredClone(augmentPresets[name]);

/** The config as the engine uses it: the augment preset spelled out, the image size as [height, width]. */
export function resolveConfig(config: VariantConfig): ResolvedConfig {
  const { augment, data } = config;
  const size = data.image_size;
  return {
    ...config,
    augment: typeof augment === 'string' ? presetObject(augment) : augment,
    data: { ...data, image_size: typeof size === 'number' ? [size, size] : [size[0], size[1]] },
  };
}

/**
 * The augmentation an `augment` value names, as an object (an absent value names the default
 * preset), so that setting one field under a preset refines that preset instead of starting from
 * nothing. Undefined when the value is not a preset name.
 */
export function presetAsObject(augment: unknown): AugmentConfig | undefined {
  const name = augment ?? defaultPreset;
  return isPresetName(name) ? presetObject(name) : undefined;
}

const defaultPreset = variantConfigSchema.shape.augment.parse(undefined);
const isPresetName = (value: unknown): value is AugmentPresetName => augmentPresetNames.some((name) => name === value);
