/**
 * `npm run opensearch:test-server [-- --port 9200] [--host 127.0.0.1]`: the OpenSearch test
 * server on its own, to point a sink or curl at. Prints its URL, then one line per request and
 * a warning for every refusal of something it does not implement. Stops on Ctrl-C.
 */
import { startOpenSearchTestServer } from './server';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline !== undefined) return inline.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(): Promise<void> {
  const portText = option('port') ?? '9200';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got ${JSON.stringify(portText)}`);
  const server = await startOpenSearchTestServer({
    port,
    host: option('host') ?? '127.0.0.1',
    onUnsupported: (entry) => process.stderr.write(`UNSUPPORTED ${entry.method} ${entry.path}: ${entry.reason}\n`),
  });
  process.stdout.write(`OpenSearch test server on ${server.url} (OPENSEARCH_URL=${server.url})\n`);
  let printed = 0;
  const timer = setInterval(() => {
    const requests = server.inspect.requests;
    for (const request of requests.slice(printed)) {
      if (request.status === undefined) break;
      const query = new URLSearchParams(request.query).toString();
      process.stdout.write(
        `${request.status} ${request.method} ${request.path}${query === '' ? '' : `?${query}`}${request.bulkLines === undefined ? '' : ` (${request.bulkLines} lines)`}\n`,
      );
      printed++;
    }
  }, 200);
  const stop = () => {
    clearInterval(timer);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
