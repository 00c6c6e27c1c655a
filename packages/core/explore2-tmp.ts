import { planTrainableBlock } from './src/finetune/index.ts';
for (const from of ['block_15_expand', 'block_15_depthwise', 'block_14_add']) {
  try { const p = await planTrainableBlock({ name: 'mobilenet_v2', cutoff: 'out_relu', trainable_from: from }); console.log(from, '→', p.boundary, p.layers.length); }
  catch (e) { console.log(from, (e as Error).message); }
}
