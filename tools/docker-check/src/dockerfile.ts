import { posix } from 'node:path';
import { type Copy, DockerfileParser, type Env, type From, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { isExactVersionTag } from './images';
import { check, type Check } from './report';
import type { Repo } from './repo';

/** One build stage: its FROM and the instructions up to the next FROM. */
export interface Stage {
  readonly index: number;
  /** `AS name`, lower-cased as Docker compares them. */
  readonly name: string | undefined;
  readonly from: From;
  readonly instructions: readonly Instruction[];
  /** 1-based line of its FROM, for messages. */
  readonly line: number;
}

export interface DockerfileModel {
  readonly path: string;
  readonly text: string;
  readonly stages: readonly Stage[];
  /** Stages no other stage builds on (FROM) or copies from (COPY --from): the ones `--target` may build. */
  readonly finalStages: readonly Stage[];
}

/** What an image built from a Dockerfile (its last stage, the default target) carries at run time. */
export interface ImageFacts {
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[] | undefined;
  readonly cmd: readonly string[] | undefined;
  /** The HEALTHCHECK command in exec form, `NONE`, or undefined when there is none (or it is in shell form). */
  readonly healthcheck: readonly string[] | 'NONE' | undefined;
  /** Where `COPY contracts` put the contract directory, if it did. */
  readonly contractsDir: string | undefined;
}

export function parseDockerfile(path: string, text: string): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  let current: { from: From; instructions: Instruction[] } | undefined;
  const close = () => {
    if (!current) return;
    const name = current.from.getBuildStage()?.toLowerCase() ?? undefined;
    stages.push({ index: stages.length, name, from: current.from, instructions: current.instructions, line: current.from.getRange().start.line + 1 });
  };
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      close();
      current = { from: instruction as From, instructions: [] };
    } else current?.instructions.push(instruction);
  }
  close();
  const referenced = new Set<number>();
  for (const stage of stages) {
    const base = stageNamed(stages, stage.from.getImage() ?? '', stage.index);
    if (base) referenced.add(base.index);
    for (const copy of copies(stage)) {
      const from = copy.getFromFlag()?.getValue();
      const source = from === undefined || from === null ? undefined : stageNamed(stages, from, stage.index);
      if (source) referenced.add(source.index);
    }
  }
  return { path, text, stages, finalStages: stages.filter((s) => !referenced.has(s.index)) };
}

/** An earlier stage by name or index, as FROM and COPY --from refer to them. */
function stageNamed(stages: readonly Stage[], reference: string, before: number): Stage | undefined {
  const lower = reference.toLowerCase();
  return stages.find((s) => s.index < before && (s.name === lower || String(s.index) === reference));
}

const keyword = (instruction: Instruction) => instruction.getKeyword().toUpperCase();
const copies = (stage: Stage): Copy[] => stage.instructions.filter((i) => keyword(i) === 'COPY') as Copy[];
const of = (stage: Stage, name: string) => stage.instructions.filter((i) => keyword(i) === name);
const lineOf = (instruction: Instruction) => instruction.getRange().start.line + 1;
const stageLabel = (stage: Stage) => `stage ${stage.name === undefined ? `#${stage.index}` : `"${stage.name}"`} (line ${stage.line})`;

/** The stages an image is made of, base first: the stage and the stages it builds FROM. */
function lineage(model: DockerfileModel, stage: Stage): Stage[] {
  const chain = [stage];
  for (
    let base = stageNamed(model.stages, stage.from.getImage() ?? '', stage.index);
    base;
    base = stageNamed(model.stages, base.from.getImage() ?? '', base.index)
  )
    chain.unshift(base);
  return chain;
}

/** Exec form: a JSON array of strings. */
export function execForm(content: string | null): string[] | undefined {
  const text = (content ?? '').trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function envOf(stages: readonly Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const stage of stages)
    for (const instruction of of(stage, 'ENV')) for (const p of (instruction as Env).getProperties()) env[p.getName()] = p.getValue() ?? '';
  return env;
}

/** The working directory in force at `instruction` of `stage` (its lineage's WORKDIRs, resolved). */
function workdirAt(model: DockerfileModel, stage: Stage, instruction: Instruction): string {
  let dir = '/';
  for (const s of lineage(model, stage))
    for (const i of s.instructions) {
      if (i === instruction) return dir;
      if (keyword(i) === 'WORKDIR') dir = posix.resolve(dir, i.getArgumentsContent() ?? '.');
    }
  return dir;
}

/** Sources and destination of a COPY or ADD (flags excluded; JSON form read too). */
function copyArguments(instruction: Instruction): { sources: string[]; destination: string | undefined } {
  const json = execForm(instruction.getArgumentsContent());
  const args = json ?? instruction.getArguments().map((a) => a.getValue());
  return { sources: args.slice(0, -1), destination: args.at(-1) };
}

