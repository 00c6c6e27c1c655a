/**
 * Crash points for the kill -9 test suite. Armed with `<point>:<n>` (the runner's settings read
 * `TLAB_FAULT`), the process SIGKILLs itself the n-th time it reaches `<point>`: no finally blocks,
 * no exit handlers, no flushing — what a power cut or the OOM killer does. Unarmed it is a no-op.
 */
export const faultPoints = ['migration', 'model-load', 'mid-epoch', 'epoch-committed', 'artifact-write', 'before-finish'] as const;
export type FaultPoint = (typeof faultPoints)[number];

let armed: { point: FaultPoint; count: number } | undefined;
let reached = 0;

export function armFault(value: string | undefined): void {
  armed = parseFault(value);
  reached = 0;
}

export function faultPoint(point: FaultPoint): void {
  if (armed?.point !== point) return;
  reached += 1;
  if (reached === armed.count) process.kill(process.pid, 'SIGKILL');
}

function parseFault(value: string | undefined): { point: FaultPoint; count: number } | undefined {
  if (!value) return undefined;
  const [point, count] = value.split(':');
  if (!(faultPoints as readonly string[]).includes(point!) || !(Number(count) >= 1)) {
    throw new Error(`TLAB_FAULT=${value}: expected <point>:<n> with point one of ${faultPoints.join(', ')}`);
  }
  return { point: point as FaultPoint, count: Number(count) };
}
