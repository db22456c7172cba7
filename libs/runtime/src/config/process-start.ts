import { ConfigError } from './env';

/** Loads a process's configuration, or stops the process with the variable's name (exit 1). */
export function readConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The end of a process whose start failed: one line on stderr (the configuration problem, or the stack), exit 1. */
export function exitOnStartFailure(error: unknown): never {
  const message =
    error instanceof ConfigError
      ? `Invalid configuration: ${error.message}`
      : `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
