import { Demand } from './demand';

describe('claim demand', () => {
  it('boots as a backlog: the first claim asks for every idle slot', () => {
    const demand = new Demand();
    expect(demand.due(4)).toBe(true);
    expect(demand.start(4)).toBe(4);
  });

  it('rouses only as many slots as tasks announced', () => {
    const demand = new Demand();
    demand.finish(demand.start(8), 0); // drained
    expect(demand.due(8)).toBe(false);
    demand.announce(2);
    expect(demand.start(8)).toBe(2);
    demand.finish(2, 2);
    expect(demand.due(8)).toBe(false);
  });

  it('keeps what idle slots could not take, and never asks for more than the idle slots', () => {
    const demand = new Demand();
    demand.finish(demand.start(8), 0);
    demand.announce(5);
    expect(demand.start(3)).toBe(3);
    demand.finish(3, 3);
    expect(demand.start(8)).toBe(2);
    demand.finish(2, 2);
    expect(demand.due(8)).toBe(false);
    expect(demand.due(0)).toBe(false);
  });

  it('a full claim under a backlog keeps claiming; a short one stops', () => {
    const demand = new Demand();
    demand.finish(demand.start(4), 4);
    expect(demand.start(4)).toBe(4);
    demand.finish(4, 1);
    expect(demand.due(4)).toBe(false);
    demand.poll();
    expect(demand.start(4)).toBe(4);
  });

  it('keeps what was announced while a claim was on its way, even when that claim came back short', () => {
    const demand = new Demand();
    const limit = demand.start(4);
    expect(demand.due(4)).toBe(false); // one claim at a time
    demand.announce(1);
    demand.finish(limit, 0);
    expect(demand.start(4)).toBe(1);
  });
});
