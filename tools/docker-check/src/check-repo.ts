import { checkCompose } from './compose';
import { checkDockerfile, parseDockerfile } from './dockerfile';
import { COMPOSE_FILE, IMAGES } from './images';
import { check, type Check } from './report';
import type { Repo } from './repo';

/** Paths that must never reach a build context, whatever else .dockerignore says. */
const NEVER_IN_CONTEXT = ['node_modules/x/package.json', 'apps/api/node_modules/x/index.js', '.git/HEAD', '.ivm-data/dynamodb/x', 'dist/api/main.js', '.env'];

/** Every check of `npm run check:docker`: the .dockerignore, each Dockerfile, the compose file. */
export function checkRepo(repo: Repo, overrides: Readonly<Record<string, string>> = {}): Check[] {
  const read = (path: string) => overrides[path] ?? repo.read(path);
  const checks: Check[] = [];

  const ignoreProblems: string[] = [];
  if (!repo.exists('.dockerignore')) ignoreProblems.push('missing: the whole repository (node_modules, .git, data) would be the build context');
  for (const path of NEVER_IN_CONTEXT) if (!repo.dockerIgnore.excluded(path)) ignoreProblems.push(`${path} would be in the build context`);
  checks.push(check('leaves node_modules, .git, data and build output out of the context', '.dockerignore', ignoreProblems));

  const ours = IMAGES.map((spec) => ({ spec, model: parseDockerfile(spec.dockerfile, read(spec.dockerfile)) }));
  for (const { model } of ours) checks.push(...checkDockerfile(model, repo));
  checks.push(...checkCompose(COMPOSE_FILE, read(COMPOSE_FILE), ours));
  return checks;
}
