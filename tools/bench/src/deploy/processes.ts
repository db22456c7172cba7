/**
 * The processes deploy-bench.ts runs on: the dynalite process, worker processes (`npm run worker`'s
 * entry point), the API alone (`npm run api`'s), and the CPU time each of them (and the embedded
 * PostgreSQL) used, read from /proc.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DynaliteMessage } from './protocol';

export const ROOT = resolve(__dirname, '../../../..');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `--cpu-prof` into `dir/name` (one profile per thread, written when the process exits), or no flag. */
function profileFlags(dir: string | undefined, name: string): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`];
}

/** A child the bench waits for on exit. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), timeoutMs)));
  const result = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (result !== 'late') return result;
  child.kill('SIGKILL');
  return exited;
}

export interface DynaliteProcess {
  readonly endpoint: string;
  readonly pid: number;
  /** Requests served so far, by operation, from every client. */
  counts(): Promise<Readonly<Record<string, number>>>;
  close(): Promise<void>;
}

/** Starts dynalite-process.ts (in memory, or on LevelDB under `path`). */
export async function startDynaliteProcess(options: { readonly path?: string; readonly cpuProfDir?: string }): Promise<DynaliteProcess> {
  const child = fork(join(__dirname, 'dynalite-process.ts'), options.path === undefined ? [] : [options.path], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...profileFlags(options.cpuProfDir, 'dynalite')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending: ((counts: Readonly<Record<string, number>>) => void)[] = [];
  const endpoint = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`the dynalite process exited with ${String(code)} before it was ready`)));
    child.on('message', (message: DynaliteMessage) => {
      if (message.type === 'ready') done(message.endpoint);
      else pending.shift()?.(message.counts);
    });
  });
  return {
    endpoint,
    pid: child.pid ?? -1,
    counts: () =>
      new Promise((done) => {
        pending.push(done);
        child.send({ type: 'counts' });
      }),
    close: async () => {
      await stopChild(child, 'SIGTERM');
    },
  };
}

/** A spawned process of ours (a worker, the API) with its output kept for a failure message. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Its last output lines. */
  readonly output: string[];
  /** SIGTERM (a graceful shutdown) and its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `entry` with `env`, forwarding its warnings and errors (pino JSON at LOG_LEVEL=warn) with
 * its name in front, and waits until `readyPath` on its port answers 200.
 */
export async function startService(options: {
  readonly name: string;
  readonly entry: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  readonly readyPath: string;
  readonly cpuProfDir?: string;
}): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [...profileFlags(options.cpuProfDir, options.name), '--import', 'tsx', join(ROOT, options.entry), ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const keep = (line: string): void => {
    output.push(line);
    if (output.length > 200) output.shift();
    console.log(`  [${options.name}] ${line}`);
  };
  createInterface({ input: child.stdout }).on('line', keep);
  createInterface({ input: child.stderr }).on('line', keep);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} before it was ready:\n${output.join('\n')}`);
    const ready = await fetch(`${url}${options.readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stopChild(child, 'SIGKILL');
      throw new Error(`${options.name} was not ready within 60 s:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name: options.name, pid: child.pid ?? -1, url, output, stop: () => stopChild(child, 'SIGTERM') };
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in seconds. */
  readonly own: number;
  /** cutime + cstime (children waited for), in seconds. */
  readonly children: number;
}

function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces and parentheses): state is field 3.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(fields[n - 3]);
  const hz = clockTicks();
  return { ppid: field(4), own: (field(14) + field(15)) / hz, children: (field(16) + field(17)) / hz };
}

/** CPU seconds the whole machine has been busy so far (every process, ours or not), from /proc/stat; NaN without it. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? NaN) + (nice ?? NaN) + (system ?? NaN) + (irq ?? NaN) + (softirq ?? NaN) + (steal ?? NaN)) / clockTicks();
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, or NaN when it is gone or /proc is not there. */
export function cpuSeconds(pid: number): number {
  return procStat(pid)?.own ?? NaN;
}

/**
 * CPU seconds of an embedded PostgreSQL: its postmaster (PID from `postmaster.pid` in PGDATA),
 * every live backend and helper, and the backends that already exited.
 */
export function postgresCpuSeconds(pgData: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return NaN;
  }
  const root = procStat(postmaster);
  if (root === undefined) return NaN;
  let total = root.own + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === postmaster) total += stat.own;
  }
  return total;
}
