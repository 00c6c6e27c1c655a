/**
 * Crash points for the kill -9 test suite. Armed with `<point>:<n>` (the runner's settings read
 * `TLAB_FAULT`), the process SIGKILLs itself the n-th time it reaches `<point>`: no finally blocks,
 * no exit handlers, no flushing — what a power cut or the OOM killer does. With `<point>:<n>:uncaught`
 * it instead throws from a callback outside any awaited chain, as a bug in an event handler would,
 * which only the entry point's last guard sees. Unarmed it is a no-op.
 */
export const faultPoints = ['migration', 'model-load', 'mid-epoch', 'epoch-committed', 'artifact-write', 'before-finish'] as const;
export type FaultPoint = (typeof faultPoints)[number];

const faultKinds = ['kill', 'uncaught'] as const;
type FaultKind = (typeof faultKinds)[number];

let armed: { point: FaultPoint; count: number; kind: FaultKind } | undefined;
let reached = 0;

export function armFault(value: string | undefined): void {
  armed = parseFault(value);
  reached = 0;
}

export function faultPoint(point: FaultPoint): void {
  if (armed?.point !== point) return;
  reached += 1;
  if (reached !== armed.count) return;
  if (armed.kind === 'kill') process.kill(process.pid, 'SIGKILL');
  else
    setImmediate(() => {
      throw new Error(`injected uncaught failure at ${point} (TLAB_FAULT)`);
    });
}

function parseFault(value: string | undefined): { point: FaultPoint; count: number; kind: FaultKind } | undefined {
  if (!value) return undefined;
  const [point, count, kind = 'kill', ...rest] = value.split(':');
  if (!(faultPoints as readonly string[]).includes(point!) || !(Number(count) >= 1) || !(faultKinds as readonly string[]).includes(kind) || rest.length > 0) {
    throw new Error(`TLAB_FAULT=${value}: expected <point>:<n>[:uncaught] with point one of ${faultPoints.join(', ')}`);
  }
  return { point: point as FaultPoint, count: Number(count), kind: kind as FaultKind };
}
