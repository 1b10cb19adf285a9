// A run's nn/runStatus entry for client tests: an idle `xor on table` at line 10, with the fields a test names changed.
import type { RunStatus } from '../../server/src/protocol';

export function runStatus(overrides: Partial<RunStatus>): RunStatus {
  return {
    line: 10,
    index: 1,
    network: 'xor',
    data: 'table',
    phase: 'idle',
    epoch: 0,
    epochs: 20000,
    loss: null,
    validationLoss: null,
    accuracy: null,
    seconds: 0,
    summary: '',
    position: 'not trained',
    step: null,
    stepFrom: null,
    stopping: false,
    target: null,
    title: 'xor on table',
    ...overrides,
  };
}
