// The load generator, run by bench/run.mjs as a separate process so that it does not share an
// event loop with the harness: node bench/load.mjs <url> <headers-json> <seconds> <connections>
// Prints one JSON line: {requestsPerSecond, p50, p99, total, non2xx, errors, timeouts}.
import autocannon from 'autocannon';

const [url, headersJson = '{}', seconds = '10', connections = '50'] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node bench/load.mjs <url> [headers-json] [seconds] [connections]\n');
  process.exit(2);
}

const result = await autocannon({
  url,
  headers: JSON.parse(headersJson),
  connections: Number(connections),
  duration: Number(seconds),
});

process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
