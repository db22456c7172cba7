/** What the dynalite process (dynalite-process.ts) tells the bench over its IPC channel. */
export type DynaliteMessage =
  { readonly type: 'ready'; readonly endpoint: string } | { readonly type: 'counts'; readonly counts: Readonly<Record<string, number>> };
