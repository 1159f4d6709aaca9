// graphile-worker's side of `scripts/bench.sh queue` (crates/wisdomos/benches/queue.rs runs it
// between its own rounds). Its defaults, no-op handlers, the same PostgreSQL.
//   node bench.mjs execute <url> <jobs> <concurrency>   → {"jobsPerSec": …, "seconds": …}
//   node bench.mjs pickup <url> <samples>               → {"p50Ms": …, "p99Ms": …}
// The time to execute runs from the worker's start until no job is left in the queue, polled
// every 20 ms as the Rust side does; the pickup time from just before `addJob` to the handler's
// start, with an idle worker of 4 slots.
import { run, makeWorkerUtils, Logger } from "graphile-worker";
import pg from "pg";

const [mode, url, a, b] = process.argv.slice(2);
const utils = await makeWorkerUtils({ connectionString: url });
await utils.migrate();
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query("DELETE FROM graphile_worker._private_jobs");
await client.query("VACUUM ANALYZE graphile_worker._private_jobs");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === "execute") {
  const jobs = Number(a);
  const concurrency = Number(b);
  for (let done = 0; done < jobs; done += 1000) {
    const n = Math.min(1000, jobs - done);
    await utils.addJobs(Array.from({ length: n }, () => ({ identifier: "noop", payload: {} })));
  }
  const start = performance.now();
  const runner = await run({
    connectionString: url,
    concurrency,
    noHandleSignals: true,
    taskList: { noop: async () => {} },
    logger: quietLogger(),
  });
  for (;;) {
    const { rows } = await client.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
    if (rows[0].n === 0) break;
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  await runner.stop();
  console.log(JSON.stringify({ jobsPerSec: jobs / seconds, seconds }));
} else if (mode === "pickup") {
  const samples = Number(a);
  let started = null;
  const runner = await run({
    connectionString: url,
    concurrency: 4,
    noHandleSignals: true,
    taskList: { ping: async () => { started?.(performance.now()); } },
    logger: quietLogger(),
  });
  await sleep(500);
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const at = new Promise((r) => { started = r; });
    const t0 = performance.now();
    await utils.addJob("ping", {});
    ms.push((await at) - t0);
    await sleep(20);
  }
  await runner.stop();
  ms.sort((x, y) => x - y);
  const q = (p) => ms[Math.round((ms.length - 1) * p)];
  console.log(JSON.stringify({ p50Ms: q(0.5), p99Ms: q(0.99) }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
await client.end();
await utils.release();

function quietLogger() {
  // graphile-worker logs every job at debug and its start at info; keep warnings and errors.
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") console.error(message);
  });
}
