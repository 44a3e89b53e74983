import { connected, createHeartbeat, metrics, startReceiver, stopAll, type Running } from './test-harness.js';
import type { Receiver } from './test-receiver.js';

afterEach(stopAll);

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});

/** Starts a heartbeat with these conditions, lets `setup` shape the agent, returns the status sent. */
async function statusWith(conditions: Record<string, unknown>, setup: (run: Running) => void = () => {}, extra: Record<string, unknown> = {}): Promise<string> {
  const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: conditions, ...extra });
  setup(run);
  await connected(run);
  return receiver.last.body.status;
}

describe('outputs.heartbeat status conditions', () => {
  it('is OK when no condition is set', async () => {
    expect(await statusWith({})).toBe('OK');
  });

  it('is WARN after an error was logged, with warn = "log_errors > 0"', async () => {
    expect(await statusWith({ warn: 'log_errors > 0' }, (run) => run.log('error', 'disk read failed'))).toBe('WARN');
  });

  it('stays OK with warn = "log_errors > 0" when only warnings were logged', async () => {
    expect(await statusWith({ warn: 'log_errors > 0' }, (run) => run.log('warn', 'slow gather'))).toBe('OK');
  });

  it('counts warnings in log_warnings', async () => {
    expect(await statusWith({ warn: 'log_warnings >= 2' }, (run) => (run.log('warn', 'one'), run.log('warn', 'two')))).toBe('WARN');
  });

  it('is FAIL when an output buffer is over 80% full, as in the issue', async () => {
    const fail = 'outputs.exists(k, outputs[k].exists(o, o.buffer_fullness > 0.8))';
    const full = (run: Running) => {
      run.output('file', { bufferLimit: 10_000 }).buffer_size = 9000;
      run.output('heartbeat');
    };
    const roomy = (run: Running) => void (run.output('file', { bufferLimit: 10_000 }).buffer_size = 100);
    expect(await statusWith({ fail }, full)).toBe('FAIL');
    expect(await statusWith({ fail }, roomy)).toBe('OK');
  });

  it('counts agent, input and output counters since the last successful beat, as Telegraf does', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { fail: 'agent.gather_errors > 0 || inputs.http.exists(i, i.errors > 0)' } });
    const http = run.input('http');
    http.errors = 2;
    await connected(run);
    expect(receiver.last.body.status).toBe('FAIL');
    await run.heartbeat.beat();
    expect(receiver.last.body.status).toBe('OK');
    http.errors = 3;
    await run.heartbeat.beat();
    expect(receiver.last.body.status).toBe('FAIL');
  });

  it('takes the first true condition in the default order ok, warn, fail', async () => {
    expect(await statusWith({ warn: 'true', fail: 'true' })).toBe('WARN');
  });

  it('follows a custom order', async () => {
    expect(await statusWith({ warn: 'true', fail: 'true', order: ['fail', 'warn'] })).toBe('FAIL');
  });

  it('never evaluates a condition left out of order', async () => {
    expect(await statusWith({ fail: 'true', order: ['ok', 'warn'] })).toBe('OK');
  });

  it('sends default when no condition is true', async () => {
    expect(await statusWith({ ok: 'false', warn: 'log_errors > 0', default: 'UNDEFINED' })).toBe('UNDEFINED');
  });

  it('sends initial until the first metrics are written, then evaluates', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { initial: 'WARN', ok: 'metrics > 0', default: 'FAIL' } });
    await connected(run);
    await run.heartbeat.beat();
    run.heartbeat.write(metrics(2));
    await run.heartbeat.beat();
    expect(receiver.beats.map((b) => b.body.status)).toEqual(['WARN', 'WARN', 'OK']);
  });

  it('evaluates from the start when initial is empty', async () => {
    expect(await statusWith({ ok: 'metrics > 0', default: 'FAIL' })).toBe('FAIL');
  });

  it('sees the agent counters', async () => {
    const setup = (run: Running) => Object.assign(run.input('system'), { metrics_gathered: 120, errors: 3 });
    expect(await statusWith({ warn: 'agent.gather_errors > 0 && agent.metrics_dropped == 0' }, setup)).toBe('WARN');
  });

  it('sees every input instance, by plugin name and alias', async () => {
    const setup = (run: Running) => {
      run.input('http', 'api');
      run.input('http', 'web').errors = 2;
      run.input('system').metrics_gathered = 50;
    };
    const fail = 'inputs.exists(k, inputs[k].exists(i, i.errors > 0 && i.alias == "web"))';
    expect(await statusWith({ fail }, setup)).toBe('FAIL');
    expect(await statusWith({ ok: 'inputs.system[0].id == "inputs.system" && inputs.http[1].id == "inputs.http::web"', default: 'FAIL' }, setup)).toBe('OK');
  });

  it('offers now() and last_update for conditions on time', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { warn: 'now() - last_update > duration("1h")', fail: 'last_update > now()' } });
    await connected(run);
    expect(receiver.last.body.status).toBe('OK');
  });

  it('counts logged errors since the last successful heartbeat only', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { warn: 'log_errors > 0' } });
    run.log('error', 'once');
    await connected(run);
    await run.heartbeat.beat();
    expect(receiver.beats.map((b) => b.body.status)).toEqual(['WARN', 'OK']);
  });

  it("accepts Telegraf's [status] table and its lower-case status words", async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status: { ok: 'false', warn: 'false', default: 'fail' } });
    await connected(run);
    expect(receiver.last.body.status).toBe('FAIL');
  });

  it('takes a condition that fails at run time as false and says so once, not every heartbeat', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { fail: 'outputs.influxdb[0].errors > 0', warn: 'true', order: ['fail', 'warn'] } });
    await connected(run);
    await run.heartbeat.beat();
    expect(receiver.beats.map((b) => b.body.status)).toEqual(['WARN', 'WARN']);
    expect(run.ownLogs()).toEqual([
      'warn status condition "status_conditions.fail" could not be evaluated, taken as false: No such key: influxdb',
    ]);
  });
});
