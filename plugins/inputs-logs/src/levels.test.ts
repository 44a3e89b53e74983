import type { LogLevel } from '@vigil/core';
import { levelAt, levelFromHttpStatus, levelFromNumber, levelFromSyslogSeverity, levelFromValue, levelOfLetter } from './levels.js';

const SPELLINGS: [string, LogLevel][] = [
  ['trace', 'trace'], ['trc', 'trace'], ['verbose', 'trace'], ['vrb', 'trace'], ['finest', 'trace'], ['finer', 'trace'],
  ['debug', 'debug'], ['dbg', 'debug'], ['fine', 'debug'],
  ['info', 'info'], ['inf', 'info'], ['information', 'info'], ['informational', 'info'], ['notice', 'info'],
  ['warn', 'warn'], ['warning', 'warn'], ['wrn', 'warn'], ['wrng', 'warn'],
  ['error', 'error'], ['err', 'error'], ['eror', 'error'], ['severe', 'error'],
  ['fatal', 'fatal'], ['ftl', 'fatal'], ['critical', 'fatal'], ['crit', 'fatal'], ['crt', 'fatal'], ['alert', 'fatal'],
  ['emerg', 'fatal'], ['emergency', 'fatal'], ['panic', 'fatal'], ['dpanic', 'fatal'],
];

describe('level spellings', () => {
  test.each(SPELLINGS)('"%s" in any case means %s', (word, level) => {
    for (const spelling of [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]) {
      expect(levelAt(`[${spelling}]`, 1, spelling.length + 1)).toBe(level);
      expect(levelFromValue(spelling)).toBe(level);
    }
  });

  test('words that only resemble a level are not one', () => {
    for (const word of ['informant', 'errand', 'warned', 'debugger', 'in', 'e', 'x', 'fatality']) expect(levelAt(word, 0, word.length)).toBeUndefined();
  });

  test.each([
    ['T', 'trace'], ['V', 'trace'], ['D', 'debug'], ['I', 'info'], ['W', 'warn'], ['E', 'error'], ['F', 'fatal'],
  ] as [string, LogLevel][])('the letter %s means %s', (letter, level) => {
    expect(levelOfLetter(letter.charCodeAt(0))).toBe(level);
    expect(levelFromValue(letter.toLowerCase())).toBe(level);
  });

  test('syslog severities 0-7', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(levelFromSyslogSeverity)).toEqual(['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']);
  });

  test('numbers: syslog severities up to 7, pino/bunyan levels above', () => {
    expect([10, 20, 30, 40, 50, 60].map(levelFromNumber)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(levelFromNumber(3)).toBe('error');
    expect(levelFromValue('50')).toBe('error');
    expect(levelFromValue(4)).toBe('warn');
  });

  test('HTTP statuses: 5xx error, 4xx warn, others info', () => {
    expect([200, 301, 404, 503].map(levelFromHttpStatus)).toEqual(['info', 'info', 'warn', 'error']);
  });

  test('values that are no level', () => {
    for (const value of ['', 'loud', true, null, {}]) expect(levelFromValue(value)).toBeUndefined();
  });
});