function contractsDirOf(model: DockerfileModel, stage: Stage): string | undefined {
  for (const s of lineage(model, stage))
    for (const copy of copies(s)) {
      const { sources, destination } = copyArguments(copy);
      if (destination !== undefined && sources.some((src) => posix.normalize(src).replace(/\/$/, '') === 'contracts'))
        return posix.resolve(workdirAt(model, s, copy), destination);
    }
  return undefined;
}

export function imageFacts(model: DockerfileModel): ImageFacts {
  const last = model.stages.at(-1);
  if (!last) return { env: {}, entrypoint: undefined, cmd: undefined, healthcheck: undefined, contractsDir: undefined };
  const stages = lineage(model, last);
  const lastOf = (name: string) => stages.flatMap((s) => of(s, name)).at(-1);
  const healthcheck = lastOf('HEALTHCHECK')?.getArgumentsContent()?.trim();
  return {
    env: envOf(stages),
    entrypoint: execForm(lastOf('ENTRYPOINT')?.getArgumentsContent() ?? null),
    cmd: execForm(lastOf('CMD')?.getArgumentsContent() ?? null),
    healthcheck: healthcheck === undefined ? undefined : /^NONE$/i.test(healthcheck) ? 'NONE' : execForm(healthcheck.replace(/^CMD\s+/i, '')),
    contractsDir: contractsDirOf(model, last),
  };
}

const ROOT_USER = /^(root|0)(:.*)?$/;
const PACKAGE_INSTALL = /\b(npm\s+(ci|install|i)|yarn(\s+install)?|pnpm\s+(install|i))\b/;

/** Every rule, applied to one Dockerfile. */
export function checkDockerfile(model: DockerfileModel, repo: Repo): Check[] {
  const subject = model.path;
  const rule = (name: string, problems: string[]) => check(name, subject, problems);
  return [
    rule('syntax and instructions (dockerfile-utils)', syntax(model)),
    rule('base images pinned to an exact version', pinnedBases(model)),
    rule('non-root USER in every final stage', nonRootUser(model)),
    rule('HEALTHCHECK in every final stage', healthcheck(model)),
    rule('exec-form CMD/ENTRYPOINT in every final stage', execFormCommands(model)),
    rule('COPY sources exist and are in the build context', copySources(model, repo)),
    rule('npm ci gets every workspace manifest', workspaceManifests(model, repo)),
    rule('final stages install no packages and copy no node_modules', noInstallInRuntime(model)),
    rule('contracts in the image, where IVM_CONTRACTS_DIR says', contracts(model)),
  ];
}

