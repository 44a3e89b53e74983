/**
 * Lines made to be slow for each named pattern — long runs of the characters a pattern may
 * start, continue or look back over — for the test that every one is scanned in bounded time
 * and for the figures of `bench/processors.mjs`. Each is about `length` characters.
 */
export function worstCases(length: number): Record<string, Record<string, string>> {
  const times = (unit: string) => unit.repeat(Math.ceil(length / unit.length));
  return {
    jwt: { 'eyJ-…': times('eyJ-'), 'eyJa.eyJ-…': times('eyJa.eyJ-'), 'eyJaaa…': 'eyJ' + times('a'), 'eyJa.…': times('eyJa.') },
    aws_access_key: { 'AKIA…': times('AKIA'), 'AKIAAAA…': 'AKIA' + times('A') },
    bearer_token: { 'Bearer   …': 'Bearer' + times(' '), 'Bearer Bearer …': times('Bearer '), 'Bearer aaa…=': 'Bearer ' + times('a') + '=!' },
    password_kv: {
      'password   …': 'password' + times(' '),
      'password=   …': 'password=' + times(' '),
      'pwd:pwd:…': times('pwd:'),
      'password:"…': times('password:"'),
      'password="\\\\…': 'password="' + times('\\'),
      'password=\\"a\\a\\…': 'password=\\"' + times('a\\'),
      'password=,,,…': 'password=' + times(','),
      'password=a,a,…': 'password=' + times('a,') + ' ',
      '?aaa…password=': '?' + times('a') + 'password=x',
      'aPwd=aPwd=…': times('aPwd='),
      'PPP…': times('P'),
    },
    email: {
      'a@a-a-…': 'a@' + times('a-'),
      'a@a.a.…1': 'a@' + times('a.') + '1',
      'a.a@a.a@…': times('a.a@'),
      'a.a.…@': times('a.') + '@',
      'aaa…@ repeated': times('a'.repeat(1000) + '@'),
      '@@@…': times('@'),
      'a@a@…': times('a@'),
    },
    credit_card: { '111…': times('1'), '1 1 1 …': times('1 '), '4-4-…': times('4-'), '4111 4111 …': times('4111 '), '4111-4111 …': times('4111-4111 ') },
    ipv4: { '1.1.1.…': times('1.'), '255.255.…': times('255.') },
    ipv6: { 'a:a:…': times('a:'), '::a::a…': times('::a'), 'ffff:ffff:…': times('ffff:'), '1:1 1:1 …': times('1:1 '), '1111:1111:…x': times('1111:1111:') + 'x' },
  };
}
