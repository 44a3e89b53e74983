import { requireTool } from './require-tool.js';

describe('requireTool', () => {
  it('finds a program on PATH or in the sbin directories an ordinary PATH lacks', () => {
    expect(requireTool('sh', 'dash')).toMatch(/^\/.*\/sh$/);
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      expect(requireTool('sh', 'dash')).toMatch(/^\/(usr\/)?(s)?bin\/sh$/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('fails with one line naming the Debian package when the program is missing', () => {
    expect(() => requireTool('vigil-no-such-tool', 'vigil-tools')).toThrow(
      new Error('this test needs "vigil-no-such-tool": install the Debian package vigil-tools (sudo scripts/install-test-deps.sh installs all the tests use)'),
    );
  });
});
