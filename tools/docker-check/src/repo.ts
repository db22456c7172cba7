import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DockerIgnore, parseDockerIgnore } from './dockerignore';

/** The repository the checks read: its files, the build context's `.dockerignore`, its npm workspaces. */
export interface Repo {
  readonly root: string;
  /** A file or directory, relative to the root (`/`-separated). */
  exists(path: string): boolean;
  read(path: string): string;
  /** Every file under the root, relative, `/`-separated (node_modules, .git and .nx left out). */
  files(): readonly string[];
  readonly dockerIgnore: DockerIgnore;
  /** The manifest of every workspace package-lock.json lists (`apps/api/package.json`, …), sorted. */
  readonly workspaceManifests: readonly string[];
}

/** The repository root, from this file (tools/docker-check/src). */
export const REPO_ROOT = resolve(__dirname, '../../..');

const SKIPPED = new Set(['node_modules', '.git', '.nx']);

export function repoAt(root: string = REPO_ROOT): Repo {
  let files: string[] | undefined;
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  return {
    root,
    exists: (path) => existsSync(join(root, path)),
    read,
    files: () => (files ??= walk(root, '')),
    dockerIgnore: parseDockerIgnore(existsSync(join(root, '.dockerignore')) ? read('.dockerignore') : ''),
    workspaceManifests: workspaceManifests(read('package-lock.json')),
  };
}

/** Workspaces are the lockfile's packages outside node_modules (the root is ""). */
export function workspaceManifests(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, unknown> };
  return Object.keys(lock.packages ?? {})
    .filter((path) => path !== '' && !path.split('/').includes('node_modules'))
    .map((path) => `${path}/package.json`)
    .sort();
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else out.push(path);
  }
  return out;
}
