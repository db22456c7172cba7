// deploy(d => …): the three axes spelled out. `d.compile.async().ship.sync(…)` does not compile:
// nothing can ship in the request before a worker has compiled it.
import { connect, show } from './connect';

async function main(): Promise<void> {
  const ivm = connect();
  const brand = (version: number) => ivm.ingest().brand({ brand_id: 'EXA', name: `Axes v${version}` }, { version });

  // Compile only: nothing shipped (the API's defaults spelled out).
  show('compile.sync', (await brand(1).deploy((d) => d.compile.sync().cutover.ready())).state); // DONE

  // Compile now, ship in the request, cut over once shipped.
  show(
    'compile.sync ship.sync cutover.done',
    (
      await brand(2).deploy((d) =>
        d.compile
          .sync()
          .ship.sync((s) => s.personalize())
          .cutover.done(),
      )
    ).state,
  ); // DONE

  // Compile now, ship later.
  const later = await brand(3).deploy((d) => d.compile.sync().ship.async((s) => s.personalize()));
  show('compile.sync ship.async', later.state); // READY

  // All in the background; the active version moves only once shipped.
  const queued = await brand(4).deploy((d) =>
    d.compile
      .async()
      .ship.async((s) => s.personalize())
      .cutover.done(),
  );
  show('compile.async ship.async cutover.done', queued.state); // QUEUED

  for (const job of [later, queued]) show(`wait ${job.compile}/${job.ship?.mode}`, (await ivm.deploy.wait(job.jobId, { timeoutMs: 30_000 })).state);

  // A retried call never deploys twice: the same Idempotency-Key answers the same job.
  const once = await brand(5).deploy((d) => d.compile.sync(), { idempotencyKey: 'example-axes-5' });
  const twice = await brand(5).deploy((d) => d.compile.sync(), { idempotencyKey: 'example-axes-5' });
  show('same job', once.jobId === twice.jobId); // true
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
