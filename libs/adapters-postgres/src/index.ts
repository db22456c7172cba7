export { openPostgres, type PostgresDeploys } from './open-postgres';
export { postgresTarget, type PostgresConfig, type PostgresTarget } from './config';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-server';
export { MIGRATIONS, migrate } from './migrations';
export { OUTBOX_CHANNEL } from './pg-task-wakeups';
