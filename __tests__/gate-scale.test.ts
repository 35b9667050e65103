import { performance } from 'perf_hooks';
import { checkManifests } from '../policy';
import { generateServices } from './fixtures/generate';

/** Median wall time of `runs` gate runs over `objects`. */
function time(objects: ReturnType<typeof generateServices>, runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    checkManifests(objects);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

test('the generated services pass the gate, so the timing below measures the passing path', () => {
  expect(checkManifests(generateServices(60)).failures).toEqual([]);
});

test('the gate is linear: 4x the objects take at most ~6x the time', () => {
  const small = generateServices(200);
  const large = generateServices(800);
  time(small, 1); // warm-up: JIT and lazily built tables
  const t1 = time(small);
  const t4 = time(large);
  // The constant absorbs timer noise on a busy 2-core machine; a quadratic gate takes ~16x.
  expect(t4).toBeLessThan(6 * t1 + 100);
});
