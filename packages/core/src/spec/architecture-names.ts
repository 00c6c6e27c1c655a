/** The architectures Transfer Lab builds in TypeScript with Keras's layer names (see architectures.ts). */
export const architectureNames = ['inception_v3', 'mobilenet_v2', 'mobilenet', 'resnet50'] as const;
export type ArchitectureName = (typeof architectureNames)[number];
