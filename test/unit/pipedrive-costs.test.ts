import { describe, expect, it } from 'vitest';
import { costOf, costOfOp } from '../../server/pipedrive/costs.ts';

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
