import { checkOptions as validate } from '@vigil/core/testing';
import docker from './index.js';

const problems = (options: Record<string, unknown>) => {
  try {
    validate(docker, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('options', () => {
  it('default to the local socket, every container and Telegraf\'s per-device and total choices', () => {
    expect(validate(docker, {})).toMatchObject({
      endpoint: 'unix:///var/run/docker.sock',
      timeout: 5000,
      container_state_include: [],
      perdevice_include: ['cpu'],
      total_include: ['cpu', 'blkio', 'network'],
    });
  });

  it('accept unix sockets, tcp host:port and ENV, and nothing else as the endpoint', () => {
    for (const endpoint of ['unix:///run/docker.sock', 'tcp://10.0.0.5:2376', 'tcp://[::1]:2375', 'ENV']) expect(problems({ endpoint })).toBe('');
    expect(problems({ endpoint: 'http://localhost:2375' })).toBe('option "endpoint" must be "unix:///path", "tcp://host:port" or "ENV", got "http://localhost:2375"');
    expect(problems({ endpoint: 'tcp://docker-host' })).toMatch(/option "endpoint" must be/);
  });

  it('reject a device class Telegraf does not know', () => {
    expect(problems({ perdevice_include: ['disk'] })).toMatch(/perdevice_include\.0.*"cpu", "blkio", "network"/);
  });

  it('refuse TLS options for a unix socket, and a certificate without its key', () => {
    expect(problems({ tls_ca: '/etc/ca.pem' })).toBe('option "tls_ca" applies to tcp:// endpoints only; "unix:///var/run/docker.sock" is a unix socket');
    expect(problems({ endpoint: 'tcp://h:2376', tls_cert: '/c.pem' })).toBe('options "tls_cert" and "tls_key" go together: set both or neither');
  });
});
