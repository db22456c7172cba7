import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The user a server process runs as: PostgreSQL refuses to run as root. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Not root: the current user (undefined). Root: the `postgres` system user, created first when
 * `createPostgresUser` allows it (it changes the host, so only where that is fine: containers, CI).
 */
export async function serverUser(createPostgresUser: boolean): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookup('postgres');
  if (existing) return existing;
  if (!createPostgresUser) {
    throw new Error('PostgreSQL does not run as root and there is no "postgres" user to run it as; set embedded.createPostgresUser to create one');
  }
  await exec('groupadd', ['-f', 'postgres']);
  await exec('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(async (error: unknown) => {
    // Another process may have created it meanwhile.
    if (!(await lookup('postgres'))) throw error;
  });
  const created = await lookup('postgres');
  if (!created) throw new Error('Created the "postgres" user but cannot find it');
  return created;
}

async function lookup(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([exec('id', ['-u', name]), exec('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}
