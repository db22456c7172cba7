import { spawn } from 'node:child_process';

/** A finished command's output. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run a command. */
export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion; a failure names the step and shows the command's stderr and the end of its stdout. */
export function run(step: string, command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`${step}: cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal === null ? `exited with ${code}` : `was killed by ${signal}`;
      reject(
        new Error(
          `${step} failed: \`${command} ${args.join(' ')}\` (in ${options.cwd}) ${how}\n--- stderr ---\n${stderr.trim() || '(empty)'}\n--- stdout (end) ---\n${stdout.trim().slice(-4000) || '(empty)'}`,
        ),
      );
    });
  });
}

/**
 * The environment for npm and node working outside the monorepo: the user's npm configuration
 * (registry, cache, certificates) stays, but not what ties a child to this repository — `npm run`'s
 * local prefix and package variables, NODE_PATH, and loaders in NODE_OPTIONS (tsx).
 */
export function isolatedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_(package|lifecycle)_/.test(key) || /^npm_config_(local_prefix|workspaces?|include_workspace_root)$/.test(key)) continue;
    if (key === 'INIT_CWD' || key === 'NODE_PATH' || key === 'NODE_OPTIONS') continue;
    out[key] = value;
  }
  return out;
}
