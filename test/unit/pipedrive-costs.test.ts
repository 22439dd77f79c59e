import { describe, expect, it } from 'vitest';
import { costOf, costOfOp } from '../../server/pipedrive/costs.ts';
import { apiPathOf } from '../../server/pipedrive/transport.ts';

describe('Pipedrive token costs', () => {
  it.each([
    ['POST', '/api/v2/persons', 'persons.add', 5, false],
    ['PATCH', '/api/v2/persons/17', 'persons.update', 5, false],
    ['GET', '/api/v2/persons/17', 'persons.get', 1, false],
    ['GET', '/api/v2/persons', 'persons.list', 10, false],
    ['DELETE', '/api/v2/organizations/3', 'organizations.delete', 3, false],
    ['GET', '/api/v2/persons/search', 'persons.search', 20, true],
    ['POST', '/api/v2/personFields', 'personFields.add', 5, false],
    ['GET', '/api/v2/personFields/946947d1b02fd3ef20798d6112ec5d895a686a21', 'personFields.get', 1, false],
    ['POST', '/v1/notes', 'notes.add', 10, false],
    ['POST', '/api/v1/files', 'files.add', 10, false],
    ['GET', '/api/v1/users', 'users.list', 20, false],
    ['GET', '/api/v1/users/find', 'users.find', 40, false],
    ['GET', '/api/v1/users/me', 'users.me', 2, false],
  ])('%s %s is %s at %i tokens', (method, path, op, tokens, search) => {
    expect(costOf(method, path)).toEqual({ op, tokens, search });
  });

  it('charges an unknown route at the generic v1 price rather than nothing', () => {
    expect(costOf('post', '/api/v1/deals')).toEqual({ op: 'POST /api/v1/deals', tokens: 10, search: false });
  });

  it('prices operations by name for estimates', () => {
    expect(costOfOp('activities.add')).toBe(5);
    expect(() => costOfOp('persons.teleport')).toThrow('unknown Pipedrive operation persons.teleport');
  });
});

describe('the API path of a request URL', () => {
  it.each([
    ['https://acme.pipedrive.com/api/v2/persons?cursor=abc', '/api/v2/persons'],
    ['http://127.0.0.1:4010/proxy/api/v1/notes#top', '/api/v1/notes'],
    ['https://acme.pipedrive.com/v1/notes/12', '/v1/notes/12'],
    ['http://v1/api/v2/persons', '/api/v2/persons'],
    ['https://x.test/a/../api/v2/persons', '/api/v2/persons'],
    ['https://x.test/api/v2/persons/search?term=%40', '/api/v2/persons/search'],
    ['/api/v2/organizations/5', '/api/v2/organizations/5'],
    ['https://x.test/other', '/other'],
  ])('%s is %s', (url, path) => {
    expect(apiPathOf(url)).toBe(path);
  });
});
