/** The only source of time: the domain never reads the clock itself. */
export interface Clock {
  /** The current time in epoch milliseconds. */
  now(): number;
}
