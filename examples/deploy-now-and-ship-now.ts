// deployNowAndShipNow: compile and ship in the request; it answers once the sink has the documents.
import { connect, show } from './connect';

async function main(): Promise<void> {
  const ivm = connect();
  const job = await ivm
    .ingest()
    .product({ sku: 'EX-4', name: 'Lip Balm', brand_id: 'EXB', category_ids: ['EXC'], price: 5000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deployNowAndShipNow((s) => s.personalize());
  show('answered', job.state); // DONE (or FAILED, with job.error)
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
