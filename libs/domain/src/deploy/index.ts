// Deploy orchestration (axes, state machine, outbox task model, retry) lands here.
export {};
