import { compileConfigRegex, configRegexProblem, configReplacement } from './config-regex.js';

describe('config regular expressions', () => {
  it('turns a leading (?i) into the i flag and (?P<name> into a named group', () => {
    const re = compileConfigRegex('(?i)(?P<key>api_key)=\\S+');
    expect(re.flags).toBe('i');
    expect(re.exec('API_KEY=abc')?.groups).toEqual({ key: 'API_KEY' });
  });

  it('names the reason a pattern does not compile', () => {
    expect(configRegexProblem('a(b')).toMatch(/Unterminated group/);
    expect(configRegexProblem('a(b)')).toBeUndefined();
  });

  it("reads Telegraf's ${1} and ${name} replacements", () => {
    const re = compileConfigRegex('^(\\d)\\d\\d$');
    expect('404'.replace(re, configReplacement('${1}xx'))).toBe('4xx');
    expect('404'.replace(re, configReplacement('${1}0$$'))).toBe('40$');
    expect('/api/users'.replace(compileConfigRegex('^/api(?P<path>/\\w+)'), configReplacement('${path}'))).toBe('/users');
  });
});
