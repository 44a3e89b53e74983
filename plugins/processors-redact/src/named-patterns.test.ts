import { NAMED_PATTERNS, passesLuhn } from './named-patterns.js';
import { namedEntries, Redactor } from './redactor.js';

/** Each pattern on its own, so a true example is known to be taken by that pattern. */
const redactWith = (name: string) => {
  const redactor = new Redactor(namedEntries([name]), { replacement: '<{name}>' });
  return (text: string) => redactor.redact(text);
};

const examples: Record<string, { masks: [string, string][]; leaves: string[] }> = {
  email: {
    masks: [
      ['mail to alice@example.com now', 'mail to <email> now'],
      ['first.last+tag@mail.sub.example.co.uk,', '<email>,'],
      ["o'brien@example.ie", '<email>'],
    ],
    leaves: ['root@localhost', '@handle on twitter', 'a@b', 'user@example.c'],
  },
  ipv4: {
    masks: [
      ['from 10.0.0.1 port 22', 'from <ipv4> port 22'],
      ['client=192.168.255.254.', 'client=<ipv4>.'],
      ['0.0.0.0', '<ipv4>'],
    ],
    leaves: ['version 1.2.3.4.5', '999.1.1.1', '10.0.0', '256.256.256.256', 'v1.2.3'],
  },
  ipv6: {
    masks: [
      ['peer 2001:db8:85a3::8a2e:370:7334 ok', 'peer <ipv6> ok'],
      ['[::1]:8080', '[<ipv6>]:8080'],
      ['fe80:0:0:0:0:0:0:1', '<ipv6>'],
      ['mapped ::ffff:10.0.0.1', 'mapped <ipv6>'],
    ],
    leaves: ['at 12:30:45', 'mac 00:1A:2B:3C:4D:5E', 'std::vector', 'a :: b', '1:2:3:4:5:6:7:8:9'],
  },
  credit_card: {
    masks: [
      ['card 4111111111111111 charged', 'card <credit_card> charged'],
      ['5500-0000-0000-0004', '<credit_card>'],
      ['amex 3782 822463 10005', 'amex <credit_card>'],
      ['visa 4012 8888 8888 1881.', 'visa <credit_card>.'],
      // Next to other digits: the card is found among them, and they stay.
      ['4111111111111111 123', '<credit_card> 123'],
      ['qty 2 4111111111111111', 'qty 2 <credit_card>'],
      ['cc 4111 1111 1111 1111 12', 'cc <credit_card> 12'],
      ['ts 1764584400000 card 5500-0000-0000-0004 cvv 123', 'ts 1764584400000 card <credit_card> cvv 123'],
      ['1764584400000 4111111111111111', '1764584400000 <credit_card>'],
      ['card-4111111111111111', 'card-<credit_card>'],
      ['4111111111111111 4012888888881881', '<credit_card> <credit_card>'],
    ],
    // A failing Luhn digit, a millisecond timestamp, too short, an order id with no issuer prefix,
    // an id of dash-joined groups, phone numbers, digits in a longer word, a list of small numbers.
    leaves: [
      '4111111111111112',
      'ts 1764584400000',
      '411111111111',
      'order 9999999999999995',
      '4111-1111-1111-1111-1111-1111',
      'order 1234-4111111111111111',
      'call +1 415 555 2671 or +44 20 7946 0958',
      'id x4111111111111111',
      'retries 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1',
      'mixed 4111 1111-1111 1111',
    ],
  },
  bearer_token: {
    masks: [
      ['Authorization: Bearer abcdef0123456789ABCDEF', 'Authorization: Bearer <bearer_token>'],
      ['bearer mF_9.B5f-4.1JqM/x+y== end', 'bearer <bearer_token> end'],
    ],
    leaves: ['Bearer realm="api"', 'the bearer of bad news', 'Bearer short123'],
  },
  aws_access_key: {
    masks: [
      ['key AKIAIOSFODNN7EXAMPLE used', 'key <aws_access_key> used'],
      ['ASIAY34FZKBOKMUTVV7A', '<aws_access_key>'],
    ],
    leaves: ['akiaiosfodnn7example', 'AKIAIOSFODNN7EXAMPL', 'XAKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE1'],
  },
  jwt: {
    masks: [
      [
        'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk;',
        'token=<jwt>;',
      ],
      ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', '<jwt>'],
    ],
    leaves: ['eyJhbGciOiJIUzI1NiJ9', 'eyJhbGciOiJIUzI1NiJ9.payload.sig', 'abc.def.ghi', 'xeyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig'],
  },
  password_kv: {
    masks: [
      ['login password=hunter2 ok', 'login password=<password_kv> ok'],
      ['{"user":"bob","password": "my secret"}', '{"user":"bob","password": "<password_kv>"}'],
      ["DB_PASSWD='x y'", "DB_PASSWD='<password_kv>'"],
      ['pwd: s3cr3t, next', 'pwd: <password_kv>, next'],
      ['url?user=a&Password=p4ss&x=1', 'url?user=a&Password=<password_kv>&x=1'],
      // camelCase keys
      ['{"dbPassword":"hunter2"}', '{"dbPassword":"<password_kv>"}'],
      ['userPassword=hunter2 ok', 'userPassword=<password_kv> ok'],
      ['adminPwd=hunter2', 'adminPwd=<password_kv>'],
      ['DBPassword: hunter2', 'DBPassword: <password_kv>'],
      // an unquoted value runs to a space or a quote, separators and all
      ['password=p@ss;word1 next', 'password=<password_kv> next'],
      ['password=ab,cd&ef', 'password=<password_kv>'],
      ['{"pwd":12345,"user":"bob"}', '{"pwd":<password_kv>,"user":"bob"}'],
      // a quote that is not closed, other separators
      ['password="hunter2', 'password="<password_kv>'],
      ["password='hunter2 and more", "password='<password_kv>"],
      ['password => "hunter2"', 'password => "<password_kv>"'],
      ['password := hunter2', 'password := <password_kv>'],
      ['/login?password=s3cr3t#top', '/login?password=<password_kv>#top'],
      // escaped quotes, as in a raw JSON line
      ['{"msg":"login password=\\"hunter2\\" ok"}', '{"msg":"login password=\\"<password_kv>\\" ok"}'],
      ['{"password":"a\\"b"}', '{"password":"<password_kv>"}'],
    ],
    leaves: ['password reset email sent', 'passwords: 3', 'password=', 'bypass=1', 'mypassword=abc', 'MYPASSWORD=abc', 'password=""', 'userPasswordHash=abc', 'Password, please'],
  },
};

describe('named patterns', () => {
  it('has examples for every pattern', () => {
    expect(Object.keys(examples).sort()).toEqual(Object.keys(NAMED_PATTERNS).sort());
  });

  describe.each(Object.entries(examples))('%s', (name, { masks, leaves }) => {
    const redact = redactWith(name);
    it.each(masks)('masks %j', (input, output) => expect(redact(input)).toBe(output));
    it.each(leaves)('leaves %j alone', (input) => expect(redact(input)).toBe(input));
  });

  it('checks the Luhn digit', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});