function syntax(model: DockerfileModel): string[] {
  return validate(model.text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

function pinnedBases(model: DockerfileModel): string[] {
  const problems: string[] = [];
  if (model.stages.length === 0) problems.push('no FROM');
  for (const stage of model.stages) {
    const image = stage.from.getImage() ?? '';
    if (stageNamed(model.stages, image, stage.index) || image === 'scratch') continue;
    const where = `line ${stage.line}: FROM ${image}`;
    if (image.includes('$')) problems.push(`${where} uses a variable: pin the base image literally`);
    else if (stage.from.getImageDigest()) continue;
    else if (stage.from.getImageTag() === null) problems.push(`${where} has no tag (that is latest)`);
    else if (!isExactVersionTag(stage.from.getImageTag() ?? undefined, 3))
      problems.push(`${where}: the tag must name one release (major.minor.patch, e.g. node:20.20.2-bookworm-slim), not a moving one`);
  }
  return problems;
}

function nonRootUser(model: DockerfileModel): string[] {
  const problems: string[] = [];
  for (const stage of model.finalStages) {
    const user = lineage(model, stage)
      .flatMap((s) => of(s, 'USER'))
      .at(-1);
    const value = user?.getArgumentsContent()?.trim();
    if (user === undefined || value === undefined) problems.push(`${stageLabel(stage)} has no USER: it would run as the base image's user (root)`);
    else if (value.includes('$')) problems.push(`line ${lineOf(user)}: USER ${value} uses a variable: name the user literally`);
    else if (ROOT_USER.test(value)) problems.push(`line ${lineOf(user)}: USER ${value} is root`);
  }
  return problems;
}

function healthcheck(model: DockerfileModel): string[] {
  const problems: string[] = [];
  for (const stage of model.finalStages) {
    const last = lineage(model, stage)
      .flatMap((s) => of(s, 'HEALTHCHECK'))
      .at(-1);
    const content = last?.getArgumentsContent()?.trim() ?? '';
    if (last === undefined) problems.push(`${stageLabel(stage)} has no HEALTHCHECK`);
    else if (/^NONE$/i.test(content)) problems.push(`line ${lineOf(last)}: HEALTHCHECK NONE turns the health check off`);
    else if (!/^CMD\s/i.test(content)) problems.push(`line ${lineOf(last)}: HEALTHCHECK must be followed by CMD`);
  }
  return problems;
}

function execFormCommands(model: DockerfileModel): string[] {
  const problems: string[] = [];
  for (const stage of model.finalStages) {
    const commands = lineage(model, stage).flatMap((s) => [...of(s, 'CMD'), ...of(s, 'ENTRYPOINT')]);
    if (commands.length === 0) problems.push(`${stageLabel(stage)} has neither ENTRYPOINT nor CMD: it would run the base image's command`);
    for (const c of commands)
      if (execForm(c.getArgumentsContent()) === undefined)
        problems.push(
          `line ${lineOf(c)}: ${keyword(c)} ${c.getArgumentsContent() ?? ''} is not in exec form (a JSON array of strings): a shell would be PID 1 and keep SIGTERM from the process`,
        );
  }
  return problems;
}

/** A COPY source matches some file in the build context: it exists, and .dockerignore keeps at least one file of it. */
function copySources(model: DockerfileModel, repo: Repo): string[] {
  const problems: string[] = [];
  for (const stage of model.stages)
    for (const instruction of stage.instructions.filter((i) => ['COPY', 'ADD'].includes(keyword(i)))) {
      const from = keyword(instruction) === 'COPY' ? (instruction as Copy).getFromFlag()?.getValue() : undefined;
      const where = `line ${lineOf(instruction)}: ${keyword(instruction)}`;
      if (from !== undefined && from !== null) {
        if (!stageNamed(model.stages, from, stage.index)) problems.push(`${where} --from=${from} names no earlier stage`);
        continue;
      }
      for (const source of copyArguments(instruction).sources) {
        if (/^[a-z]+:\/\//i.test(source)) {
          problems.push(`${where} ${source}: a URL is not reproducible; download it in a RUN step with a checksum`);
          continue;
        }
        const path = posix.normalize(source).replace(/^\/+/, '').replace(/\/$/, '');
        const inContext = (file: string) => !repo.dockerIgnore.excluded(file);
        if (/[*?[]/.test(path)) {
          const pattern = globRegex(path);
          if (!repo.files().some((file) => pattern.test(file) && inContext(file))) problems.push(`${where} ${source} matches no file in the build context`);
        } else if (!repo.exists(path)) problems.push(`${where} ${source}: no such file or directory in the repository`);
        else if (path === '.' ? !repo.files().some(inContext) : !repo.files().some((file) => (file === path || file.startsWith(`${path}/`)) && inContext(file)))
          problems.push(`${where} ${source} is left out of the build context by .dockerignore`);
      }
    }
  return problems;
}

function globRegex(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}(/.*)?$`);
}

/** npm ci checks the lockfile against every workspace: the stage that runs it needs every manifest. */
function workspaceManifests(model: DockerfileModel, repo: Repo): string[] {
  const problems: string[] = [];
  for (const stage of model.stages) {
    const install = of(stage, 'RUN').find((run) => /\bnpm\s+ci\b/.test(run.getArgumentsContent() ?? ''));
    if (!install) continue;
    const copied = lineage(model, stage)
      .flatMap((s) => copies(s).filter((c) => c.getFromFlag() === null))
      .flatMap((c) => copyArguments(c).sources.map((src) => posix.normalize(src).replace(/^\/+/, '').replace(/\/$/, '')));
    const covered = (file: string) => copied.some((src) => src === '.' || src === file || file.startsWith(`${src}/`));
    const missing = ['package.json', 'package-lock.json', ...repo.workspaceManifests].filter((file) => !covered(file));
    if (missing.length > 0) problems.push(`line ${lineOf(install)}: npm ci runs without ${missing.join(', ')} (COPY them before it)`);
  }
  return problems;
}

function noInstallInRuntime(model: DockerfileModel): string[] {
  const problems: string[] = [];
  for (const stage of model.finalStages) {
    for (const run of of(stage, 'RUN'))
      if (PACKAGE_INSTALL.test(run.getArgumentsContent() ?? ''))
        problems.push(`line ${lineOf(run)}: ${stageLabel(stage)} installs packages; bundle in a build stage instead`);
    for (const copy of copies(stage))
      if (copyArguments(copy).sources.some((src) => src.split('/').includes('node_modules')))
        problems.push(`line ${lineOf(copy)}: ${stageLabel(stage)} copies node_modules (devDependencies come along)`);
  }
  return problems;
}

function contracts(model: DockerfileModel): string[] {
  const problems: string[] = [];
  for (const stage of model.finalStages) {
    const dir = contractsDirOf(model, stage);
    const env = envOf(lineage(model, stage))['IVM_CONTRACTS_DIR'];
    if (dir === undefined) problems.push(`${stageLabel(stage)} does not COPY contracts`);
    else if (env === undefined) problems.push(`${stageLabel(stage)} sets no IVM_CONTRACTS_DIR (the contracts are at ${dir})`);
    else if (posix.resolve(workdirOfStage(model, stage), env) !== dir) problems.push(`IVM_CONTRACTS_DIR=${env}, but the contracts are at ${dir}`);
  }
  return problems;
}

function workdirOfStage(model: DockerfileModel, stage: Stage): string {
  let dir = '/';
  for (const s of lineage(model, stage)) for (const i of of(s, 'WORKDIR')) dir = posix.resolve(dir, i.getArgumentsContent() ?? '.');
  return dir;
}
