import { augmentPresetNames, augmentPresets, variantConfigSchema, type AugmentConfig, type AugmentPresetName, type ResolvedConfig, type VariantConfig } from './schema.ts';

// A copy, so a caller that edits its config cannot change the preset for everyone after it.
const presetObject = (name: AugmentPresetName): AugmentConfig => structuredClone(augmentPresets[name]);

/**
 * The config as the engine uses it: the augment preset spelled out, the image size as
 * [height, width], and the backbone's weights (and the MobileNets' width) named even when left to
 * their defaults, so a variant id says which weights it trained on.
 */
export function resolveConfig(config: VariantConfig): ResolvedConfig {
  const { augment, data } = config;
  const size = data.image_size;
  return {
    ...config,
    backbone: resolveBackbone(config.backbone),
    augment: typeof augment === 'string' ? presetObject(augment) : augment,
    data: { ...data, image_size: typeof size === 'number' ? [size, size] : [size[0], size[1]] },
  };
}

function resolveBackbone(backbone: VariantConfig['backbone']): ResolvedConfig['backbone'] {
  // A user's model.json brings its own weights.
  if (backbone.path !== undefined) return backbone;
  const weights = backbone.weights ?? (backbone.name === 'tiny_cnn' ? 'embedded' : 'imagenet');
  const widened = backbone.name === 'mobilenet' || backbone.name === 'mobilenet_v2';
  return { ...backbone, weights, ...(widened ? { alpha: backbone.alpha ?? 1 } : {}) };
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
