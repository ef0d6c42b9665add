// The load generator, run by bench/run.mjs as a separate process so that it does not share an
// event loop with the harness:
//   node bench/load.mjs <targets-json> <seconds> <connections> [slice-seconds]
// targets-json is an array of {url, headers}. Each target gets <seconds> of load in all, in slices of
// [slice-seconds] taken in turn (A, B, A, B, …), so that targets compared with each other (a route and
// the health route) see the same machine: other work starting or stopping on it moves both alike.
// Prints one JSON line: an array with, per target, {requestsPerSecond, p50, p99, total, non2xx, errors, timeouts}.
import autocannon from 'autocannon';

const [targetsJson, seconds = '10', connections = '50', sliceSeconds = '2'] = process.argv.slice(2);
if (!targetsJson) {
  process.stderr.write('usage: node bench/load.mjs <targets-json> [seconds] [connections] [slice-seconds]\n');
  process.exit(2);
}

const targets = JSON.parse(targetsJson);
const slice = Math.min(Number(sliceSeconds), Number(seconds));
const rounds = Math.max(1, Math.round(Number(seconds) / slice));
const totals = targets.map(() => ({ requests: 0, seconds: 0, p50: [], p99: 0, non2xx: 0, errors: 0, timeouts: 0 }));

for (let round = 0; round < rounds; round++) {
  for (const [i, target] of targets.entries()) {
    const result = await autocannon({ url: target.url, headers: target.headers ?? {}, connections: Number(connections), duration: slice });
    const total = totals[i];
    total.requests += result.requests.total;
    total.seconds += result.duration;
    total.p50.push(result.latency.p50);
    total.p99 = Math.max(total.p99, result.latency.p99);
    total.non2xx += result.non2xx;
    total.errors += result.errors;
    total.timeouts += result.timeouts;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
process.stdout.write(
  `${JSON.stringify(
    totals.map((t) => ({
      requestsPerSecond: t.requests / t.seconds,
      p50: median(t.p50),
      p99: t.p99,
      total: t.requests,
      non2xx: t.non2xx,
      errors: t.errors,
      timeouts: t.timeouts,
    })),
  )}\n`,
);
